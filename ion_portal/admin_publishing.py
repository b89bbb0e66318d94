"""The one publishable admin: "publish" and "unpublish" actions for every `Publishable` model.

Publishing keeps an existing publication date (an item published last year keeps last year's date; a
scheduled one stays scheduled) and sets "now" only when there is none. Unpublishing keeps the date too, so
publishing again restores it. Each object is saved (not `update()`d) so `save()` logic, validation hooks and
the change history (django-simple-history) see the change.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class PublishableAdminMixin:
    """Mix into a ModelAdmin of a `Publishable` model (before `admin.ModelAdmin`)."""

    actions = ["publish", "unpublish"]
    # Set to True to run full_clean() before publishing and refuse objects that fail it (for example
    # toxicity guidelines without a reviewer); `publish_refused_message` names them.
    publish_requires_clean = False
    publish_refused_message = _("Not published, not ready yet: %s")

    @admin.action(description=_("Publish the selected items (keeping their publication dates)"))
    def publish(self, request, queryset):
        published, refused = 0, []
        for obj in queryset.exclude(status=queryset.model.Status.PUBLISHED):
            obj.status = obj.Status.PUBLISHED
            obj.published_at = obj.published_at or timezone.now()
            if self.publish_requires_clean:
                try:
                    obj.full_clean()
                except ValidationError:
                    refused.append(str(obj))
                    continue
            obj.save()
            published += 1
        self.message_user(
            request,
            ngettext("%d item published.", "%d items published.", published) % published,
            messages.SUCCESS,
        )
        if refused:
            self.message_user(
                request, self.publish_refused_message % ", ".join(refused), messages.ERROR
            )

    @admin.action(description=_("Unpublish the selected items"))
    def unpublish(self, request, queryset):
        count = 0
        for obj in queryset.filter(status=queryset.model.Status.PUBLISHED):
            obj.status = obj.Status.DRAFT
            obj.save()
            count += 1
        self.message_user(
            request,
            ngettext("%d item unpublished.", "%d items unpublished.", count) % count,
            messages.SUCCESS,
        )
