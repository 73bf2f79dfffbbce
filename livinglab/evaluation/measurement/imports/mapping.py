"""Which column holds what: fields by alias, indicators by code (or a saved/given mapping)."""

from livinglab.campaigns.models import Campaign
from livinglab.core.tabular import Table
from livinglab.evaluation.measurement.imports.formats import format_named
from livinglab.evaluation.measurement.models import ColumnMapping
from livinglab.evaluation.measurement.protocols import current_protocol

FIELD_ALIASES = {
    "participant": {"participant", "code", "participant_code", "code_participant"},
    "wave": {"wave", "vague"},
    "group": {"group", "groupe"},
    "site": {"site", "etablissement"},
}


def guess_mapping(header: list[str], indicator_codes: list[str], *, normalise=None) -> dict:
    """A first mapping from column names: fields by alias, indicators by code."""
    normalise = normalise or format_named("generic").normalise
    fields: dict[str, str] = {}
    indicators: dict[str, str] = {}
    for column in header:
        key = normalise(column)
        for name, aliases in FIELD_ALIASES.items():
            if key in aliases and name not in fields:
                fields[name] = column
        if key in indicator_codes and key not in indicators:
            indicators[key] = column
    return {"fields": fields, "indicators": indicators}


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
        mapping = guess_mapping(
            table.header, codes, normalise=format_named(source_format).normalise
        )
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
