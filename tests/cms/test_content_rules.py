"""Content rules: alt text is required, calls to action point somewhere, editors publish."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from wagtail.blocks import StructBlockValidationError
from wagtail.models import Page

from livinglab.cms.blocks import AccessibleImageBlock, CallToActionBlock
from livinglab.cms.permissions import ensure_editor_permissions
from tests.cms.factories import tiny_image


@pytest.mark.django_db
def test_image_block_requires_alt_text():
    block = AccessibleImageBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"image": tiny_image().pk, "alt_text": "", "caption": ""}))


def test_call_to_action_needs_exactly_one_target():
    block = CallToActionBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"text": "Voir", "page": None, "url": ""}))
    assert block.clean(block.to_python({"text": "Voir", "page": None, "url": "https://a.fr"}))


def test_topic_image_needs_alt_text(site):
    topic = site.topics[0]
    topic.image_alt = " "
    with pytest.raises(ValidationError):
        topic.full_clean()


@pytest.mark.django_db
def test_editors_can_publish_and_moderate():
    ensure_editor_permissions()
    editors = Group.objects.get(name="Editors")
    codenames = set(
        editors.page_permissions.filter(page=Page.get_first_root_node()).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= codenames
    assert editors.permissions.filter(codename="change_testimony").exists()


def test_api_v2_lists_pages_images_and_documents(client, site):
    pages = client.get("/api/v2/pages/", {"type": "cms.TopicPage", "fields": "themes,summary"})
    assert pages.status_code == 200
    assert pages.json()["items"][0]["themes"] == ["tabac"]
    assert client.get("/api/v2/images/").status_code == 200
    assert client.get("/api/v2/documents/").json()["meta"]["total_count"] == 1
