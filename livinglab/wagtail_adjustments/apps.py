"""Our adjustments to Wagtail's admin, in one place, each with the upstream change retiring it.

- `csp.py` + `templates/wagtailadmin/` + `static/js/csp-init.js`: Wagtail's admin widgets and
  panels without inline scripts, so the Content Security Policy can forbid them
  (upstream: wagtail/wagtail#12940, "Remove inline scripts from the admin").
- `spreadsheets.py`: formula escaping in Wagtail's CSV/XLSX report exports (OWASP CSV
  injection; Wagtail's `SpreadsheetExportMixin` writes cells as they are).

`tests/core/test_wagtail_adjustments.py` fails loudly when a Wagtail upgrade changes what these
patch, so each can be re-checked (and retired) then.
"""

from django.apps import AppConfig


class WagtailAdjustmentsConfig(AppConfig):
    name = "livinglab.wagtail_adjustments"
    label = "wagtail_adjustments"
    verbose_name = "Wagtail adjustments"

    def ready(self):
        from livinglab.wagtail_adjustments import csp, spreadsheets

        csp.install()  # chooser widgets without inline scripts (Content Security Policy)
        spreadsheets.escape_wagtail_spreadsheets()
