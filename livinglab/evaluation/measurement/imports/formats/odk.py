"""ODK Central / ODK Collect exports: `SubmissionDate` and `KEY`, or the instance id column.

Central's review states: a `rejected` submission is skipped (a corrected one is usually sent
again), `hasIssues` is imported and counted. Repeat groups come as separate tables (`PARENT_KEY`,
`KEY`) in Central's ZIP export; see `imports.repeats`.
"""

from django.utils.translation import gettext_lazy as _

from livinglab.evaluation.measurement.imports.formats.base import SurveyFormat

SIGNATURE = {"SubmissionDate", "KEY"}
INSTANCE_COLUMNS = {"meta-instanceID", "meta/instanceID"}
REJECTED = _("soumission rejetée dans ODK Central (ReviewState « rejected »)")
HAS_ISSUES = _("soumission signalée « hasIssues » dans ODK Central")


def recognises(columns: set[str]) -> bool:
    return SIGNATURE <= columns or bool(INSTANCE_COLUMNS & columns)


def skip_row(row: dict) -> str | None:
    return str(REJECTED) if str(row.get("ReviewState") or "").strip() == "rejected" else None


def flag_row(row: dict) -> str | None:
    return str(HAS_ISSUES) if str(row.get("ReviewState") or "").strip() == "hasIssues" else None


FORMAT = SurveyFormat(
    name="odk",
    label="ODK",
    recognises=recognises,
    skip_row=skip_row,
    flag_row=flag_row,
    definition_tool="xlsform",
)
