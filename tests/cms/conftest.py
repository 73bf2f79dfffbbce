import pytest
from django.core.cache import cache

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
