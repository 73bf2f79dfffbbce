"""Print (or write) a campaign's current protocol as the JSON document import_protocol reads."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.measurement.protocols import (
    current_protocol,
    protocol_definition,
    protocol_hash,
)


class Command(BaseCommand):
    help = "Exporte le protocole d'évaluation d'une campagne en JSON."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="Campaign slug.")
        parser.add_argument("--output", type=Path, help="File to write (default: standard output).")

    def handle(self, *args, campaign: str, output: Path | None, **options):
        target = Campaign.objects.filter(slug=campaign).first()
        protocol = current_protocol(target) if target else None
        if protocol is None:
            raise CommandError(f"Pas de protocole pour la campagne « {campaign} ».")
        document = {
            **protocol_definition(protocol),
            "version": protocol.version,
            "hash": protocol_hash(protocol),
            "locked_at": protocol.locked_at.isoformat() if protocol.locked_at else None,
            "deviation": protocol.deviation,
        }
        text = json.dumps(document, ensure_ascii=False, indent=2)
        if output:
            output.write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
