"""The core app: users, people, units, vocabularies and the site's own pages."""

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.core.signals import request_started
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IonPortalConfig(AppConfig):
    name = "ion_portal"
    verbose_name = _("Portal core")

    def ready(self):
        # In ready(): these modules use models, which may be imported only once the app registry is loaded.
        from ion_portal.middleware import mark_session_start
        from ion_portal.permissions import grant_curator_permissions
        from ion_portal.sites import seat_current_site

        post_migrate.connect(
            grant_curator_permissions, dispatch_uid="ion_portal_curator_permissions"
        )
        request_started.connect(seat_current_site, dispatch_uid="ion_portal_site_from_site_url")
        user_logged_in.connect(mark_session_start, dispatch_uid="ion_portal_session_start")
