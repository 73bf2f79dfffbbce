""" "Ce qui marche" pages: every figure of a card is the stored pooled result, read back from the
page; restricted pages show their stratum; the certainty rules of docs/certainty.md ("Pooled
evidence") each flip the rating on their own; recomputation retires the cached pages."""

import html as html_module
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.timezone import localtime

from livinglab.campaigns.models import BudgetLine, Campaign, Participant, Theme
from livinglab.cms.cache import page_cache_version
from livinglab.cms.models import CampaignPage, ToolkitPage
from livinglab.evaluation.models import EvaluationRun, Indicator
from livinglab.evaluation.pooled.findings import pooled_certainty
from livinglab.evaluation.pooled.selectors import pooled_evidence_for
from livinglab.evaluation.pooled.services import pooled_evidence_compute
from livinglab.evaluation.pooled.signals import pooled_evidence_computed
from livinglab.evaluation.runs.findings import french_spacing
from tests.campaigns.test_raw_codes import VisibleText
from tests.cms.factories import publish_child
from tests.evaluation.pooled_builders import campaign_with_run, result_row
from tests.evaluation.test_raw_codes_evaluation import raw_codes_in

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"[+\u2212-]?\d+(?:[,.]\d+)?")


def numbers_in(text: str) -> list[tuple[float, int]]:
    """Printed numbers as (value, decimals) — French commas and true minus signs."""
    found = []
    for match in NUMBER.findall(text.replace("\u00a0", " ").replace("\u202f", "")):
        plain = match.replace(",", ".").replace("\u2212", "-")
        decimals = len(plain.partition(".")[2])
        found.append((float(plain), decimals))
    return found


def assert_printed(printed: tuple[float, int], stored: float) -> None:
    value, decimals = printed
    assert abs(value - stored) <= 0.5 * 10**-decimals + 1e-9, (printed, stored)


def card_of(page_html: str, code: str) -> str:
    start = page_html.index(f'data-indicator="{code}"')
    return page_html[start : page_html.index("</article>", start)]


def text_of(card: str, css_class: str) -> str:
    match = re.search(rf'class="{css_class}[^"]*">(.*?)</(?:strong|span|dd|p)>', card, re.S)
    assert match, css_class
    text = html_module.unescape(re.sub(r"<[^>]+>", "", match.group(1)))
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def network(site):
    """Three published campaigns on sleep (two schools, one workplace), one masked result and
    one unpublished run that must stay out, and a public page for the first campaign."""
    first = campaign_with_run(
        "ecole-a",
        result_row(estimate=0.2, ci_low=0.0, ci_high=0.4, participants={"intervention": 40}),
        settings=["school"],
        themes=["sommeil"],
    )
    campaign_with_run(
        "ecole-b",
        result_row(estimate=0.9, ci_low=0.6, ci_high=1.2, participants={"intervention": 55}),
        settings=["school"],
        themes=["sommeil"],
    )
    campaign_with_run(
        "entreprise-c",
        result_row(estimate=0.5, ci_low=0.1, ci_high=0.9, participants={"intervention": 48}),
        settings=["workplace"],
    )
    campaign_with_run("masquee", result_row(suppressed=True, estimate=None), settings=["school"])
    campaign_with_run("brouillon", result_row(estimate=5.0, ci_low=4, ci_high=6), published=False)
    publish_child(
        site.campaign_index,
        CampaignPage(title="École A en ligne", slug="ecole-a", campaign=first.campaign),
    )
    indicator = Indicator.objects.get(code="sleep_score")
    pooled_evidence_compute(indicator=indicator, charts=False)
    index = publish_child(site.home, ToolkitPage(title="Ce qui marche", slug="ce-qui-marche"))
    school = publish_child(
        index, ToolkitPage(title="Ce qui marche à l'école", slug="ecole", setting="school")
    )
    theme = publish_child(
        index,
        ToolkitPage(
            title="Ce qui marche pour le sommeil",
            slug="sommeil",
            theme=Theme.objects.get(slug="sommeil"),
        ),
    )
    return {"indicator": indicator, "index": index, "school": school, "theme": theme}


