"""Which column holds what: fields by alias, indicators by code — from the column names, or the
question names the questionnaire gives them — completed or overridden by the mapping given
(`--mapping`) or saved for the campaign and format.

A mapping is JSON: `{"fields": {"participant": COLUMN, …}, "indicators": {CODE: COLUMN},
"values": {CODE or FIELD: {ANSWER: VALUE} or "ticked"}, "aggregates": {CODE: count|sum|mean},
"questionnaire": {…definition…}}`; a COLUMN is a header of the file or a question's name.
An indicator or field mapped to `null` is left out even when its name matches a column.
"""

from livinglab.campaigns.models import Campaign
from livinglab.core.tabular import Table
from livinglab.evaluation.measurement.definitions import TOOL_FORMATS
from livinglab.evaluation.measurement.imports.formats import format_named
from livinglab.evaluation.measurement.imports.questionnaire import resolve_header
from livinglab.evaluation.measurement.models import ColumnMapping
from livinglab.evaluation.measurement.protocols import current_protocol

FIELD_ALIASES = {
    "participant": {"participant", "code", "participant_code", "code_participant"},
    "wave": {"wave", "vague"},
    "group": {"group", "groupe"},
    "site": {"site", "etablissement"},
}
KEPT = ("values", "aggregates", "questionnaire")


def guess_mapping(
    header: list[str], indicator_codes: list[str], *, normalise=None, resolved=None
) -> dict:
    """A first mapping from column names (or their questions' names): fields by alias,
    indicators by code."""
    normalise = normalise or format_named("generic").normalise
    resolved = resolved or {}
    fields: dict[str, str] = {}
    indicators: dict[str, str] = {}
    for position, column in enumerate(header):
        keys = [normalise(column)]
        if position in resolved:
            keys.insert(0, normalise(resolved[position]["name"]))
        for key in keys:
            for name, aliases in FIELD_ALIASES.items():
                if key in aliases and name not in fields:
                    fields[name] = column
            if key in indicator_codes and key not in indicators:
                indicators[key] = column
    return {"fields": fields, "indicators": indicators}


def saved_mapping(campaign: Campaign, source_format: str) -> dict | None:
    saved = ColumnMapping.objects.filter(campaign=campaign, source_format=source_format).first()
    return dict(saved.mapping) if saved else None


def saved_questionnaire(campaign: Campaign, source_format: str) -> dict | None:
    """The questionnaire saved for this format, or for a sibling one (an XLSForm serves both
    KoboToolbox and ODK)."""
    tool = format_named(source_format).definition_tool
    siblings = TOOL_FORMATS.get(tool, ())
    for saved in ColumnMapping.objects.filter(campaign=campaign, source_format__in=siblings):
        questionnaire = saved.mapping.get("questionnaire")
        if questionnaire and saved.source_format == source_format:
            return questionnaire
    for saved in ColumnMapping.objects.filter(campaign=campaign, source_format__in=siblings):
        if saved.mapping.get("questionnaire"):
            return saved.mapping["questionnaire"]
    return None


def build_mapping(
    *,
    campaign: Campaign,
    table: Table,
    source_format: str,
    mapping: dict | None,
    definition: dict | None = None,
) -> dict:
    """The mapping to use: the guess from the header, completed by the given mapping or else
    the one saved for this campaign and format; the questionnaire given, given with the
    mapping, or saved."""
    protocol = current_protocol(campaign)
    codes = [o.indicator.code for o in protocol.outcomes.select_related("indicator")]
    explicit = mapping if mapping is not None else saved_mapping(campaign, source_format)
    questionnaire = (
        definition
        or (explicit or {}).get("questionnaire")
        or saved_questionnaire(campaign, source_format)
    )
    guessed = guess_mapping(
        table.header,
        codes,
        normalise=format_named(source_format).normalise,
        resolved=resolve_header(table.header, questionnaire),
    )
    result = {
        "fields": _merged(guessed["fields"], (explicit or {}).get("fields")),
        "indicators": _merged(guessed["indicators"], (explicit or {}).get("indicators")),
    }
    for key in KEPT:
        if (explicit or {}).get(key):
            result[key] = explicit[key]
    if questionnaire:
        result["questionnaire"] = questionnaire
    if explicit is None and source_format == "generic":
        used = set(result["fields"].values()) | set(result["indicators"].values())
        unknown = [c for c in table.header if c and c not in used]
        if unknown:
            result["unknown_columns"] = unknown
    return result


def _merged(guessed: dict, explicit: dict | None) -> dict:
    merged = {**guessed, **(explicit or {})}
    return {key: value for key, value in merged.items() if value}
