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


# Wagtail's ready() of the apps installed through livinglab/wagtail_adjustments/api_v3.py (our
# copy is each one up to its API v3 routers), as of Wagtail 8.0.1.
READY_FINGERPRINTS = {
    "WagtailImagesAppConfig": "52e409385bb1ad62",
    "WagtailDocsAppConfig": "4cdf87a46dbf81ef",
    "WagtailSnippetsAppConfig": "1ac35b5ed4034956",
    "WagtailLocalesAppConfig": "212230a703ac39a7",
    "WagtailRedirectsAppConfig": "19d1a78049d84e47",
}


@pytest.mark.parametrize("label", ["wagtailimages", "wagtaildocs", "wagtailsnippets",
                                   "wagtaillocales", "wagtailredirects"])  # fmt: skip
def test_wagtail_apps_run_their_ready_without_the_api_v3_and_are_pinned(label):
    from django.apps import apps

    from livinglab.wagtail_adjustments.api_v3 import WithoutApiV3

    config = apps.get_app_config(label)
    assert isinstance(config, WithoutApiV3)
    upstream = next(base for base in type(config).__mro__ if base.__name__ in READY_FINGERPRINTS)
    source = inspect.getsource(upstream.ready)
    assert fingerprint(source) == READY_FINGERPRINTS[upstream.__name__], (
        f"Wagtail changed {upstream.__module__}.{upstream.__name__}.ready: compare it with "
        "livinglab/wagtail_adjustments/api_v3.py, port the change, then update the fingerprint "
        "(or retire the config if Wagtail now asks whether wagtail.api.v3 is installed)."
    )
    assert "wagtail.api.v3.api import api" in source  # still unconditional upstream
    assert not apps.is_installed("wagtail.api.v3")


def test_what_the_wagtail_apps_ready_sets_up_is_there_without_the_api_v3():
    from wagtail.admin.forms.models import registry as form_overrides
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.contrib.redirects.signal_handlers import autocreate_redirects_on_page_move
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.widgets import AdminImageChooser
    from wagtail.models.reference_index import ReferenceIndex
    from wagtail.permissions import policy_registry
    from wagtail.signals import post_page_move

    from livinglab.cms.models import TopicPage

    image, document = get_image_model(), get_document_model()
    assert ReferenceIndex.is_indexed(image) and ReferenceIndex.is_indexed(document)
    for model in (image, document, Redirect):
        assert policy_registry.get_by_type(model, fallback=False) is not None, model
    assert form_overrides.get(TopicPage._meta.get_field("image"))["widget"] is AdminImageChooser
    sync_receivers, _async_receivers = post_page_move._live_receivers(TopicPage)
    assert autocreate_redirects_on_page_move in sync_receivers