def test_a_card_prints_the_stored_pooled_result(network, client):
    evidence = pooled_evidence_for(network["indicator"])
    fit = evidence.numbers["pm"]
    response = client.get(network["index"].url)
    assert response.status_code == 200
    card = card_of(response.content.decode(), "sleep_score")

    impact = text_of(card, "toolkit-impact")
    estimate, low, high = numbers_in(impact)
    assert_printed(estimate, fit["estimate"])
    assert_printed(low, fit["ci_low"])
    assert_printed(high, fit["ci_high"])
    assert impact.startswith("+") and " h " in impact  # natural units, signed
    assert fit["ci_low"] > 0
    assert "ont amélioré « Temps de sommeil »" in text_of(card, "toolkit-verdict")

    prediction = text_of(card, "toolkit-prediction")
    pi_low, pi_high = numbers_in(prediction.replace("95 %", ""))
    assert_printed(pi_low, fit["pi_low"])
    assert_printed(pi_high, fit["pi_high"])

    assert text_of(card, "toolkit-strength") == "3 campagnes, 143 participants"
    assert evidence.participants == 40 + 55 + 48
    certainty = pooled_certainty(evidence.numbers)
    assert f"certitude {certainty.label}" in card
    for reason in certainty.reasons:
        assert escape(french_spacing(capfirst(reason))) in card
    assert "coût non renseigné" in text_of(card, "toolkit-cost")
    with translation.override("fr"):
        computed = date_format(localtime(evidence.computed_at), "j F Y")
    assert text_of(card, "card-meta toolkit-computed") == f"Calculé le {computed}"
    assert f"/evaluation/pooled/{evidence.pk}/forest.svg" in card
    # the campaigns, linked when they have a public page; masked and unpublished ones never
    assert '<a href="/campagnes/ecole-a/">Ecole A</a>' in card
    assert "Ecole B" in card and "Entreprise C" in card
    assert "Masquee" not in card and "Brouillon" not in card
    assert "sleep_score" not in re.sub(r'data-indicator="[^"]*"', "", card)  # no raw code


def test_forest_plot_of_a_card_is_served(network, client):
    evidence = pooled_evidence_for(network["indicator"])
    response = client.get(f"/evaluation/pooled/{evidence.pk}/forest.svg")
    assert response.status_code == 200 and b"<svg" in response.content


def test_a_setting_page_shows_its_stratum_only(network, client):
    school = pooled_evidence_for(network["indicator"], setting="school")
    card = card_of(client.get(network["school"].url).content.decode(), "sleep_score")
    assert "Milieu : École" in card
    assert text_of(card, "toolkit-strength") == "2 campagnes, 95 participants"
    estimate, _low, _high = numbers_in(text_of(card, "toolkit-impact"))
    assert_printed(estimate, school.numbers["pm"]["estimate"])
    assert "Entreprise C" not in card
    assert "Moins de trois campagnes" in text_of(card, "toolkit-prediction")
    assert french_spacing("Moins de trois campagnes : trop peu pour généraliser") in card


def test_a_theme_page_shows_the_theme_and_the_index_lists_the_sub_pages(network, client):
    card = card_of(client.get(network["theme"].url).content.decode(), "sleep_score")
    assert "Thème : " in card and "Entreprise C" not in card
    index = client.get(network["index"].url).content.decode()
    assert f'href="{network["school"].url}"' in index
    assert f'href="{network["theme"].url}"' in index


def test_empty_state_and_one_campaign(network, client):
    university = publish_child(
        network["index"], ToolkitPage(title="Université", slug="universite", setting="university")
    )
    page = client.get(university.url).content.decode()
    assert "Pas encore de résultats groupés" in page and "toolkit-card" not in page
    workplace = publish_child(
        network["index"], ToolkitPage(title="Entreprise", slug="entreprise", setting="workplace")
    )
    card = card_of(client.get(workplace.url).content.decode(), "sleep_score")
    estimate, low, high = numbers_in(text_of(card, "toolkit-impact"))
    assert (estimate[0], low[0], high[0]) == (0.5, 0.1, 0.9)  # the one campaign's own result
    assert "Cette campagne a amélioré" in card


def test_a_page_takes_a_setting_or_a_theme_not_both():
    page = ToolkitPage(title="x", slug="x", setting="school", theme=Theme(name="Sommeil"))
    page.theme_id = 1
    with pytest.raises(ValidationError):
        page.clean()


