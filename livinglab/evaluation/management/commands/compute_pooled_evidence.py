"""Recompute the pooled evidence (meta-analyses across campaigns) in this process."""

from django.core.management.base import BaseCommand

from livinglab.evaluation.pooled.services import pooled_evidence_compute_all


class Command(BaseCommand):
    help = "Recomputes the pooled evidence of every catalogue indicator (or of --indicator)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--indicator", action="append", dest="codes", help="indicator code (repeatable)"
        )

    def handle(self, *args, **options):
        counts = pooled_evidence_compute_all(codes=options["codes"])
        pooled = {code: count for code, count in counts.items() if count}
        for code, count in sorted(pooled.items()):
            self.stdout.write(f"{code} : {count} résultat(s) groupé(s)")
        self.stdout.write(
            f"Résultats groupés recalculés pour {len(counts)} indicateur(s), "
            f"{len(pooled)} avec au moins une campagne publiée."
        )
