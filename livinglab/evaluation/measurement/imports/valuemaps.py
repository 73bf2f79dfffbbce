"""Answer codes and labels → values, for indicators and for the wave, group and site fields.

A value table is built, per mapped column, from (later ones win):
1. the questionnaire's answer options: a LimeSurvey assessment value, a numeric code or XLSForm
   choice name, yes/no words for a binary indicator, or — for an ordinal indicator with exactly
   as many options as its range — the option's rank (`A1`…`A5` → 1…5 on a 1–5 scale); every
   option is found by its code and by its label in each language of the form;
2. the tool's multiple-choice convention when the column is one box of a multiple choice
   (`"ticked"`: LimeSurvey `Y`/empty → 1/0, Kobo and ODK `1`/`0`);
3. the value map of the mapping: `"values": {"<indicator or field>": {"<code or label>": value}}`
   (`null` = missing value), or `"ticked"`.
"""

from dataclasses import dataclass, field

from livinglab.evaluation.measurement.definitions import TICKED, first_label, text_key
from livinglab.evaluation.measurement.imports.values import BINARY_VALUES
from livinglab.evaluation.measurement.models import Indicator, Scale


@dataclass
class ValueTable:
    entries: dict[str, object]  # text_key(answer) → value (float or None; field code)
    shown: list[tuple[str, str]] = field(default_factory=list)  # (answer, value) for people
    source: str = ""  # questionnaire, ticked, mapping — what the preview says
    codes: list[str] = field(default_factory=list)  # answer codes named in refusals

    def lookup(self, raw) -> tuple[bool, object]:
        key = text_key(raw)
        if key in self.entries:
            return True, self.entries[key]
        return False, None


def shown_value(value) -> str:
    if value is None:
        return "∅"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def draft_values(options: list[dict], indicator: Indicator) -> dict[str, float | None]:
    """Each option's value for this indicator, as far as the questionnaire tells."""
    values = {option["name"]: option.get("value") for option in options}
    if indicator.scale == Scale.BINARY:
        for option in options:
            if values[option["name"]] is None:
                words = [option["name"], *option.get("labels", {}).values()]
                found = [
                    BINARY_VALUES[w.casefold()] for w in words if w.casefold() in BINARY_VALUES
                ]
                values[option["name"]] = found[0] if found else None
    ranked = [option for option in options if option["name"] != "-oth-"]
    low, high = indicator.min_value, indicator.max_value
    if (
        indicator.scale == Scale.ORDINAL
        and all(values[option["name"]] is None for option in ranked)
        and low is not None
        and high is not None
        and len(ranked) == high - low + 1
    ):
        for rank, option in enumerate(sorted(ranked, key=lambda o: o.get("order", 0))):
            values[option["name"]] = low + rank
    return values


def indicator_table(
    *, indicator: Indicator, explicit, column: dict | None, definition: dict | None, ticked: dict
) -> ValueTable | None:
    if explicit == TICKED or (explicit is None and column and column["kind"] == TICKED):
        return ValueTable(
            entries={text_key(answer): value for answer, value in ticked.items()},
            shown=[(answer or "(vide)", shown_value(value)) for answer, value in ticked.items()],
            source="ticked",
            codes=[answer for answer in ticked if answer],
        )
    table = ValueTable(entries={})
    options = _options(column, definition)
    if options:
        drafted = draft_values(options, indicator)
        for option in options:
            value = drafted[option["name"]]
            table.codes.append(option["name"])
            label = first_label(option.get("labels", {}))
            table.shown.append((_answer(option["name"], label), shown_value(value)))
            if value is not None or option["name"] == "-oth-":
                _add(table, option, value)
        table.source = "questionnaire"
    if isinstance(explicit, dict) and explicit:
        _apply(table, explicit, options)
    return table if table.entries else None


def field_table(*, explicit, column: dict | None, definition: dict | None) -> ValueTable | None:
    """Wave, group or site answers → the code the platform knows."""
    table = ValueTable(entries={})
    options = _options(column, definition)
    for option in options:
        _add(table, option, option["name"])
        table.codes.append(option["name"])
    if options:
        table.source = "questionnaire"
    if isinstance(explicit, dict) and explicit:
        for key, value in list(table.entries.items()):
            if value in explicit:
                table.entries[key] = explicit[value]
        _apply(table, explicit, options)
    if options:
        table.shown = [
            (
                _answer(option["name"], first_label(option.get("labels", {}))),
                shown_value(table.lookup(option["name"])[1]),
            )
            for option in options
        ]
    return table if table.entries else None


def _options(column: dict | None, definition: dict | None) -> list[dict]:
    if not column or not definition or not column.get("choices"):
        return []
    return definition.get("lists", {}).get(column["choices"], [])


def _add(table: ValueTable, option: dict, value) -> None:
    for key in (option["name"], *option.get("labels", {}).values()):
        if text_key(key):
            table.entries[text_key(key)] = value


def _apply(table: ValueTable, explicit: dict, options: list[dict]) -> None:
    """The mapping's own table: by answer code (the option's labels follow) or by label."""
    by_key = {}
    for option in options:
        for label in option.get("labels", {}).values():
            by_key.setdefault(text_key(label), option)
    by_key.update({text_key(option["name"]): option for option in options})
    for answer, value in explicit.items():
        option = by_key.get(text_key(answer))
        if option:  # an option, by code or label: all its forms follow
            _add(table, option, value)
        else:
            table.entries[text_key(answer)] = value
        name, shown = option["name"] if option else answer, shown_value(value)
        table.shown = [(a, shown if a.split(" « ")[0] == name else v) for a, v in table.shown]
        if not any(a.split(" « ")[0] == name for a, _v in table.shown):
            table.shown.append((answer, shown))
    table.source = "mapping" if not table.source else f"{table.source}+mapping"


def _answer(name: str, label: str) -> str:
    return f"{name} « {label} »" if label and label != name else name
