"""Import questionnaire waves: generic wide files and LimeSurvey, KoboToolbox, ODK exports.

Every problem is reported with its row, column, value and reason; any problem means nothing is
written (the whole import is one transaction, and validation runs before any write).
"""

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from livinglab.campaigns import audit
from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.evaluation.models import (
    ColumnMapping,
    Indicator,
    Response,
    ResponseSet,
    Scale,
    Wave,
)
from livinglab.evaluation.protocols import current_protocol
from livinglab.evaluation.tabular import FileRejected, Table, read_table

FIELDS = ("participant", "wave", "group", "site")
FORMAT_SIGNATURES = {
    "limesurvey": {"id", "submitdate", "lastpage", "startlanguage"},
    "kobo": {"_uuid", "_submission_time"},
    "odk": {"SubmissionDate", "KEY"},
}
GROUP_VALUES = {
    "intervention": Participant.Group.INTERVENTION,
    "comparison": Participant.Group.COMPARISON,
    "comparaison": Participant.Group.COMPARISON,
    "controle": Participant.Group.COMPARISON,
    "contrôle": Participant.Group.COMPARISON,
}
BINARY_VALUES = {
    "0": 0.0, "1": 1.0, "non": 0.0, "oui": 1.0, "no": 0.0, "yes": 1.0,
    "false": 0.0, "true": 1.0, "faux": 0.0, "vrai": 1.0, "n": 0.0, "y": 1.0,
}  # fmt: skip
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass(frozen=True)
class Issue:
    row: int  # line number in the file: 1 is the header
    column: str
    value: str
    reason: str

    def __str__(self):
        value = f" « {self.value} »" if self.value != "" else ""
        return _("ligne %(row)d, colonne %(column)s%(value)s : %(reason)s") % {
            "row": self.row,
            "column": self.column or "—",
            "value": value,
            "reason": self.reason,
        }


class ImportFailed(Exception):
    """Raised with every issue found; nothing has been written."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues[:50]))


@dataclass
class ImportReport:
    source_format: str
    rows: int = 0
    values: int = 0
    new_participants: int = 0
    dry_run: bool = False
    mapping: dict = field(default_factory=dict)
    response_set_id: int | None = None


def detect_format(header: list[str]) -> str:
    """Recognise a survey tool's export from its header (generic wide format otherwise)."""
    columns = set(header)
    for name, signature in FORMAT_SIGNATURES.items():
        if signature <= columns:
            return name
    if "meta-instanceID" in columns or "meta/instanceID" in columns:
        return "odk"
    return "generic"


def _normalise(column: str) -> str:
    """Kobo `group/question`, ODK `group-question` → `question`; accents and case folded."""
    last = re.split(r"[/]", column)[-1]
    if "-" in last and not last.startswith("meta"):
        last = last.split("-")[-1]
    ascii_text = unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode()
    return ascii_text.strip().lower()


FIELD_ALIASES = {
    "participant": {"participant", "code", "participant_code", "code_participant"},
    "wave": {"wave", "vague"},
    "group": {"group", "groupe"},
    "site": {"site", "etablissement"},
}


def guess_mapping(header: list[str], indicator_codes: list[str]) -> dict:
    """A first mapping from column names: fields by alias, indicators by code."""
    fields: dict[str, str] = {}
    indicators: dict[str, str] = {}
    for column in header:
        key = _normalise(column)
        for name, aliases in FIELD_ALIASES.items():
            if key in aliases and name not in fields:
                fields[name] = column
        if key in indicator_codes and key not in indicators:
            indicators[key] = column
    return {"fields": fields, "indicators": indicators}


@dataclass
class _Context:
    campaign: Campaign
    waves: dict[str, Wave]
    indicators: dict[str, Indicator]
    participants: dict[str, tuple[int, str, int | None, bool]]  # code → id, group, site, withdrawn
    sites: dict[str, list[Site]]
    existing_pairs: set[tuple[str, str]]


def _load_context(campaign: Campaign, indicator_codes: list[str]) -> _Context:
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
    return _Context(campaign, waves, indicators, participants, sites, existing)


