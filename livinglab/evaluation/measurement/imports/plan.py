"""The import plan: where each mapped field and indicator is in the file (or in a repeat-group
table) and through which value table its answers go — settled before any row is read, and shown
column by column in the admin preview."""

from dataclasses import dataclass, field

from livinglab.core.tabular import Table
from livinglab.evaluation.measurement.definitions import column_named, first_label
from livinglab.evaluation.measurement.imports.formats import SurveyFormat
from livinglab.evaluation.measurement.imports.questionnaire import locate, resolve_header
from livinglab.evaluation.measurement.imports.repeats import ROOT_KEY, RepeatValues
from livinglab.evaluation.measurement.imports.valuemaps import (
    ValueTable,
    field_table,
    indicator_table,
)
from livinglab.evaluation.measurement.models import Indicator

TRANSLATED_FIELDS = ("wave", "group", "site")


@dataclass
class ImportPlan:
    table: Table
    survey_format: SurveyFormat
    mapping: dict
    definition: dict | None = None
    repeats: dict[str, Table] = field(default_factory=dict)
    resolved: dict[int, dict] = field(default_factory=dict)  # file position → question
    field_index: dict[str, int | None] = field(default_factory=dict)
    indicator_index: dict[str, int] = field(default_factory=dict)
    repeat_columns: dict[str, tuple[str, Table, int]] = field(default_factory=dict)
    indicator_tables: dict[str, ValueTable] = field(default_factory=dict)
    field_tables: dict[str, ValueTable] = field(default_factory=dict)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (target, column) not found
    key_index: int | None = None  # the submission key joining repeat tables
    repeat_values: RepeatValues | None = None


def plan_import(
    *,
    table: Table,
    survey_format: SurveyFormat,
    mapping: dict,
    definition: dict | None,
    indicators: dict[str, Indicator],
    repeats: dict[str, Table] | None = None,
) -> ImportPlan:
    plan = ImportPlan(
        table=table,
        survey_format=survey_format,
        mapping=mapping,
        definition=definition,
        repeats=repeats or {},
    )
    plan.resolved = resolve_header(table.header, definition)
    values = mapping.get("values", {})
    for name, reference in mapping["fields"].items():
        position = locate(reference, table.header, plan.resolved)
        plan.field_index[name] = position
        if position is None:
            plan.missing.append((name, reference))
        elif name in TRANSLATED_FIELDS:
            lookup = field_table(
                explicit=values.get(name), column=plan.resolved.get(position), definition=definition
            )
            if lookup is not None:
                plan.field_tables[name] = lookup
    for code, reference in mapping["indicators"].items():
        position = locate(reference, table.header, plan.resolved)
        column = plan.resolved.get(position) if position is not None else None
        if position is not None:
            plan.indicator_index[code] = position
        elif (found := _in_repeats(reference, plan.repeats, definition)) is not None:
            plan.repeat_columns[code] = found
            column = column_named(definition, found[1].header[found[2]])
        else:
            plan.missing.append((code, reference))
            continue
        if code in indicators:
            lookup = indicator_table(
                indicator=indicators[code],
                explicit=values.get(code),
                column=column,
                definition=definition,
                ticked=survey_format.ticked,
            )
            if lookup is not None:
                plan.indicator_tables[code] = lookup
    if plan.repeat_columns:
        plan.key_index = locate(ROOT_KEY, table.header, {})
        plan.repeat_values = RepeatValues(plan.repeat_columns, mapping.get("aggregates", {}))
    return plan


def _in_repeats(reference, repeats: dict[str, Table], definition) -> tuple | None:
    for name, repeat in repeats.items():
        position = locate(reference, repeat.header, resolve_header(repeat.header, definition))
        if position is not None:
            return name, repeat, position
    return None


def preview_columns(plan: ImportPlan, indicators: dict[str, Indicator]) -> list[dict]:
    """Per column of the file: the question recognised, what it is mapped to, its value table."""
    targets: dict[int, tuple[str, str]] = {}
    for name, position in plan.field_index.items():
        if position is not None:
            targets[position] = ("field", name)
    for code, position in plan.indicator_index.items():
        targets[position] = ("indicator", code)
    rows = []
    for position, header in enumerate(plan.table.header):
        question = plan.resolved.get(position)
        kind, target = targets.get(position, ("", ""))
        lookup = (plan.field_tables if kind == "field" else plan.indicator_tables).get(target)
        rows.append(_row(header, question, kind, target, lookup, indicators))
    for code, (filename, repeat, position) in plan.repeat_columns.items():
        question = column_named(plan.definition, repeat.header[position])
        row = _row(
            f"{filename} › {repeat.header[position]}",
            question,
            "indicator",
            code,
            plan.indicator_tables.get(code),
            indicators,
        )
        row["aggregate"] = plan.mapping.get("aggregates", {}).get(code, "")
        rows.append(row)
    return rows


def _row(header, question, kind, target, lookup, indicators) -> dict:
    label = ""
    if kind == "indicator" and target in indicators:
        label = indicators[target].label
    return {
        "column": header,
        "question": question["name"] if question else "",
        "question_label": first_label(question.get("labels", {})) if question else "",
        "kind": kind,
        "target": target,
        "target_label": label,
        "values": lookup.shown if lookup else [],
        "source": lookup.source if lookup else "",
        "aggregate": "",
    }
