"""ODK Central / ODK Collect exports: `SubmissionDate` and `KEY`, or the instance id column."""

from livinglab.evaluation.measurement.imports.formats.base import SurveyFormat

SIGNATURE = {"SubmissionDate", "KEY"}
INSTANCE_COLUMNS = {"meta-instanceID", "meta/instanceID"}


def recognises(columns: set[str]) -> bool:
    return SIGNATURE <= columns or bool(INSTANCE_COLUMNS & columns)


FORMAT = SurveyFormat(name="odk", label="ODK", recognises=recognises)
