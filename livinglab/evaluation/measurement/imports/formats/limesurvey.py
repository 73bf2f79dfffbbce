"""LimeSurvey response exports (CSV/XLSX): recognised by their system columns."""

from livinglab.evaluation.measurement.imports.formats.base import SurveyFormat

SIGNATURE = {"id", "submitdate", "lastpage", "startlanguage"}

FORMAT = SurveyFormat(
    name="limesurvey", label="LimeSurvey", recognises=lambda columns: SIGNATURE <= columns
)
