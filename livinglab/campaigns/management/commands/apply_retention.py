"""`manage.py apply_retention`: erase the row-level data of campaigns past their retention."""

from django.core.management.base import BaseCommand

from livinglab.campaigns.privacy import retention_apply


class Command(BaseCommand):
    help = (
        "Delete the participants and answers of every campaign whose end date is older than its "
        "retention period (aggregated results stay). Runs daily in Celery beat."
    )

    def handle(self, *args, **options):
        totals = retention_apply()
        self.stdout.write(
            f"{totals['campaigns']} campaign(s) past retention, "
            f"{totals['participants']} participant(s) erased"
        )
