"""KoboToolbox exports: `_uuid` and `_submission_time`; group paths `group/question`."""

from livinglab.evaluation.measurement.imports.formats.base import SurveyFormat

SIGNATURE = {"_uuid", "_submission_time"}

FORMAT = SurveyFormat(
    name="kobo", label="KoboToolbox", recognises=lambda columns: SIGNATURE <= columns
)
