"""Content in English (issue #16): the demo's English copies, navigation that stays in English,
pages not translated yet marked `lang="fr"`, English search, and the theme of the year."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Locale

from livinglab.campaigns.models import Theme
from livinglab.cms.models import CampaignPage, HomePage, SettingIndexPage, TopicPage
from livinglab.demo import translations
from tests.cms.factories import make_topic, publish_child

pytestmark = pytest.mark.django_db

TOBACCO = "mois-sans-tabac-entreprise"
UNTRANSLATED_NOTICE = "This page is not yet available in English."


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """The demo's images stay where the module fixture wrote them (overrides the conftest's)."""


def english(page):
    return page.get_translation(Locale.objects.get(language_code="en")).specific


def h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


def hrefs(html: str, start: str, end: str) -> list[str]:
    part = html[html.index(start) :]
    return re.findall(r'href="([^"]+)"', part[: part.index(end)])


def test_english_pages_answer_with_their_english_titles(demo, client):
    tobacco = TopicPage.objects.get(slug=TOBACCO)
    campaign_page = CampaignPage.objects.filter(locale__language_code="fr").first()
    expected = {
        "/en/": "LivingLab Prévention",
        "/en/workplace/": "Workplace",
        english(tobacco).url: "Quit smoking as a team: a smoke-free month at work",
        "/en/campaigns/": "Campaigns",
        english(campaign_page).url: english(campaign_page).title,
        "/en/experiences/": "Experiences",
    }
    assert english(tobacco).url == "/en/workplace/stop-smoking-together/"
    for url, title in expected.items():
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert '<html lang="en">' in html and h1(html) == title, url
        assert UNTRANSLATED_NOTICE not in html and '<main id="main" tabindex="-1">' in html, url
    topic_html = client.get(english(tobacco).url).content.decode()
    assert "Why act" in topic_html and "Are nicotine replacement products reimbursed?" in topic_html
    assert "How to run it" in topic_html  # chrome strings from the compiled catalogue


def test_language_links_pair_the_copies(demo, client):
    tobacco = TopicPage.objects.get(slug=TOBACCO)
    french_html = client.get(tobacco.url).content.decode()
    assert f'href="{english(tobacco).url}" lang="en"' in french_html
    english_html = client.get(english(tobacco).url).content.decode()
    assert f'href="{tobacco.url}" lang="fr"' in english_html


def test_navigation_breadcrumb_and_listings_stay_in_english(demo, client):
    home = client.get("/en/").content.decode()
    menu = hrefs(home, 'class="main-nav"', "</nav>")
    assert menu and all(url.startswith("/en/") for url in menu)
    assert ">Workplace</a>" in home and ">Entreprise</a>" not in home
    sections = hrefs(home, '<main id="main"', "</main>")
    assert sections and all(url.startswith("/en/") for url in sections)

    topic_html = client.get(english(TopicPage.objects.get(slug=TOBACCO)).url).content.decode()
    assert hrefs(topic_html, 'class="breadcrumb"', "</nav>") == ["/en/", "/en/workplace/"]
    listing = client.get("/en/workplace/").content.decode()
    cards = hrefs(listing, 'class="results"', "</section>")
    assert len(cards) == 4 and all(url.startswith("/en/workplace/") for url in cards)
    campaigns = client.get("/en/campaigns/").content.decode()
    cards = hrefs(campaigns, "card-grid", "</ul>")
    assert len(cards) == 5 and all(url.startswith("/en/campaigns/") for url in cards)


def test_untranslated_page_is_served_in_english_navigation_marked_french(demo, client):
    workplace = SettingIndexPage.objects.get(setting="workplace", locale__language_code="fr")
    new = make_topic(workplace, 42, image=None)  # written in French only
    listing = client.get("/en/workplace/").content.decode()
    english_url = f"/en{new.url}"
    card = listing[listing.index(english_url) - 400 : listing.index(english_url)]
    assert '<article class="card" lang="fr">' in card  # its French title is marked

    response = client.get(english_url)
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="en">' in html
    assert '<main id="main" tabindex="-1" lang="fr">' in html
    assert f'<p class="notice untranslated" lang="en">{UNTRANSLATED_NOTICE}</p>' in html
    assert h1(html) == new.title
    assert all(url.startswith("/en/") for url in hrefs(html, 'class="main-nav"', "</nav>"))
    assert f'href="{new.url}" lang="fr"' in html  # the French link: its own page
    french = client.get(new.url).content.decode()
    assert UNTRANSLATED_NOTICE not in french and 'lang="fr"' in french
    assert client.get("/en/no-such-page/").status_code == 404


def test_untranslated_section_appears_in_the_english_menu_marked_french(demo, client):
    home = HomePage.objects.get(locale__language_code="fr")
    section = publish_child(
        home,
        SettingIndexPage(title="Associations", slug="associations", setting="workplace"),
    )
    section.show_in_menus = True
    section.save_revision().publish()
    html = client.get("/en/").content.decode()
    menu = html[html.index('class="main-nav"') : html.index("</nav>")]
    assert '<li lang="fr"><a href="/en/associations/">Associations</a></li>' in menu
    page = client.get("/en/associations/").content.decode()
    assert '<main id="main" tabindex="-1" lang="fr">' in page and UNTRANSLATED_NOTICE in page


def test_english_experience_page_shows_the_testimonies_marked_french(demo, client):
    html = client.get("/en/experiences/").content.decode()
    assert html.count('<blockquote lang="fr">') == 3  # sent from the French page
    french = client.get("/temoignages/").content.decode()
    assert french.count("<blockquote>") == 3


def test_related_campaigns_show_their_english_copies(demo, client):
    topic = english(TopicPage.objects.get(slug=TOBACCO))
    french_campaign = CampaignPage.objects.filter(locale__language_code="fr").first()
    topic.related_campaigns.set([french_campaign])  # as a copy made by the Translate action
    topic.save_revision().publish()
    html = client.get(topic.url).content.decode()
    related = html[html.index('id="campaigns-title"') :]
    assert f'href="{english(french_campaign).url}">{english(french_campaign).title}<' in related


def test_search_finds_tobacco_in_french_and_smoking_in_english(demo, client):
    tobacco = TopicPage.objects.get(slug=TOBACCO)
    found = [page.pk for page in client.get("/recherche/", {"q": "tabagisme"}).context["results"]]
    assert found[0] == tobacco.pk
    results = client.get("/en/recherche/", {"q": "smoking"}).context["results"]
    assert [page.pk for page in results][0] == english(tobacco).pk
    assert all(page.locale.language_code == "en" for page in results)
    # An editors' promotion holds for the promoted page's translations too.
    promoted = client.get("/en/recherche/", {"q": "tabagisme"}).context["results"]
    assert [page.pk for page in promoted] == [english(tobacco).pk]


def test_annual_theme_section_comes_from_the_home_page_field(demo, client):
    home = HomePage.objects.get(locale__language_code="fr")
    assert home.annual_theme.slug == "activite-physique"
    response = client.get("/")
    html = response.content.decode()
    newest = newest_topics("fr")  # the latest topics, read with the theme's in one query
    assert [topic.pk for topic in response.context["latest_topics"]] == newest
    section = html[html.index('class="section annual-theme"') : html.index("</section>")]
    assert "Thématique de l'année : Activité physique" in section
    assert escape(home.annual_theme_text) in section
    theme_topics = TopicPage.objects.live().filter(
        locale=home.locale, themes__slug="activite-physique"
    )
    assert theme_topics.count() >= 3
    for topic in theme_topics:
        assert f'href="{topic.url}"' in section
    assert "bouge-ta-recre" in section  # a campaign on that theme

    english_html = client.get("/en/").content.decode()
    assert "Theme of the year: Physical activity" in english_html
    assert "Move more, sit less" in english_html

    home.annual_theme = Theme.objects.get(slug="tabac")
    home.annual_theme_text = "Un an pour arrêter de fumer."
    home.save_revision().publish()
    html = client.get("/").content.decode()
    section = html[html.index('class="section annual-theme"') : html.index("</section>")]
    assert "Thématique de l'année : Tabac" in section and "Un an pour arrêter" in section
    assert f'href="{TopicPage.objects.get(slug=TOBACCO).url}"' in section
    assert "recreations-actives" not in section

    home.annual_theme = None
    home.save_revision().publish()
    response = client.get("/")
    assert "annual-theme" not in response.content.decode()
    assert [topic.pk for topic in response.context["latest_topics"]] == newest


def newest_topics(language: str) -> list[int]:
    topics = TopicPage.objects.live().filter(locale__language_code=language)
    return list(topics.order_by("-first_published_at", "-pk").values_list("pk", flat=True)[:6])


def test_editor_translates_a_page_with_the_translate_action(demo, client):
    workplace = SettingIndexPage.objects.get(setting="workplace", locale__language_code="fr")
    new = make_topic(workplace, 43, image=None)
    english_locale = Locale.objects.get(language_code="en")
    client.force_login(get_user_model().objects.get(username="editeur"))
    response = client.post(
        reverse("simple_translation:submit_page_translation", args=[new.pk]),
        {"locales": [english_locale.pk]},
    )
    assert response.status_code == 302
    copy = new.get_translation(english_locale)
    assert copy.get_parent().pk == english(workplace).pk and not copy.live  # a draft to translate
    copy.title = "Test topic 43"
    copy.save_revision().publish()
    client.logout()
    assert "Test topic 43" in client.get("/en/workplace/").content.decode()
    assert f'href="{copy.url}" lang="en"' in client.get(new.url).content.decode()


def test_second_load_of_the_translations_writes_nothing(demo):
    with CaptureQueriesContext(connection) as queries:
        translations.load(stdout=io.StringIO())
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert TopicPage.objects.filter(locale__language_code="en").count() == 13
