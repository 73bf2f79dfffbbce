"""LimeSurvey response exports (CSV/XLSX): recognised by their system columns.

Headings as question codes (`id, submitdate, lastpage, startlanguage`) or as full texts
(`Response ID, Date submitted, Last page, Start language`). A response without a submission
date was never sent (incomplete): it is skipped. Multiple-choice boxes read `Y` when ticked and
stay empty otherwise. Answer codes (`A1`, `AO01`) become values through the survey structure
(.lss) or the value maps of the mapping.
"""

from django.utils.translation import gettext_lazy as _

from livinglab.evaluation.measurement.imports.formats.base import SurveyFormat

SIGNATURE = {"id", "submitdate", "lastpage", "startlanguage"}
TEXT_SIGNATURE = {"Response ID", "Date submitted", "Last page", "Start language"}
INCOMPLETE = _("réponse incomplète (jamais envoyée) dans LimeSurvey")


def recognises(columns: set[str]) -> bool:
    return SIGNATURE <= columns or TEXT_SIGNATURE <= columns


def skip_row(row: dict) -> str | None:
    for column in ("submitdate", "Date submitted"):
        if column in row:
            return str(INCOMPLETE) if str(row[column] or "").strip() == "" else None
    return None


FORMAT = SurveyFormat(
    name="limesurvey",
    label="LimeSurvey",
    recognises=recognises,
    skip_row=skip_row,
    ticked={"Y": 1.0, "": 0.0},
    definition_tool="limesurvey",
)