def parse_value(raw, indicator: Indicator) -> tuple[float | None, str | None]:
    """The cell as a float (None when empty), or the reason it is refused."""
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        raw = int(raw)
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip()
        if text == "" or text.upper() in {"NA", "N/A"}:
            return None, None
        if indicator.scale == Scale.BINARY and text.casefold() in BINARY_VALUES:
            value = BINARY_VALUES[text.casefold()]
        else:
            try:
                value = float(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
            except ValueError:
                return None, _("n'est pas un nombre")
    if math.isnan(value) or math.isinf(value):
        return None, _("n'est pas un nombre")
    if indicator.scale == Scale.BINARY and value not in (0.0, 1.0):
        return None, _("valeur binaire attendue (0/1, oui/non)")
    if indicator.scale == Scale.ORDINAL and not value.is_integer():
        return None, _("valeur entière attendue")
    low, high = indicator.min_value, indicator.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        return None, _("hors de la plage autorisée [%(low)s ; %(high)s]") % {
            "low": _format(low),
            "high": _format(high),
        }
    return value, None


def _format(number) -> str:
    if number is None:
        return "…"
    return str(int(number)) if float(number).is_integer() else str(number)


def _cell(row: list, index: int | None):
    if index is None or index >= len(row):
        return None
    return row[index]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Validator:
    """Checks every row and collects the values to write."""

    def __init__(self, ctx: _Context, table: Table, mapping: dict, *, wave: str | None, create):
        self.ctx, self.table, self.mapping = ctx, table, mapping
        self.fixed_wave, self.create = wave, create
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
        self.issues.append(Issue(row, column, _text(value), reason))

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
            code = _text(_cell(row, self.field_index.get("participant")))
            wave = self.fixed_wave or _text(_cell(row, self.field_index.get("wave")))
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
                raw = _cell(row, index)
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
        raw = _text(_cell(row, self.field_index.get("group")))
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
        raw = _text(_cell(row, self.field_index.get("site")))
        if not raw:
            return None
        matches = self.ctx.sites.get(raw.casefold(), [])
        if len(matches) != 1:
            reason = _("site inconnu") if not matches else _("site ambigu (plusieurs homonymes)")
            self.issue(line, columns["site"], raw, reason)
            return False
        return matches[0]


def build_mapping(
    *, campaign: Campaign, table: Table, source_format: str, mapping: dict | None
) -> dict:
    """The mapping to use: given, else saved for this campaign and format, else guessed."""
    protocol = current_protocol(campaign)
    codes = [o.indicator.code for o in protocol.outcomes.select_related("indicator")]
    if mapping is None:
        saved = ColumnMapping.objects.filter(campaign=campaign, source_format=source_format).first()
        mapping = saved.mapping if saved else None
    if mapping is None:
        mapping = guess_mapping(table.header, codes)
        if source_format == "generic":
            used = set(mapping["fields"].values()) | set(mapping["indicators"].values())
            mapping["unknown_columns"] = [c for c in table.header if c and c not in used]
    return {
        "fields": dict(mapping.get("fields", {})),
        "indicators": dict(mapping.get("indicators", {})),
        **(
            {"unknown_columns": mapping["unknown_columns"]}
            if mapping.get("unknown_columns")
            else {}
        ),
    }


def responses_import(
    *,
    campaign: Campaign,
    data: bytes,
    filename: str,
    user=None,
    dry_run: bool = False,
    create_participants: bool = False,
    wave: str | None = None,
    mapping: dict | None = None,
    save_mapping: bool = False,
) -> ImportReport:
    """Validate a whole file, then write it in one transaction — or raise ImportFailed."""
    if current_protocol(campaign) is None:
        raise ImportFailed([Issue(1, "", "", _("la campagne n'a pas encore de protocole"))])
    try:
        table = read_table(data, filename=filename)
    except FileRejected as error:
        raise ImportFailed([Issue(1, "", "", str(error))]) from error
    source_format = detect_format(table.header)
    mapping = build_mapping(
        campaign=campaign, table=table, source_format=source_format, mapping=mapping
    )
    ctx = _load_context(campaign, list(mapping["indicators"]))
    validator = _Validator(ctx, table, mapping, wave=wave, create=create_participants)
    validator.run()
    if validator.issues:
        _record_refusal(campaign, filename, source_format, validator.issues, user)
        raise ImportFailed(validator.issues)
    report = ImportReport(
        source_format=source_format,
        rows=len(table.rows),
        values=len(validator.values),
        new_participants=len(validator.new_participants),
        dry_run=dry_run,
        mapping=mapping,
    )
    if not dry_run:
        with transaction.atomic():
            report.response_set_id = _write(campaign, ctx, validator, filename, source_format, user)
            if save_mapping and source_format != "generic":
                ColumnMapping.objects.update_or_create(
                    campaign=campaign, source_format=source_format, defaults={"mapping": mapping}
                )
            audit.record(
                campaign,
                "livinglab.import",
                user=user,
                data={"file": filename, "format": source_format, "rows": report.rows,
                      "values": report.values, "new_participants": report.new_participants},
            )  # fmt: skip
    return report


def _record_refusal(campaign, filename, source_format, issues: list[Issue], user) -> None:
    """Nothing is imported, but the data manager sees which checks refused what."""
    reasons = Counter(re.sub(r"\s*[\[(].*$", "", issue.reason) for issue in issues)
    audit.record(
        campaign,
        "livinglab.import",
        user=user if getattr(user, "pk", None) else None,
        data={"status": "refused", "file": filename, "format": source_format,
              "issues": len(issues), "reasons": dict(reasons)},
    )  # fmt: skip


def _write(campaign, ctx: _Context, validator: _Validator, filename, source_format, user) -> int:
    response_set = ResponseSet.objects.create(
        campaign=campaign,
        source=ResponseSet.Source.IMPORT,
        source_format=source_format,
        filename=filename[:255],
        rows=len(validator.table.rows),
        created_by=user if getattr(user, "pk", None) else None,
    )
    created = Participant.objects.bulk_create(
        [
            Participant(campaign=campaign, code=code, group=group, site_id=site_id)
            for code, (group, site_id) in validator.new_participants.items()
        ],
        batch_size=2000,
    )
    ids = {code: pk for code, (pk, *_rest) in ctx.participants.items()}
    if created and created[0].pk is None:  # backends that do not return ids
        created = campaign.participants.filter(code__in=validator.new_participants)
    ids.update({participant.code: participant.pk for participant in created})
    wave_ids = {code: wave.pk for code, wave in ctx.waves.items()}
    Response.objects.bulk_create(
        (
            Response(
                response_set_id=response_set.pk,
                participant_id=ids[code],
                wave_id=wave_ids[wave],
                indicator_id=indicator_id,
                value=value,
            )
            for code, wave, indicator_id, value in validator.values
        ),
        batch_size=5000,
    )
    return response_set.pk
