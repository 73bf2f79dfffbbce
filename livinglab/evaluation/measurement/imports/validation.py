"""Every row checked before anything is written: participants, waves, duplicates, values."""

import re
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.evaluation.measurement.imports.issues import Issue
from livinglab.evaluation.measurement.imports.plan import ImportPlan
from livinglab.evaluation.measurement.imports.repeats import METHODS, root_of
from livinglab.evaluation.measurement.imports.values import (
    GROUP_VALUES,
    cell_at,
    cell_text,
    parse_value,
)
from livinglab.evaluation.measurement.models import Indicator, Response, Wave

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
CREATE_HINT = gettext_lazy(
    "pour l'inscrire, cochez « Créer les participants inconnus » (import dans l'admin) ou "
    "ajoutez l'option --create-participants (commande import_responses)"
)
ADMIN_CREATE_HINT = gettext_lazy(
    "pour inscrire les codes inconnus, cochez « Créer les participants inconnus » et vérifiez "
    "à nouveau le fichier"
)
LABELS_HINT = gettext_lazy(
    " — export avec les libellés des questions ? Joignez la définition du questionnaire "
    "(XLSForm, structure LimeSurvey) : option --definition, ou page « Questionnaire de l'outil »"
)


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
        self, ctx: ImportContext, plan: ImportPlan, *, wave: str | None, create, create_hint=""
    ):
        self.ctx, self.plan, self.table, self.mapping = ctx, plan, plan.table, plan.mapping
        self.fixed_wave, self.create = wave, create
        self.create_hint = create_hint or str(CREATE_HINT)
        self.skipped: Counter[str] = Counter()  # reason → rows the format says to skip
        self.flagged: Counter[str] = Counter()  # reason → rows imported but flagged by the tool
        self.issues: list[Issue] = []
        self.values: list[tuple[str, str, int, float]] = []  # code, wave, indicator id, value
        self.new_participants: dict[str, tuple[str, int | None]] = {}
        self.field_index = plan.field_index
        self.indicator_index = plan.indicator_index
        self._columns: list | None = None

    def issue(self, row: int, column: str, value, reason: str) -> None:
        self.issues.append(Issue(row, column, cell_text(value), reason))

    def check_header(self) -> None:
        fields = self.mapping["fields"]
        hint = ""
        if not self.plan.definition and self.plan.survey_format.name != "generic":
            hint = str(LABELS_HINT)
        if "participant" not in fields:
            self.issue(1, "participant", "", _("colonne du code participant introuvable") + hint)
        if "wave" not in fields and not self.fixed_wave:
            self.issue(1, "wave", "", _("colonne de vague introuvable (ou option --wave)") + hint)
        if not self.indicator_index and not self.plan.repeat_columns:
            self.issue(1, "", "", _("aucune colonne ne correspond à un indicateur du protocole"))
        for target, column in self.plan.missing:
            if target == "wave" and self.fixed_wave:
                continue  # --wave (or the admin's wave) stands for the column
            if target in self.mapping.get("aggregates", {}):
                reason = _(
                    "colonne d'un groupe répété introuvable : importez le ZIP complet "
                    "d'ODK Central (ou le fichier du groupe avec --repeat)"
                )
            else:
                reason = _("colonne absente du fichier")
            self.issue(1, column, "", reason)
        for code in [*self.indicator_index, *self.plan.repeat_columns]:
            if code not in self.ctx.indicators:
                column = self.mapping["indicators"][code]
                self.issue(1, column, code, _("indicateur inconnu du catalogue"))
        for code in self.plan.repeat_columns:
            method = self.mapping.get("aggregates", {}).get(code, "")
            if method not in METHODS:
                reason = _(
                    "colonne d'un groupe répété : choisissez l'agrégation par soumission "
                    "(count, sum ou mean) dans la correspondance"
                )
                self.issue(1, self.plan.repeat_values.label(code), method, reason)
        if self.plan.repeat_columns and self.plan.key_index is None:
            reason = _("colonne KEY absente : les groupes répétés ne sont reliés à rien")
            self.issue(1, "KEY", "", reason)
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
        survey_format = self.plan.survey_format
        for offset, row in enumerate(self.table.rows):
            line = offset + 2
            cells = None
            if survey_format.skip_row is not None or survey_format.flag_row is not None:
                cells = dict(zip(self.table.header, row, strict=False))
            if survey_format.skip_row is not None and (reason := survey_format.skip_row(cells)):
                self.skipped[reason] += 1
                continue
            code = cell_text(cell_at(row, self.field_index.get("participant")))
            wave = self.fixed_wave or self._field(row, "wave")
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
            if survey_format.flag_row is not None and (reason := survey_format.flag_row(cells)):
                self.flagged[reason] += 1
            self._values(line, row, code, wave)

    def _values(self, line: int, row: list, code: str, wave: str) -> None:
        if self._columns is None:  # once per import, not once per cell
            self._columns = [
                (self.ctx.indicators[indicator_code], index,
                 self.plan.indicator_tables.get(indicator_code))
                for indicator_code, index in self.indicator_index.items()
            ]  # fmt: skip
        for indicator, index, lookup in self._columns:
            raw = row[index] if index < len(row) else None
            found, mapped = lookup.lookup(raw) if lookup else (False, None)
            if found and mapped is None:
                continue  # the value map says: missing
            value, reason = parse_value(mapped if found else raw, indicator)
            if reason and lookup and not found:
                reason = _("réponse absente de la table de valeurs (%(codes)s)") % {
                    "codes": ", ".join(lookup.codes[:8]) or "—"
                }
            if reason:
                self.issue(line, self.table.header[index], raw, reason)
            elif value is not None:
                self.values.append((code, wave, indicator.id, value))
        if self.plan.repeat_values is not None:
            submission = root_of(cell_at(row, self.plan.key_index))
            for indicator_code in self.plan.repeat_columns:
                indicator = self.ctx.indicators[indicator_code]
                lookup = self.plan.indicator_tables.get(indicator_code)
                value, issues = self.plan.repeat_values.value(
                    indicator_code, submission, indicator, lookup, line
                )
                self.issues.extend(issues)
                if value is not None:
                    self.values.append((code, wave, indicator.pk, value))

    def _field(self, row: list, name: str) -> str:
        """A field's cell, through the questionnaire's options and the mapping's value map."""
        raw = cell_at(row, self.field_index.get(name))
        lookup = self.plan.field_tables.get(name)
        if lookup is not None:
            found, mapped = lookup.lookup(raw)
            if found and mapped is not None:
                return cell_text(mapped)
        return cell_text(raw)

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
            self.issue(
                line, column, code, _("participant inconnu : %(hint)s") % {"hint": self.create_hint}
            )
            return False
        previous = self.new_participants.get(code)
        new = (group or Participant.Group.INTERVENTION, site.pk if site else None)
        if previous and previous != new:
            self.issue(line, column, code, _("groupe ou site incohérent entre les lignes"))
            return False
        self.new_participants[code] = new
        return True

    def _group(self, line: int, row: list, columns: dict):
        raw = self._field(row, "group")
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
        raw = self._field(row, "site")
        if not raw:
            return None
        matches = self.ctx.sites.get(raw.casefold(), [])
        if len(matches) != 1:
            reason = _("site inconnu") if not matches else _("site ambigu (plusieurs homonymes)")
            self.issue(line, columns["site"], raw, reason)
            return False
        return matches[0]
