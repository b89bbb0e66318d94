"""Curators curate everything in admin: their group gets every permission of the content apps."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

CURATED_APPS = ("trials", "toxicity", "collaborations", "education")
CURATED_CORE_MODELS = ("unit", "person", "cancertype", "contactmessage", "sitepage")


def grant_curator_permissions(sender=None, using="default", **kwargs):
    """post_migrate: keep the Curators group's permissions complete as new models appear."""

    group = Group.objects.using(using).filter(name="Curators").first()
    if group is None:
        return
    wanted = Permission.objects.using(using).filter(
        Q(content_type__app_label__in=CURATED_APPS)
        | Q(content_type__app_label="ion_portal", content_type__model__in=CURATED_CORE_MODELS)
        | Q(
            content_type__app_label="ion_portal",
            content_type__model="user",
            codename__startswith="view",
        )
        | Q(
            content_type__app_label="ion_portal",
            content_type__model="user",
            codename__startswith="change",
        )
    )
    group.permissions.add(*wanted)
