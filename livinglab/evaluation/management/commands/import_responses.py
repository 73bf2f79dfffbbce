"""Import a CSV/XLSX of responses; any bad row → non-zero exit, per-row errors, nothing written."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.measurement.definitions import DefinitionError, read_definition
from livinglab.evaluation.measurement.imports import ImportFailed, responses_import

CREATE_HINT = "relancez avec l'option --create-participants pour inscrire les codes inconnus"


class Command(BaseCommand):
    help = (
        "Importe un fichier de réponses (CSV, XLSX ou ZIP d'ODK Central : format générique, "
        "LimeSurvey, KoboToolbox, ODK)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--campaign", required=True, help="Campaign slug.")
        parser.add_argument("--dry-run", action="store_true", help="Check only, write nothing.")
        parser.add_argument(
            "--create-participants",
            action="store_true",
            help="Create unknown participant codes (with the file's group and site).",
        )
        parser.add_argument("--wave", help="Wave code when the file has no wave column.")
        parser.add_argument(
            "--mapping",
            type=Path,
            help='JSON {"fields": {"participant": COLUMN, ...}, "indicators": {CODE: COLUMN}, '
            '"values": {CODE: {ANSWER: VALUE}}, "aggregates": {CODE: "count|sum|mean"}}; '
            "saved for the campaign and the file's format.",
        )
        parser.add_argument(
            "--definition",
            type=Path,
            help="The survey tool's questionnaire: LimeSurvey structure (.lss or .txt) or "
            "XLSForm (.xlsx); saved with the mapping for the next waves.",
        )
        parser.add_argument(
            "--repeat",
            type=Path,
            action="append",
            default=[],
            help="An ODK repeat-group file (PARENT_KEY, KEY) of the main file; repeatable.",
        )

    def handle(self, *args, file: Path, campaign: str, **options):
        target = Campaign.objects.filter(slug=campaign).first()
        if target is None:
            raise CommandError(f"Campagne inconnue : {campaign}")
        mapping = None
        if options["mapping"]:
            try:
                mapping = json.loads(options["mapping"].read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as error:
                raise CommandError(f"{options['mapping']}: JSON illisible ({error})") from error
        definition = None
        try:
            data = file.read_bytes()
            repeats = {path.name: path.read_bytes() for path in options["repeat"]}
            if options["definition"]:
                path = options["definition"]
                definition = read_definition(path.read_bytes(), filename=path.name)
        except OSError as error:
            raise CommandError(f"{error.filename}: {error.strerror}") from error
        except DefinitionError as error:
            raise CommandError(f"{options['definition']}: {error}") from error
        try:
            report = responses_import(
                campaign=target,
                data=data,
                filename=file.name,
                dry_run=options["dry_run"],
                create_participants=options["create_participants"],
                wave=options["wave"],
                mapping=mapping,
                save_mapping=mapping is not None or definition is not None,
                definition=definition,
                repeats=repeats,
                create_hint=CREATE_HINT,
            )
        except ImportFailed as failure:
            for issue in failure.issues:
                self.stderr.write(str(issue))
            raise CommandError(
                f"{file}: {len(failure.issues)} erreur(s), rien n'a été importé."
            ) from failure
        verb = "seraient importées" if report.dry_run else "importées"
        self.stdout.write(
            f"{file.name} ({report.source_format}) : {report.rows} lignes, {report.values} valeurs "
            f"{verb}, {report.new_participants} nouveau(x) participant(s)."
        )
        for line in report.summary_lines():
            self.stdout.write(f"  {line}")
