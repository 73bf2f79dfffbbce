"""KoboToolbox exports: `_uuid` and `_submission_time`; group paths `group/question`.

The default CSV export has question labels as headers and answers, `;` as separator, every
field quoted and, when the form has HXL hashtags, a second header line of hashtags
(`#indicator+code`): that line is skipped, and so are submissions marked "Not approved".
Labels become question names and choice values through the XLSForm.
"""

import re

from django.utils.translation import gettext_lazy as _

from livinglab.evaluation.measurement.imports.formats.base import SurveyFormat

SIGNATURE = {"_uuid", "_submission_time"}
HASHTAG = re.compile(r"^#[A-Za-z][A-Za-z0-9_]*(\s*[+-][A-Za-z][A-Za-z0-9_]*)*$")
NOT_APPROVED = {"validation_status_not_approved", "not approved", "non approuvé"}
HXL_ROW = _("ligne de hashtags HXL (en-tête de KoboToolbox)")
REFUSED = _("soumission « Not approved » dans KoboToolbox")


def skip_row(row: dict) -> str | None:
    if row.get("_uuid") in (None, ""):  # every submission has one; the hashtag row has none
        cells = [str(cell).strip() for cell in row.values() if cell not in (None, "")]
        if cells and all(HASHTAG.match(cell) for cell in cells):
            return str(HXL_ROW)
    if str(row.get("_validation_status") or "").strip().casefold() in NOT_APPROVED:
        return str(REFUSED)
    return None


FORMAT = SurveyFormat(
    name="kobo",
    label="KoboToolbox",
    recognises=lambda columns: SIGNATURE <= columns,
    skip_row=skip_row,
    definition_tool="xlsform",
)
