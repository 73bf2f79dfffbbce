""" "What works" cards for English visitors: English sentences around the stored figures, numbers
and euros the English way, the catalogue's English label (or the French one marked `lang="fr"`),
and no French card sentence left, on the toolkit page and on a topic page."""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from wagtail.models import Locale

from livinglab.campaigns.costs import format_euros
from livinglab.campaigns.models import Campaign, Theme
from livinglab.cms.models import ToolkitPage
from livinglab.evaluation.models import Indicator
from livinglab.evaluation.pooled.selectors import pooled_evidence_for
from livinglab.evaluation.pooled.services import pooled_evidence_compute
from tests.cms.factories import publish_child
from tests.cms.test_toolkit import (
    assert_printed,
    card_of,
    network,  # noqa: F401 (fixture)
    reach,
    text_of,
)
from tests.evaluation.pooled_builders import campaign_with_run, result_row

pytestmark = pytest.mark.django_db

ENGLISH_NUMBER = re.compile(r"[+\u2212-]?\d+(?:\.\d+)?")
FRENCH_CARD_WORDS = ["En moyenne", "Solidité", "Coût", "Calculé le", "certitude", "médiane"]
FRENCH_CARD_WORDS += ["campagnes,", "milieu :", "Pour une nouvelle", "de +", "départ", "moins de"]


def english_numbers(text: str) -> list[tuple[float, int]]:
    """Printed numbers as (value, decimals), English decimal points; a comma would split one."""
    found = []
    for match in ENGLISH_NUMBER.findall(text):
        plain = match.replace("\u2212", "-")
        found.append((float(plain), len(plain.partition(".")[2])))
    return found


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def english(page):
    locale, _created = Locale.objects.get_or_create(language_code="en")
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    copy = page.copy_for_translation(locale, copy_parents=True, alias=False).specific
    copy.save_revision().publish()
    return copy


def test_english_toolkit_card_speaks_english_with_english_numbers(network, client):  # noqa: F811
    indicator = network["indicator"]
    indicator.label_en = "Sleep time"
    indicator.save()
    campaigns = {campaign.slug: campaign for campaign in Campaign.objects.all()}
    reach(campaigns["ecole-a"], 10, "1469.2")  # €146.92 per participant
    reach(campaigns["ecole-b"], 10, "1469.2")
    school = english(network["school"])
    assert school.url.startswith("/en/")

    page = main_of(client.get(school.url).content.decode())
    card = card_of(page, "sleep_score")
    evidence = pooled_evidence_for(indicator, setting="school")
    study = evidence.numbers["pm"] if "pm" in evidence.numbers else None
    source = study or evidence.numbers["studies"][0]

    impact = text_of(card, "toolkit-impact")
    assert re.fullmatch(r"\+\d+\.\d+ h \(from [+\u2212]?\d+\.\d+ to \+\d+\.\d+\)", impact), impact
    estimate, low, high = english_numbers(impact)
    assert_printed(estimate, source["estimate"])
    assert_printed(low, source["ci_low"])
    assert_printed(high, source["ci_high"])
    assert '<h2 class="card-title">Sleep time</h2>' in card
    assert text_of(card, "toolkit-strength") == "2 campaigns, 95 participants"
    assert "Fewer than three campaigns" in text_of(card, "toolkit-prediction")
    assert "certainty" in card and "Strength of evidence" in card
    assert text_of(card, "toolkit-stratum") == "Setting: School"
    assert text_of(card, "toolkit-cost") == "€146.92 per participant (median of 2 campaigns)"
    assert "Computed on" in card
    for word in FRENCH_CARD_WORDS:
        assert word not in page, word

    # the same figures stay French on the French page
    french = card_of(client.get(network["school"].url).content.decode(), "sleep_score")
    assert text_of(french, "toolkit-cost") == "146,92 € par participant (médiane des 2 campagnes)"
    assert " (de " in text_of(french, "toolkit-impact")


def test_one_costed_campaign_says_so_and_a_french_label_is_marked(network, client):  # noqa: F811
    campaigns = {campaign.slug: campaign for campaign in Campaign.objects.all()}
    reach(campaigns["ecole-a"], 10, "300")
    school = english(network["school"])
    card = card_of(client.get(school.url).content.decode(), "sleep_score")
    assert '<h2 class="card-title" lang="fr">Temps de sommeil</h2>' in card
    assert text_of(card, "toolkit-cost") == "€30 per participant (cost of the one campaign)"
    french = card_of(client.get(network["school"].url).content.decode(), "sleep_score")
    assert text_of(french, "toolkit-cost") == "30 € par participant (coût de la campagne)"


def test_english_topic_page_shows_the_network_evidence_in_english(site, client):
    topic = site.topics[0]  # theme "tabac"
    campaign_with_run(
        "tabac-a", result_row(estimate=-2.0, ci_low=-3.0, ci_high=-1.0), themes=["tabac"]
    )
    campaign_with_run(
        "tabac-b", result_row(estimate=-1.0, ci_low=-2.0, ci_high=0.5), themes=["tabac"]
    )
    indicator = Indicator.objects.get(code="sleep_score")
    pooled_evidence_compute(indicator=indicator, charts=False)
    index = publish_child(site.home, ToolkitPage(title="Ce qui marche", slug="ce-qui-marche"))
    english(index)

    html = client.get(english(topic).url).content.decode()
    assert "What the network's campaigns show" in html
    section = html[html.index('class="network-evidence"') : html.index('class="practical"')]
    card = card_of(section, "sleep_score")
    tobacco = pooled_evidence_for(indicator, theme=Theme.objects.get(slug="tabac"))
    impact = text_of(card, "toolkit-impact")
    assert " (from " in impact and "," not in impact
    estimate, low, high = english_numbers(impact)
    assert_printed(estimate, tobacco.numbers["pm"]["estimate"])
    assert_printed(low, tobacco.numbers["pm"]["ci_low"])
    assert_printed(high, tobacco.numbers["pm"]["ci_high"])
    assert text_of(card, "toolkit-strength") == "2 campaigns, 80 participants"
    assert text_of(card, "toolkit-cost") == "cost not reported"
    for word in FRENCH_CARD_WORDS:
        assert word not in section, word


def test_format_euros_follows_the_language():
    with translation.override("en"):
        assert format_euros(Decimal("146.92")) == "€146.92"
        assert format_euros(Decimal("12500")) == "€12,500"
        assert format_euros(Decimal("-3.5")) == "\u2212€3.50"
    with translation.override("fr"):
        assert format_euros(Decimal("146.92")) == "146,92\u00a0€"
        assert format_euros(Decimal("12500")) == "12\u202f500\u00a0€"
