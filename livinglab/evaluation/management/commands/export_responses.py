"""Export a campaign's pseudonymous responses, wide format, formulas escaped."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.measurement.exports import responses_export


class Command(BaseCommand):
    help = "Exporte les réponses pseudonymes d'une campagne (CSV ou XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="Campaign slug.")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", type=Path, help="File to write (default: standard output).")

    def handle(self, *args, campaign: str, format: str, output: Path | None, **options):
        target = Campaign.objects.filter(slug=campaign).first()
        if target is None:
            raise CommandError(f"Campagne inconnue : {campaign}")
        content = responses_export(campaign=target, fmt=format)
        if output:
            output.write_bytes(content)
            self.stderr.write(f"{output} écrit ({len(content)} octets).")
        elif format == "xlsx":
            raise CommandError("--format xlsx needs --output FILE.")
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
