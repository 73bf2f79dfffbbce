"""Using a questionnaire definition: save it with the campaign's mapping, edit that mapping, and
draft a protocol from an XLSForm (numeric and single-choice questions as outcomes, matched to
the catalogue where names match) for the designer to confirm."""

import re
import unicodedata

from django.db import transaction

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.measurement.definitions import (
    CHOICE,
    NUMBER,
    first_label,
    numeric,
    text_key,
)
from livinglab.evaluation.measurement.models import ColumnMapping, Indicator, Protocol, Scale
from livinglab.evaluation.measurement.protocols import current_protocol, protocol_import

FIELD_NAMES = {
    "participant",
    "code",
    "participant_code",
    "code_participant",
    "wave",
    "vague",
    "group",
    "groupe",
    "site",
    "etablissement",
}
BINARY_WORDS = {"0", "1", "oui", "non", "yes", "no", "vrai", "faux", "true", "false", "y", "n"}
NEW = "__new__"


def mapping_of(campaign: Campaign, source_format: str) -> dict:
    saved = ColumnMapping.objects.filter(campaign=campaign, source_format=source_format).first()
    return dict(saved.mapping) if saved else {}


@transaction.atomic
def definition_save(*, campaign: Campaign, source_format: str, definition: dict) -> ColumnMapping:
    """Keep the questionnaire with the campaign's mapping for this format (the rest stays)."""
    mapping, _created = ColumnMapping.objects.select_for_update().get_or_create(
        campaign=campaign, source_format=source_format
    )
    mapping.mapping = {**mapping.mapping, "questionnaire": definition}
    mapping.save(update_fields=["mapping"])
    return mapping


@transaction.atomic
def mapping_save(*, campaign: Campaign, source_format: str, mapping: dict) -> ColumnMapping:
    """Replace the fields, indicators, value maps and aggregates (and the questionnaire when
    the mapping brings one)."""
    saved, _created = ColumnMapping.objects.select_for_update().get_or_create(
        campaign=campaign, source_format=source_format
    )
    questionnaire = saved.mapping.get("questionnaire")
    saved.mapping = {key: value for key, value in mapping.items() if value}
    if questionnaire and "questionnaire" not in saved.mapping:
        saved.mapping["questionnaire"] = questionnaire
    saved.save(update_fields=["mapping"])
    return saved


def code_of(name: str) -> str:
    """A question name as an indicator code (a slug)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_-]+", "_", ascii_name.casefold()).strip("_")[:60] or "question"


def protocol_candidates(definition: dict, indicators: list[Indicator]) -> list[dict]:
    """Numeric (integer, decimal, range) and single-choice questions, outside repeat groups,
    each with its likely scale, bounds and the catalogue indicator its name matches."""
    by_code = {indicator.code.casefold(): indicator for indicator in indicators}
    by_label = {}
    for indicator in indicators:
        for label in (indicator.label, indicator.label_en):
            if label:
                by_label.setdefault(text_key(label), indicator)
    candidates = []
    for column in definition.get("columns", []):
        if column["kind"] not in (NUMBER, CHOICE) or column.get("repeat"):
            continue
        if column["name"].casefold() in FIELD_NAMES:
            continue
        options = definition.get("lists", {}).get(column.get("choices") or "", [])
        scale, low, high = _scale(column, options)
        label = first_label(column.get("labels", {}), column["name"])
        match = by_code.get(column["name"].casefold()) or by_code.get(code_of(column["name"]))
        match = match or next(
            (
                by_label[text_key(text)]
                for text in column.get("labels", {}).values()
                if text_key(text) in by_label
            ),
            None,
        )
        candidates.append(
            {
                "name": column["name"],
                "label": label,
                "type": column["type"],
                "scale": scale,
                "min": low,
                "max": high,
                "indicator": match.code if match else "",
            }
        )
    return candidates


def _scale(column: dict, options: list[dict]) -> tuple[str, float | None, float | None]:
    if column["kind"] == NUMBER:
        low, high = (column.get("bounds") or [None, None])[:2]
        return Scale.CONTINUOUS, low, high
    names = {option["name"].casefold() for option in options}
    if len(options) == 2 and names <= BINARY_WORDS:
        return Scale.BINARY, 0.0, 1.0
    values = [numeric(option["name"]) for option in options]
    if options and all(value is not None for value in values):
        return Scale.ORDINAL, min(values), max(values)
    return Scale.ORDINAL, 1.0, float(len(options)) if options else None


@transaction.atomic
def protocol_draft_create(
    *,
    campaign: Campaign,
    definition: dict,
    source_format: str,
    selections: list[dict],
    design: str,
    waves: list[str],
    user=None,
) -> Protocol:
    """The confirmed draft as the campaign's protocol (`protocol_import`), with new indicators
    for unmatched questions, and the mapping question → indicator saved for the imports.

    ``selections``: [{"name", "indicator" (code, or NEW), "label", "scale", "min", "max",
    "primary"}], in the order of the outcomes.
    """
    outcomes, indicators = [], {}
    for selection in selections:
        code = selection["indicator"]
        if code == NEW:
            code = code_of(selection["name"])
            Indicator.objects.get_or_create(
                code=code,
                defaults={
                    "label": selection["label"][:200],
                    "question": selection["label"],
                    "scale": selection["scale"],
                    "min_value": selection.get("min"),
                    "max_value": selection.get("max"),
                },
            )
        indicators[code] = selection["name"]
        outcomes.append(
            {
                "indicator": code,
                "label": selection["label"][:200],
                "scale": selection["scale"],
                "primary": selection["primary"],
            }
        )
    current = current_protocol(campaign)
    protocol = protocol_import(
        definition={
            "campaign": {"slug": campaign.slug, "title": campaign.title},
            "design": design,
            "waves": waves,
            "outcomes": outcomes,
            "alpha": current.alpha if current else 0.05,
            "correction": current.correction if current else "holm",
            "min_cell_size": current.min_cell_size if current else 10,
            "subgroups": list(current.subgroup_dimensions) if current else [],
        },
        user=user,
    )
    mapping = mapping_of(campaign, source_format)
    mapping["indicators"] = {**mapping.get("indicators", {}), **indicators}
    mapping["questionnaire"] = definition
    mapping_save(campaign=campaign, source_format=source_format, mapping=mapping)
    return protocol


def wave_choices(definition: dict) -> list[str]:
    """Wave codes a form already names: the options of its wave question, if it has one."""
    for column in definition.get("columns", []):
        if column["kind"] == CHOICE and column["name"].casefold() in {"wave", "vague"}:
            return [option["name"] for option in definition["lists"].get(column["choices"], [])]
    return []
