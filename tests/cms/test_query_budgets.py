"""Query budgets of the public pages on the demo (issue #15), and the site-wide data they reuse.

A page is measured as it renders right after a publish once the site-wide data is cached: the
page cache is bypassed (`CMS_PAGE_CACHE_SECONDS = 0`), a first request warms the site-wide data
and the image renditions, the second one is counted. The budgets are the issue's targets.

Then the pages rendered into the page cache before anybody asks, after a deploy (`manage.py
warm_pages`) or a publish (`cms.warm_pages`, `tests/cms/test_warming_worker.py` with a worker):
the first visitor is served from the cache. On the same demo, loaded once for the module.
"""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished
from django.test import RequestFactory
from wagtail.models import Locale, PageViewRestriction

from livinglab.campaigns.models import Theme
from livinglab.cms import sitewide
from livinglab.cms.cache import page_cache_key
from livinglab.cms.models import CampaignPage, SettingIndexPage, ToolkitPage, TopicPage
from livinglab.cms.warming import warm_pages

pytestmark = pytest.mark.django_db

BUDGETS = {
    "home": 10,
    "setting listing": 10,
    "topic page": 10,
    "campaign page": 14,
    "toolkit page": 10,
}
# The same pages in English (issue #16): translated copies, same budgets.
BUDGETS |= {f"English {name}": budget for name, budget in BUDGETS.items()}


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """The demo's images stay where the module fixture wrote them (overrides the conftest's)."""


def demo_urls() -> dict[str, str]:
    urls = {}
    for language, prefix in (("fr", ""), ("en", "English ")):
        workplace = SettingIndexPage.objects.live().get(
            setting="workplace", locale__language_code=language
        )
        topic = TopicPage.objects.live().child_of(workplace).filter(image__isnull=False).first()
        campaign = CampaignPage.objects.live().filter(locale__language_code=language).first()
        toolkit = ToolkitPage.objects.live().get(setting="school", locale__language_code=language)
        urls |= {
            f"{prefix}home": "/" if language == "fr" else "/en/",
            f"{prefix}setting listing": workplace.url,
            f"{prefix}topic page": topic.url,
            f"{prefix}campaign page": campaign.url,
            f"{prefix}toolkit page": toolkit.url,
        }
    return urls


@pytest.mark.parametrize("name", list(BUDGETS))
def test_page_renders_within_its_query_budget(
    demo, name, client, settings, django_assert_max_num_queries
):
    settings.CMS_PAGE_CACHE_SECONDS = 0  # every request renders the page
    url = demo_urls()[name]
    assert client.get(url).status_code == 200  # warms the site-wide data and renditions
    with django_assert_max_num_queries(BUDGETS[name], info=name):
        response = client.get(url)
    assert response.status_code == 200
    assert response.get("X-Page-Cache") != "hit"  # rendered, not served from the page cache


def test_publishing_updates_navigation_and_listings(demo, client):
    workplace = SettingIndexPage.objects.live().get(setting="workplace", locale__language_code="fr")
    topic = TopicPage.objects.live().child_of(workplace).first()
    assert f'href="{workplace.url}"' in client.get("/").content.decode()
    assert topic.title in client.get(workplace.url).content.decode()

    workplace.title = "Au travail, autrement"
    workplace.save_revision().publish()
    assert "Au travail, autrement" in client.get("/").content.decode()  # main navigation

    topic.unpublish()
    assert topic.title not in client.get(workplace.url).content.decode()
    topic.get_latest_revision().publish()
    assert topic.title in client.get(workplace.url).content.decode()


def test_private_page_is_never_shown_to_anonymous_visitors(demo, client):
    workplace = SettingIndexPage.objects.live().get(setting="workplace", locale__language_code="fr")
    topic = TopicPage.objects.live().child_of(workplace).first()
    for url in ("/", workplace.url, topic.url):  # site-wide data and pages cached
        client.get(url)
    PageViewRestriction.objects.create(page=workplace, restriction_type=PageViewRestriction.LOGIN)

    home = client.get("/").content.decode()
    assert f'href="{workplace.url}"' not in home  # neither in the navigation nor the sections
    assert topic.title not in home  # nor among the latest topics
    assert client.get(workplace.url).status_code == 302  # to the login page
    assert client.get(topic.url).status_code == 302
    assert client.get(topic.url + "?autre=1").status_code == 302


def test_site_data_is_computed_once_per_publish(demo, client, settings, monkeypatch):
    settings.CMS_PAGE_CACHE_SECONDS = 0
    built = []
    monkeypatch.setattr(sitewide, "build_site_data", lambda **kw: built.append(kw) or build(**kw))
    workplace = SettingIndexPage.objects.live().get(setting="workplace", locale__language_code="fr")
    for url in ("/", workplace.url, "/", "/recherche/"):
        assert client.get(url).status_code == 200
    assert len(built) == 1  # every later request read it from the cache
    workplace.save_revision().publish()
    client.get("/")
    assert len(built) == 2  # the publish retired it
    client.get("/en/")
    assert [kw["language"] for kw in built] == ["fr", "fr", "en"]  # one per language


