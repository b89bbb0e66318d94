"""Name the site (allauth puts it in e-mail subjects and texts) after the portal."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(settings.SITE_URL).netloc or "ion-portal.example"
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": "ION Portal"})


class Migration(migrations.Migration):
    dependencies = [("ion_portal", "0002_groups_and_cancer_types"), ("sites", "0002_alter_domain_unique")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
