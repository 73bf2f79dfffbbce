"""Topic cards rendered once per publish (issue #15, `cms_tags.topic_cards`).

A card's HTML is kept under the page cache's version: the pages show exactly what the include
rendered, a publish retires it, and a page whose cards are all known reads neither the
vocabularies nor the images again.
"""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from livinglab.cms.cache import bump_page_cache_version

CARD_PREFIX = "cms:card:"


def _uncached(client, url):
    """The page rendered (a new query string each time bypasses the page cache)."""
    _uncached.count = getattr(_uncached, "count", 0) + 1
    response = client.get(f"{url}?r={_uncached.count}")
    assert response.status_code == 200
    assert response.get("X-Page-Cache") != "hit"
    return response.content.decode().replace(f"?r={_uncached.count}", "")


def test_cards_are_the_same_from_the_cache_and_shared_between_pages(client, site, settings):
    listing = site.settings["workplace"].url
    settings.CMS_PAGE_CACHE_SECONDS = 0  # nothing kept: every card rendered by the template
    rendered_listing, rendered_home = _uncached(client, listing), _uncached(client, "/")
    settings.CMS_PAGE_CACHE_SECONDS = 600
    first = _uncached(client, listing)  # renders and keeps the cards
    assert first == rendered_listing
    assert _uncached(client, listing) == rendered_listing  # cards from the cache
    assert _uncached(client, "/") == rendered_home  # the home page reuses the listing's cards
    for topic in site.topics:
        assert topic.title in first and f'href="{topic.url}"' in first


def test_known_cards_read_no_vocabulary_nor_image(client, site):
    listing = site.settings["workplace"].url
    bump_page_cache_version()  # a publish: every card is retired
    with CaptureQueriesContext(connection) as cold:
        _uncached(client, listing)  # the first render after it reads what the cards show
    with CaptureQueriesContext(connection) as warm:
        _uncached(client, listing)
    card_tables = (
        "wagtailimages_image",
        "wagtailimages_rendition",
        "campaigns_theme",
        "cms_agegroup",
    )
    cold_sql = " ".join(query["sql"] for query in cold.captured_queries)
    warm_sql = " ".join(query["sql"] for query in warm.captured_queries)
    assert all(table in cold_sql for table in card_tables), cold_sql
    assert not any(table in warm_sql for table in card_tables), warm_sql


def test_publishing_a_topic_retires_its_card(client, site):
    listing = site.settings["workplace"].url
    assert "Thème de test 1" in _uncached(client, listing)
    assert any(key.startswith(CARD_PREFIX) for key in _card_keys())
    topic = site.topics[0]
    topic.summary = "Un résumé tout neuf."
    topic.save_revision().publish()
    page = _uncached(client, listing)
    assert "Un résumé tout neuf." in page
    assert "Un résumé tout neuf." in _uncached(client, "/")


def _card_keys():
    """Keys of the cards in the local-memory cache of the tests."""
    return [key.split(":", 2)[-1] for key in getattr(cache, "_cache", {})]
