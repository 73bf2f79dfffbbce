"""Every row checked before anything is written: participants, waves, duplicates, values."""

import re
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.core.tabular import Table
from livinglab.evaluation.measurement.imports.issues import Issue
from livinglab.evaluation.measurement.imports.values import (
    GROUP_VALUES,
    cell_at,
    cell_text,
    parse_value,
)
from livinglab.evaluation.measurement.models import Indicator, Response, Wave

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass
class ImportContext:
    campaign: Campaign
    waves: dict[str, Wave]
    indicators: dict[str, Indicator]
    participants: dict[str, tuple[int, str, int | None, bool]]  # code → id, group, site, withdrawn
    sites: dict[str, list[Site]]
    existing_pairs: set[tuple[str, str]]


def load_context(campaign: Campaign, indicator_codes: list[str]) -> ImportContext:
    waves = {wave.code: wave for wave in campaign.waves.all()}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=indicator_codes)}
    participants = {
        code: (pk, group, site_id, withdrawn is not None)
        for pk, code, group, site_id, withdrawn in campaign.participants.values_list(
            "pk", "code", "group", "site_id", "withdrawal_date"
        )
    }
    sites: dict[str, list[Site]] = {}
    for site in Site.objects.all():
        for key in {site.name.casefold(), site.uai.casefold(), site.siret}:
            if key:
                sites.setdefault(key, []).append(site)
    existing = set(
        Response.objects.filter(participant__campaign=campaign)
        .values_list("participant__code", "wave__code")
        .distinct()
    )
    return ImportContext(campaign, waves, indicators, participants, sites, existing)


class Validator:
    """Checks every row and collects the values to write."""

    def __init__(
        self,
        ctx: ImportContext,
        table: Table,
        mapping: dict,
        *,
        wave: str | None,
        create,
        skip_row=None,
    ):
        self.ctx, self.table, self.mapping = ctx, table, mapping
        self.fixed_wave, self.create = wave, create
        self.skip_row = skip_row  # the format's rule for rows that are not answers
        self.skipped: Counter[str] = Counter()  # reason → rows skipped
        self.issues: list[Issue] = []
        self.values: list[tuple[str, str, int, float]] = []  # code, wave, indicator id, value
        self.new_participants: dict[str, tuple[str, int | None]] = {}
        position = {column: index for index, column in enumerate(table.header)}
        self.field_index = {
            name: position.get(column) for name, column in mapping["fields"].items()
        }
        self.indicator_index = {
            code: position[column]
            for code, column in mapping["indicators"].items()
            if column in position
        }

    def issue(self, row: int, column: str, value, reason: str) -> None:
        self.issues.append(Issue(row, column, cell_text(value), reason))

    def check_header(self) -> None:
        fields = self.mapping["fields"]
        if "participant" not in fields:
            self.issue(1, "participant", "", _("colonne du code participant introuvable"))
        if "wave" not in fields and not self.fixed_wave:
            self.issue(1, "wave", "", _("colonne de vague introuvable (ou option --wave)"))
        if not self.indicator_index:
            self.issue(1, "", "", _("aucune colonne ne correspond à un indicateur du protocole"))
        for code, column in self.mapping["indicators"].items():
            if column not in self.table.header:
                self.issue(1, column, "", _("colonne absente du fichier"))
            elif code not in self.ctx.indicators:
                self.issue(1, column, code, _("indicateur inconnu du catalogue"))
        if self.mapping.get("unknown_columns"):
            for column in self.mapping["unknown_columns"]:
                self.issue(
                    1, column, "", _("colonne inconnue : ni champ ni indicateur du protocole")
                )

    def run(self) -> None:
        self.check_header()
        if self.issues:
            return
        seen: dict[tuple[str, str], int] = {}
        columns = self.mapping["fields"]
        for offset, row in enumerate(self.table.rows):
            line = offset + 2
            if self.skip_row is not None:
                reason = self.skip_row(dict(zip(self.table.header, row, strict=False)))
                if reason:
                    self.skipped[reason] += 1
                    continue
            code = cell_text(cell_at(row, self.field_index.get("participant")))
            wave = self.fixed_wave or cell_text(cell_at(row, self.field_index.get("wave")))
            if not self._check_participant(line, code, row, columns):
                continue
            if wave not in self.ctx.waves:
                self.issue(line, columns.get("wave", "wave"), wave, _("vague inconnue"))
                continue
            key = (code, wave)
            if key in seen:
                self.issue(
                    line,
                    columns["participant"],
                    code,
                    _("doublon participant × vague (déjà ligne %(line)d)") % {"line": seen[key]},
                )
                continue
            seen[key] = line
            if key in self.ctx.existing_pairs:
                self.issue(
                    line,
                    columns["participant"],
                    code,
                    _("réponses déjà importées pour cette vague"),
                )
                continue
            for indicator_code, index in self.indicator_index.items():
                indicator = self.ctx.indicators[indicator_code]
                raw = cell_at(row, index)
                value, reason = parse_value(raw, indicator)
                if reason:
                    self.issue(line, self.table.header[index], raw, reason)
                elif value is not None:
                    self.values.append((code, wave, indicator.pk, value))

    def _check_participant(self, line: int, code: str, row: list, columns: dict) -> bool:
        column = columns.get("participant", "participant")
        if not CODE_PATTERN.match(code):
            reason = _("code participant manquant") if not code else _("code participant invalide")
            self.issue(line, column, code, reason)
            return False
        group = self._group(line, row, columns)
        site = self._site(line, row, columns)
        if group is False or site is False:
            return False
        known = self.ctx.participants.get(code)
        if known is not None:
            _pk, known_group, known_site, withdrawn = known
            if withdrawn:
                self.issue(line, column, code, _("participant retiré de l'étude"))
                return False
            if group and group != known_group:
                self.issue(line, columns["group"], group, _("groupe différent de celui enregistré"))
                return False
            if site and site.pk != known_site:
                self.issue(
                    line, columns["site"], site.name, _("site différent de celui enregistré")
                )
                return False
            return True
        if not self.create:
            self.issue(line, column, code, _("participant inconnu (création non autorisée)"))
            return False
        previous = self.new_participants.get(code)
        new = (group or Participant.Group.INTERVENTION, site.pk if site else None)
        if previous and previous != new:
            self.issue(line, column, code, _("groupe ou site incohérent entre les lignes"))
            return False
        self.new_participants[code] = new
        return True

    def _group(self, line: int, row: list, columns: dict):
        raw = cell_text(cell_at(row, self.field_index.get("group")))
        if not raw:
            return None
        group = GROUP_VALUES.get(raw.casefold())
        if group is None:
            self.issue(
                line, columns["group"], raw, _("groupe inconnu (intervention ou comparison)")
            )
            return False
        return group

    def _site(self, line: int, row: list, columns: dict):
        raw = cell_text(cell_at(row, self.field_index.get("site")))
        if not raw:
            return None
        matches = self.ctx.sites.get(raw.casefold(), [])
        if len(matches) != 1:
            reason = _("site inconnu") if not matches else _("site ambigu (plusieurs homonymes)")
            self.issue(line, columns["site"], raw, reason)
            return False
        return matches[0]
