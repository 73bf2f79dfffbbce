"""Pages rendered into the page cache after a deploy (`manage.py warm_pages`) or a publish
(`cms.warm_pages` on the worker): the first visitor is served from the cache."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished
from django.test import RequestFactory
from wagtail.models import Locale, PageViewRestriction

from livinglab.cms.cache import page_cache_key
from livinglab.cms.models import CampaignPage, SettingIndexPage, TopicPage
from livinglab.cms.warming import warm_pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """The demo's images stay where the module's `demo` fixture wrote them."""


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

    again = warm_pages()
    assert again.warmed == 0 and again.already > 0 and not again.failed


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
