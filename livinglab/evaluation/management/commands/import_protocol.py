"""Create or update a campaign's protocol from a JSON file (DESIGN.md §4)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from livinglab.evaluation.measurement.catalogue import catalogue_load
from livinglab.evaluation.measurement.protocols import ProtocolError, protocol_hash, protocol_import


class Command(BaseCommand):
    help = "Crée ou met à jour le protocole d'évaluation d'une campagne (fichier JSON)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--deviation", default="", help="Why a locked protocol changes.")

    def handle(self, *args, file: Path, deviation: str, **options):
        try:
            definition = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"{file}: fichier JSON illisible ({error})") from error
        catalogue_load()
        try:
            protocol = protocol_import(definition=definition, deviation=deviation)
        except ProtocolError as error:
            raise CommandError(f"{file}: {error}") from error
        self.stdout.write(
            f"Protocole v{protocol.version} de « {protocol.campaign.slug} » "
            f"({protocol.get_design_display()}, {protocol.outcomes.count()} critère(s), "
            f"empreinte {protocol_hash(protocol)[:12]})."
        )
