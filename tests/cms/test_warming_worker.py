"""A publish queues `cms.warm_pages`; a real worker renders the pages into the shared page
cache, so that the first visitor after the publish is served the new page from the cache."""

import socket

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from wagtail.models import Locale, Page, Site

from livinglab.cms.cache import page_cache_key
from livinglab.cms.models import CampaignIndexPage, HomePage, SettingIndexPage, TopicPage
from tests.cms.factories import publish_child
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


def small_site() -> tuple[HomePage, list[Page], TopicPage]:
    """A home, a listing, a topic and a campaign index on a bare tree: an earlier transactional
    test may have flushed what the migrations seed (root page, site, vocabularies)."""
    locale, _ = Locale.objects.get_or_create(language_code=django_settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = publish_child(root, HomePage(title="Accueil", slug="accueil-warming", locale=locale))
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
    listing = SettingIndexPage(title="Entreprise", slug="entreprise", setting="workplace")
    publish_child(home, listing)
    campaigns = publish_child(home, CampaignIndexPage(title="Campagnes", slug="campagnes"))
    topic = TopicPage(
        title="Pause active",
        slug="pause-active",
        summary="Bouger au bureau.",
        audience="Salariés",
        format="workshop",
        duration_minutes=20,
        how_to="<p>Préparer</p>",
        evidence_level="promising",
    )
    publish_child(listing, topic)
    return home, [listing, campaigns], topic


def stored_html(url: str) -> str | None:
    from django.core.cache import cache

    request = RequestFactory().get(url, HTTP_HOST="testserver")
    request.LANGUAGE_CODE = "fr"
    kept = cache.get(page_cache_key(request))
    return kept[0].decode() if kept else None


def test_a_publish_has_the_worker_render_the_pages_before_anybody_asks(
    warming_worker, client, settings, django_assert_max_num_queries
):
    home, others, topic = small_site()
    settings.CMS_WARM_PAGES = True
    settings.CMS_WARM_DELAY_SECONDS = 1

    topic.how_to = "<p>Animer en binôme, après la pause</p>"
    topic.save_revision().publish()  # bumps the version, then queues one warming

    assert wait_for(lambda: "Animer en binôme" in (stored_html(topic.url) or ""), timeout=60), (
        "the worker did not store the published topic page"
    )
    for page in (home, *others):  # the others too
        assert wait_for(lambda page=page: stored_html(page.url) is not None, timeout=60), page
    with django_assert_max_num_queries(3) as queries:  # the first visitor is served what the
        response = client.get(topic.url)  # worker rendered: the cache table only (version, page)
    assert all(CACHE_TABLE in query["sql"] for query in queries.captured_queries)
    assert response["X-Page-Cache"] == "hit"
    assert "Animer en binôme" in response.content.decode()
