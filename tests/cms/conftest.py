import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from tests.cms.factories import build_site


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    built = build_site(topics=3)
    cache.clear()
    return built


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for the module and rolled back after it (a module using it
    overrides `_media_in_tmp` so that its images stay where this wrote them)."""
    media = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_demo", force=True, stdout=io.StringIO())
            yield
            transaction.set_rollback(True)
