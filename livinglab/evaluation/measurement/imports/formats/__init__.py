"""The format registry: one module per survey tool, each declaring a `SurveyFormat`.

Adding a tool = adding its module here and its `FORMAT` to `FORMATS`. A file is read as the
first format that recognises its header, else as the generic wide file.
"""

from livinglab.evaluation.measurement.imports.formats import generic, kobo, limesurvey, odk
from livinglab.evaluation.measurement.imports.formats.base import SurveyFormat, normalise_column

# Tried in this order: a Kobo export may also carry ODK's instance id column.
FORMATS: tuple[SurveyFormat, ...] = (limesurvey.FORMAT, kobo.FORMAT, odk.FORMAT)
FALLBACK = generic.FORMAT
BY_NAME = {survey_format.name: survey_format for survey_format in (*FORMATS, FALLBACK)}

__all__ = [
    "BY_NAME",
    "FORMATS",
    "SurveyFormat",
    "detect_format",
    "format_named",
    "normalise_column",
]


def detect_format(header: list[str]) -> str:
    """Recognise a survey tool's export from its header (generic wide format otherwise)."""
    columns = set(header)
    for survey_format in FORMATS:
        if survey_format.recognises(columns):
            return survey_format.name
    return FALLBACK.name


def format_named(name: str) -> SurveyFormat:
    return BY_NAME.get(name, FALLBACK)
