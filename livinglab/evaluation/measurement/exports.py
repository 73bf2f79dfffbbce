"""Pseudonymous wide exports of a campaign's responses (CSV or XLSX, formulas escaped)."""

import csv
import io

from livinglab.campaigns import audit
from livinglab.campaigns.models import Campaign
from livinglab.core.spreadsheets import escape_formula
from livinglab.evaluation.measurement.models import Response
from livinglab.evaluation.measurement.protocols import current_protocol

BASE_COLUMNS = ["participant", "wave", "group", "site"]


def responses_wide(*, campaign: Campaign) -> tuple[list[str], list[list]]:
    """Header and rows: one row per participant × wave, one column per indicator."""
    protocol = current_protocol(campaign)
    wave_order = {code: index for index, code in enumerate(protocol.wave_codes if protocol else [])}
    indicator_codes = list(
        protocol.outcomes.values_list("indicator__code", flat=True) if protocol else []
    )
    records = (
        Response.objects.filter(participant__campaign=campaign)
        .values_list(
            "participant__code",
            "wave__code",
            "participant__group",
            "participant__site__name",
            "indicator__code",
            "value",
        )
        .order_by()
    )
    rows: dict[tuple[str, str], dict] = {}
    for code, wave, group, site, indicator, value in records.iterator(chunk_size=10_000):
        if indicator not in indicator_codes:
            indicator_codes.append(indicator)
        row = rows.setdefault((code, wave), {"group": group, "site": site or ""})
        row[indicator] = value
    header = BASE_COLUMNS + indicator_codes
    ordered = sorted(rows.items(), key=lambda item: (item[0][0], wave_order.get(item[0][1], 99)))
    table = [
        [code, wave, values["group"], values["site"]]
        + [_number(values.get(indicator)) for indicator in indicator_codes]
        for (code, wave), values in ordered
    ]
    return header, table


def _number(value):
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value


def responses_export(*, campaign: Campaign, fmt: str = "csv", user=None) -> bytes:
    """The wide export as bytes, audit-logged."""
    header, rows = responses_wide(campaign=campaign)
    content = _to_xlsx(header, rows) if fmt == "xlsx" else _to_csv(header, rows)
    audit.record(
        campaign,
        "livinglab.export",
        user=user,
        data={"what": "responses", "format": fmt, "rows": len(rows)},
    )
    return content


def _to_csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([escape_formula(cell) for cell in header])
    writer.writerows([escape_formula(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _to_xlsx(header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    sheet.append([escape_formula(cell) for cell in header])
    for row in rows:
        sheet.append([escape_formula(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