def test_standardised_card_explains_the_scale(site, client):
    campaign_with_run(
        "minutes", result_row(estimate=30, ci_low=10, ci_high=50, effect_size=0.5), unit="min"
    )
    campaign_with_run(
        "heures",
        result_row(effect_size=0.3, effect_size_ci_low=0.1, effect_size_ci_high=0.5),
        unit="h",
    )
    indicator = Indicator.objects.get(code="sleep_score")
    pooled_evidence_compute(indicator=indicator, charts=False)
    fit = pooled_evidence_for(indicator).numbers["pm"]
    index = publish_child(site.home, ToolkitPage(title="Ce qui marche", slug="ce-qui-marche"))
    card = card_of(client.get(index.url).content.decode(), "sleep_score")
    impact = text_of(card, "toolkit-impact")
    assert impact.startswith("effet standardisé")
    assert_printed(numbers_in(impact)[0], fit["estimate"])
    assert "écarts-types" in text_of(card, "toolkit-scale")


# Certainty of pooled evidence (docs/certainty.md, "Pooled evidence") ---------------------------


def numbers(*, k=3, i2=10.0, ci=(0.2, 0.8), certainty="high"):
    studies = [
        {"campaign": n, "certainty": certainty, "weight": 1 / k, "ci_low": 0.1, "ci_high": 0.9}
        for n in range(k)
    ]
    fit = {"estimate": 0.5, "ci_low": ci[0], "ci_high": ci[1], "i2": i2, "pi_low": None}
    return {"studies": studies, "primary_method": "pm", "pm": fit if k >= 2 else None}


def test_certainty_starts_from_the_campaigns_and_each_rule_downgrades_once():
    assert pooled_certainty(numbers()).level == "high"
    assert pooled_certainty(numbers(certainty="low")).level == "low"
    assert pooled_certainty(numbers(i2=60.0)).rules == ["inconsistency"]
    assert pooled_certainty(numbers(i2=50.0)).rules == []  # "more than 50 %"
    assert pooled_certainty(numbers(ci=(-0.1, 0.8))).rules == ["imprecision_zero"]
    assert pooled_certainty(numbers(k=2)).rules == ["few_campaigns"]
    assert pooled_certainty(numbers(k=2)).level == "moderate"
    worst = pooled_certainty(numbers(k=2, i2=80.0, ci=(-1, 1), certainty="low"))
    assert worst.level == "very_low"  # never below


def test_certainty_starts_where_most_of_the_weight_is():
    mixed = numbers()
    mixed["studies"][0].update(certainty="low", weight=0.6)
    mixed["studies"][1].update(weight=0.2)
    mixed["studies"][2].update(weight=0.2)
    assert pooled_certainty(mixed).level == "low"
    mixed["studies"][0]["weight"] = 0.4
    mixed["studies"][1]["weight"] = 0.4
    assert pooled_certainty(mixed).level == "high"


def test_campaign_certainty_is_stored_without_imprecision(network):
    studies = pooled_evidence_for(network["indicator"]).numbers["studies"]
    # before/after without a comparison group starts "faible", the builders' protocol is not
    # locked (−1); Ecole A's interval touching 0 does not lower it further here
    assert {study["certainty"] for study in studies} == {"very_low"}
    assert {study["design"] for study in studies} == {"pre_post"}


def test_a_locked_controlled_campaign_keeps_its_rating(site):
    run = campaign_with_run("controlee", result_row(estimate=0.1, ci_low=-0.2, ci_high=0.4))
    run.result = {**run.result, "design": "controlled_pre_post", "protocol_locked": True}
    run.save()
    campaign_with_run("autre", result_row())
    indicator = Indicator.objects.get(code="sleep_score")
    pooled_evidence_compute(indicator=indicator, charts=False)
    studies = {s["title"]: s for s in pooled_evidence_for(indicator).numbers["studies"]}
    assert studies["Controlee"]["certainty"] == "high"  # its imprecision is not counted


# Cache ------------------------------------------------------------------------------------------


