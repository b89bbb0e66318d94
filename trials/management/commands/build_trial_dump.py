"""manage.py build_trial_dump: write the complete registry CSV (gzip) for /api/v1/trials/dump/."""

from django.core.management.base import BaseCommand

from trials.dump import build_dump


class Command(BaseCommand):
    help = (
        "Write every published trial as one gzip CSV (with the end-of-export trailer) to EXPORT_ROOT, "
        "atomically, with its generation time and row count. Run daily and after a sync."
    )

    def handle(self, *args, **options):
        meta = build_dump()
        self.stdout.write(
            f"Dump of {meta['rows']} trials written ({meta['bytes']} bytes, {meta['generated_at']})."
        )
