"""A publish queues `cms.warm_pages`; a real worker renders the pages into the shared page
cache, so that the first visitor after the publish is served the new page from the cache."""

import socket

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from livinglab.cms.cache import page_cache_key
from tests.cms.factories import build_site
from tests.cms.test_toolkit_worker import CACHE_TABLE, set_task_routes, shared_cache, wait_for
from tests.conftest import start_worker, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TASK = "cms.warm_pages"
__all__ = ["shared_cache"]  # the fixture, used below by name


@pytest.fixture
def warming_worker(shared_cache, tmp_path):
    from livinglab.celery import app

    queue = f"{django_settings.CELERY_TASK_DEFAULT_QUEUE}-warming"
    routes = app.conf.task_routes
    set_task_routes({TASK: {"queue": queue}})
    process = start_worker(
        queue=queue,
        log_path=tmp_path / "warming-worker.log",
        hostname=f"warming-{queue}@{socket.gethostname()}",
        extra_env={
            "CACHE_URL": f"dbcache://{CACHE_TABLE}",
            "CELERY_QUEUE": queue,
            "CMS_WARM_BASE_URLS": "http://testserver",
        },
    )
    try:
        yield process
    finally:
        stop_worker(process)
        set_task_routes(routes)


def stored_html(url: str) -> str | None:
    from django.core.cache import cache

    request = RequestFactory().get(url, HTTP_HOST="testserver")
    request.LANGUAGE_CODE = "fr"
    kept = cache.get(page_cache_key(request))
    return kept[0].decode() if kept else None


def test_a_publish_has_the_worker_render_the_pages_before_anybody_asks(
    warming_worker, client, settings, django_assert_max_num_queries
):
    site = build_site(topics=2)
    topic = site.topics[0]
    settings.CMS_WARM_PAGES = True
    settings.CMS_WARM_DELAY_SECONDS = 1

    topic.how_to = "<p>Animer en binôme, après la pause</p>"
    topic.save_revision().publish()  # bumps the version, then queues one warming

    assert wait_for(lambda: "Animer en binôme" in (stored_html(topic.url) or ""), timeout=60), (
        "the worker did not store the published topic page"
    )
    for page in (site.home, site.settings["school"], site.campaign_page):  # the others too
        assert wait_for(lambda page=page: stored_html(page.url) is not None, timeout=60), page
    with django_assert_max_num_queries(3) as queries:  # the first visitor is served what the
        response = client.get(topic.url)  # worker rendered: the cache table only (version, page)
    assert all(CACHE_TABLE in query["sql"] for query in queries.captured_queries)
    assert response["X-Page-Cache"] == "hit"
    assert "Animer en binôme" in response.content.decode()