def test_recomputing_retires_the_cached_toolkit_and_topic_pages(
    network, client, django_capture_on_commit_callbacks
):
    url = network["index"].url
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    version = page_cache_version()
    EvaluationRun.objects.filter(campaign__slug="entreprise-c").update(published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        pooled_evidence_compute(indicator=network["indicator"], charts=False)
    assert page_cache_version() != version
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    card = card_of(response.content.decode(), "sleep_score")
    assert text_of(card, "toolkit-strength") == "2 campagnes, 95 participants"


def test_the_signal_alone_bumps_the_version(db):
    version = page_cache_version()
    pooled_evidence_computed.send(sender=None, indicator=None)
    assert page_cache_version() != version


# Topic pages ------------------------------------------------------------------------------------


def test_topic_page_shows_the_network_evidence_of_its_themes(site, client):
    topic = site.topics[0]  # theme "tabac"
    page = client.get(topic.url).content.decode()
    assert "Ce que montrent les campagnes du réseau" in page
    assert "Pas encore de résultats groupés" in page and "toolkit-card" not in page

    campaign_with_run(
        "tabac-a", result_row(estimate=-2.0, ci_low=-3.0, ci_high=-1.0), themes=["tabac"]
    )
    campaign_with_run(
        "tabac-b", result_row(estimate=-1.0, ci_low=-2.0, ci_high=0.5), themes=["tabac"]
    )
    campaign_with_run("sommeil-c", result_row(estimate=0.5), themes=["sommeil"])
    indicator = Indicator.objects.get(code="sleep_score")
    pooled_evidence_compute(indicator=indicator, charts=False)
    index = publish_child(site.home, ToolkitPage(title="Ce qui marche", slug="ce-qui-marche"))

    page = client.get(topic.url).content.decode()
    section = page[page.index('class="network-evidence"') : page.index('class="practical"')]
    card = card_of(section, "sleep_score")
    tobacco = pooled_evidence_for(indicator, theme=Theme.objects.get(slug="tabac"))
    estimate, low, high = numbers_in(text_of(card, "toolkit-impact"))
    assert_printed(estimate, tobacco.numbers["pm"]["estimate"])
    assert_printed(high, tobacco.numbers["pm"]["ci_high"])
    assert tobacco.participants == 40 + 40  # n of each whole-sample row
    assert text_of(card, "toolkit-strength") == f"2 campagnes, {tobacco.participants} participants"
    assert "Sommeil C" not in section  # another theme's campaign
    assert f'href="{index.url}"' in section
    assert "Niveau de preuve" in page  # the editor's literature level stays beside it


def test_toolkit_pages_show_no_raw_code(network, client):
    codes = re.compile(r"(?<![\w-])(sleep_score|school|workplace|pre_post|very_low|pm|dl)(?![\w-])")
    for page in (network["index"], network["school"], network["theme"]):
        texts = VisibleText.of(client.get(page.url).content.decode())
        assert texts
        assert not raw_codes_in(texts), page.url
        assert not [text for text in texts if codes.search(text)], page.url


# Costs ------------------------------------------------------------------------------------------


def reach(campaign, people: int, cost: str) -> None:
    for index in range(people):
        Participant.objects.create(campaign=campaign, code=f"I-{index}", group="intervention")
    BudgetLine.objects.create(
        campaign=campaign, label="Animation", amount=Decimal(cost), category="staff"
    )


def test_cost_is_the_median_per_participant_of_campaigns_that_reached_enough_people(
    network, client
):
    campaigns = {campaign.slug: campaign for campaign in Campaign.objects.all()}
    reach(campaigns["ecole-a"], 10, "300")  # 30 € per participant
    reach(campaigns["ecole-b"], 20, "1000")  # 50 €
    reach(campaigns["entreprise-c"], 4, "4000")  # 1 000 €, but 4 < 10 people: withheld
    card = card_of(client.get(network["index"].url).content.decode(), "sleep_score")
    assert text_of(card, "toolkit-cost") == "40 € par participant (médiane des 2 campagnes)"

    workplace = publish_child(
        network["index"], ToolkitPage(title="Entreprise", slug="entreprise", setting="workplace")
    )
    card = card_of(client.get(workplace.url).content.decode(), "sleep_score")
    assert text_of(card, "toolkit-cost") == "coût non renseigné"
    assert "1 000" not in card and "1\u202f000" not in card
