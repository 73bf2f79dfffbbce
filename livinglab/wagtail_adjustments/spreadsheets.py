"""Formula escaping in Wagtail's own spreadsheet exports (retire when Wagtail escapes them)."""

from livinglab.core.spreadsheets import escape_formula


def escape_wagtail_spreadsheets() -> None:
    """Escape formulas in Wagtail's own CSV/XLSX downloads (reports such as the site history).

    Wagtail's `SpreadsheetExportMixin` writes CSV cells as they are; log entry labels come from
    titles and names typed by users (a public testimony's author name, say). Installed once
    from `WagtailAdjustmentsConfig.ready()`: Wagtail has no setting for it.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "escapes_formulas", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        return escape_formula(original(self, field, value, export_format))

    preprocess_field_value.escapes_formulas = True
    preprocess_field_value.original = original
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
