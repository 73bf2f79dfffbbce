"""Sample size per group for a two-sided t test, with the cluster design effect (DESIGN.md §4)."""

import json

from django.core.management.base import BaseCommand, CommandError

from livinglab.evaluation.runs.planning import sample_size_report


class Command(BaseCommand):
    help = "Participants (or pairs) per group needed for a target power."

    def add_arguments(self, parser):
        parser.add_argument("--design", required=True, choices=["paired", "two_group"])
        parser.add_argument("--effect-size", required=True, type=float)
        parser.add_argument("--power", required=True, type=float)
        parser.add_argument("--alpha", required=True, type=float)
        parser.add_argument("--icc", type=float, default=0.0)
        parser.add_argument("--cluster-size", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        try:
            result = sample_size_report(
                design=options["design"],
                effect_size=options["effect_size"],
                power=options["power"],
                alpha=options["alpha"],
                icc=options["icc"],
                cluster_size=options["cluster_size"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        unit = "paires" if options["design"] == "paired" else "participants par groupe"
        self.stdout.write(
            f"{result['n_per_group']:.2f} → {result['n_per_group_rounded']} {unit}"
            f" ; effet de grappe {result['design_effect']:.2f}"
            f" → {result['n_per_group_clustered']} {unit}"
            f" ({result['clusters_per_group']} grappes par groupe, total {result['n_total']})"
        )
