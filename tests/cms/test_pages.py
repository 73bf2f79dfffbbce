"""Every public page type renders, in a number of queries that does not grow with content."""

import pytest
from django.core.cache import cache

from tests.cms.factories import build_site

# Measured: the same count with 3 and 15 topics (first view, so it includes creating the
# card rendition and the site-root lookups), plus two of headroom.
QUERY_BOUNDS = {
    "home": 30,
    "setting": 26,
    "setting_filtered": 28,
    "topic": 32,
    "kit": 21,
    "campaign_index": 20,
    "campaign": 27,
    "experience": 17,
    "search": 20,
}


def page_urls(site) -> dict[str, str]:
    workplace = site.settings["workplace"]
    return {
        "home": site.home.url,
        "setting": workplace.url,
        "setting_filtered": workplace.url + "?theme=tabac&age_group=adults&duration=medium",
        "topic": site.topics[0].url,
        "kit": site.kit.url,
        "campaign_index": site.campaign_index.url,
        "campaign": site.campaign_page.url,
        "experience": site.experience.url,
        "search": "/recherche/?q=test&setting=workplace&theme=tabac",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("topics", [3, 15])
def test_each_page_type_renders_in_bounded_queries(
    client, topics, settings, django_assert_max_num_queries
):
    site = build_site(topics=topics)
    cache.clear()
    # Every request renders its page; the first one also computes the site-wide data.
    settings.CMS_PAGE_CACHE_SECONDS = 0
    for name, url in page_urls(site).items():
        with django_assert_max_num_queries(QUERY_BOUNDS[name], info=name):
            response = client.get(url)
        assert response.status_code == 200, name


def test_home_shows_settings_featured_campaigns_and_latest_topics(client, site):
    html = client.get("/").content.decode()
    for setting_page in site.settings.values():
        assert f'href="{setting_page.url}"' in html
    assert "Campagne test" in html
    assert site.topics[-1].title in html


def test_setting_listing_filters_without_javascript(client, site):
    workplace = site.settings["workplace"].url
    assert client.get(workplace).context["topics"].paginator.count == 3
    by_theme = client.get(workplace, {"theme": "alcool"})
    assert by_theme.context["topics"].paginator.count == 0
    short = client.get(workplace, {"duration": "short"})  # 30, 40, 50 minutes
    assert [topic.duration_minutes for topic in short.context["topics"]] == [30]
    workshops = client.get(workplace, {"format": "workshop"})
    assert {topic.format for topic in workshops.context["topics"]} == {"workshop"}
    assert client.get(site.settings["school"].url).context["topics"].paginator.count == 0


def test_topic_page_shows_practical_sheet_and_kit_download(client, site):
    html = client.get(site.topics[0].url).content.decode()
    assert "Fiche pratique" in html
    assert 'alt="Une illustration"' in html
    assert "download" in html and ".pdf" in html


def test_search_filters_by_setting_theme_and_age_group(client, site):
    found = client.get("/recherche/", {"q": "test", "setting": "workplace", "age_group": "adults"})
    assert len(list(found.context["results"])) == 3
    elsewhere = client.get("/recherche/", {"q": "test", "setting": "school"})
    assert len(list(elsewhere.context["results"])) == 0


def test_english_url_prefix_serves_english_interface(client, site):
    response = client.get("/en/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
