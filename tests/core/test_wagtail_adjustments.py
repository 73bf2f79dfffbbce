"""Each adjustment of livinglab/wagtail_adjustments/ is pinned to the Wagtail code it replaces.

When a Wagtail upgrade changes one of those pieces, the matching test fails with what to
re-check; update the recorded fingerprint only after comparing our version with the new one
(and retire the adjustment once upstream fixes it: wagtail/wagtail#12940 for inline scripts).
"""

import hashlib
import inspect
import re
from pathlib import Path

import pytest
import wagtail
from django.template.loader import get_template
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.widgets import AdminPageChooser, BaseChooser

from livinglab.wagtail_adjustments import csp

WAGTAIL = Path(wagtail.__file__).parent
# Where Wagtail keeps the templates we override: the admin's, and the promoted search results'.
WAGTAIL_TEMPLATES = (
    WAGTAIL / "admin" / "templates",
    WAGTAIL / "contrib" / "search_promotions" / "templates",
)
OURS = Path(csp.__file__).parent / "templates"
# Wagtail's own version of each template we override, as of Wagtail 8.0.1.
TEMPLATE_FINGERPRINTS = {
    "wagtailadmin/panels/multiple_chooser_panel.html": "673bc9b26ca95c03",
    "wagtailadmin/panels/inline_panel.html": "195bb0b199edb062",
    "wagtailadmin/widgets/datetime_input.html": "479d8ddeaa73d2fd",
    "wagtailadmin/widgets/time_input.html": "536917c544a13563",
    "wagtailadmin/widgets/date_input.html": "2557f7a4fd543d7c",
    "wagtailsearchpromotions/add.html": "f562d10c37b349f1",
    "wagtailsearchpromotions/edit.html": "5378c649da124598",
}
CHOOSER_RENDER_FINGERPRINT = "b46a0fb559c849ac"
SPREADSHEET_PREPROCESS_FINGERPRINT = "9929e55f29ea4dfa"


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_every_overridden_template_is_pinned():
    ours = {str(path.relative_to(OURS)) for path in OURS.rglob("*.html")}
    assert ours == set(TEMPLATE_FINGERPRINTS)


@pytest.mark.parametrize("name", sorted(TEMPLATE_FINGERPRINTS))
def test_wagtail_template_we_override_is_unchanged(name):
    upstream = next(
        folder / name for folder in WAGTAIL_TEMPLATES if (folder / name).exists()
    ).read_text()
    assert fingerprint(upstream) == TEMPLATE_FINGERPRINTS[name], (
        f"Wagtail changed {name}: compare it with livinglab/wagtail_adjustments/templates/{name} "
        "(our copy without its inline <script>), port the change, then update the fingerprint."
    )
    inline = re.compile(r"<script(?![^>]*\bsrc=)")  # a script file (src=) is allowed by the CSP
    assert inline.search(upstream)  # still inline upstream: the override is still needed
    our_copy = get_template(name).origin.name
    assert our_copy.startswith(str(OURS)), "our template must win over Wagtail's"
    code = re.sub(r"{% comment %}.*?{% endcomment %}", "", Path(our_copy).read_text(), flags=re.S)
    assert not inline.search(code)


def test_chooser_render_is_replaced_and_pinned():
    assert fingerprint(inspect.getsource(csp.ORIGINAL_RENDER)) == CHOOSER_RENDER_FINGERPRINT, (
        "Wagtail changed BaseChooser.render: re-check livinglab/wagtail_adjustments/csp.py."
    )
    assert BaseChooser.render is csp.render_without_inline_script
    html = AdminPageChooser().render("page", None, attrs={"id": "id_page"})
    assert "<script" not in html and 'data-livinglab-init="call"' in html


def test_spreadsheet_exports_escape_formulas_and_are_pinned():
    patched = SpreadsheetExportMixin.preprocess_field_value
    assert getattr(patched, "escapes_formulas", False)
    original = inspect.getsource(patched.original)
    assert fingerprint(original) == SPREADSHEET_PREPROCESS_FINGERPRINT, (
        "Wagtail changed SpreadsheetExportMixin.preprocess_field_value: re-check "
        "livinglab/wagtail_adjustments/spreadsheets.py."
    )
    assert patched(SpreadsheetExportMixin(), "title", "=1+1", "csv") == "'=1+1"