build = sitewide.build_site_data


def test_topic_page_shows_its_themes_age_groups_and_settings(demo, client):
    topic = TopicPage.objects.live().filter(locale__language_code="fr").first()
    html = client.get(topic.url).content.decode()
    start = html.index('class="facts"')
    facts = html[start : html.index("</dl>", start)]
    for item in [*topic.themes.all(), *topic.age_groups.all()]:
        assert item.name in facts
    for setting in topic.target_settings.all():
        assert str(setting) in facts
    other_themes = Theme.objects.exclude(topic_pages=topic)
    assert other_themes.exists()
    for theme in other_themes:
        assert theme.name not in facts


def test_topic_preview_shows_the_relations_being_edited(demo):
    topic = TopicPage.objects.live().filter(locale__language_code="fr").first()
    other = Theme.objects.exclude(topic_pages=topic).first()
    topic.themes.set([other])  # in memory, as the editor's form leaves it for a preview
    html = topic.make_preview_request().content.decode()
    start = html.index('class="facts"')
    facts = html[start : html.index("</dl>", start)]
    assert other.name in facts


def stored(url: str, language: str = "fr") -> bool:
    """Whether the page cache holds `url` for an anonymous visitor, without asking for it."""
    request = RequestFactory().get(url, HTTP_HOST="testserver")
    request.LANGUAGE_CODE = language
    return cache.get(page_cache_key(request)) is not None


def test_warm_pages_stores_every_public_page_in_both_languages_and_no_private_one(
    demo, client, settings, django_assert_num_queries
):
    settings.CMS_WARM_BASE_URLS = ["http://testserver"]
    workplace = SettingIndexPage.objects.live().get(setting="workplace", locale__language_code="fr")
    private_topic = TopicPage.objects.live().child_of(workplace).first()
    PageViewRestriction.objects.create(page=workplace, restriction_type=PageViewRestriction.LOGIN)
    school = SettingIndexPage.objects.live().get(setting="school", locale__language_code="fr")
    topic = TopicPage.objects.live().child_of(school).first()
    english_topic = topic.get_translation(Locale.objects.get(language_code="en"))
    campaign = CampaignPage.objects.live().filter(locale__language_code="fr").first()
    cache.clear()

    out = io.StringIO()
    call_command("warm_pages", stdout=out)
    assert "0 already cached" in out.getvalue()
    for url, language in [("/", "fr"), ("/en/", "en"), (school.url, "fr"), (topic.url, "fr"),
                          (english_topic.url, "en"), (campaign.url, "fr")]:  # fmt: skip
        assert stored(url, language), url
        with django_assert_num_queries(0):  # served from the cache, not rendered
            response = client.get(url)
        assert response["X-Page-Cache"] == "hit" and response.status_code == 200, url
    assert not stored(workplace.url) and not stored(private_topic.url)
    assert client.get(private_topic.url).status_code == 302  # to the login page, as before

    again = warm_pages()  # queued behind the first: nothing changed since, nothing requested
    assert (again.warmed, again.already, again.failed) == (0, 0, [])
    topic.save_revision().publish()  # a new version: rendered again
    assert warm_pages().warmed == int(out.getvalue().split()[0])


def test_warming_stops_when_the_pages_change_meanwhile(demo, settings):
    """A publish during the warming retires what it stored: the rest is left to the warming
    that publish queued."""
    from livinglab.cms import warming
    from livinglab.cms.cache import bump_page_cache_version

    settings.CMS_WARM_BASE_URLS = ["http://testserver"]
    cache.clear()
    paths = warming.page_paths(warming.site_for("http://testserver"))
    seen = []

    def publish_after_two(*args, **kwargs):
        seen.append(1)
        if len(seen) == 2:
            bump_page_cache_version()

    request_finished.connect(publish_after_two)
    try:
        report = warm_pages()
    finally:
        request_finished.disconnect(publish_after_two)
    assert report.stopped and report.warmed == 2 and len(paths) > 2


def test_a_questionnaire_s_layout_reads_the_site_from_the_cache(demo, client):
    """A view of another app rendering the site's layout (menu, language links) gets the site
    from the site-wide data kept per publish (`SiteDataMiddleware`), not a query per visitor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from livinglab.campaigns.models import Campaign

    campaign = Campaign.objects.get(slug="sommeil-serein", status=Campaign.Status.RUNNING)
    url = f"/questionnaire/{campaign.slug}/baseline/"
    assert client.get(url).status_code == 200  # the first visitor computes the site-wide data
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and "csrfmiddlewaretoken" in response.content.decode()
    assert not [query for query in queries if "wagtailcore_site" in query["sql"]]
