"""Findable (issue #16): "tabagisme" finds the tobacco topics through the promoted results editors
manage (both backends), French stemming on PostgreSQL, and a setting's listing that shows only
its topics and offers only the age groups they are written for."""

import pytest
from django.db import connection
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from livinglab.campaigns.models import CampaignSetting
from livinglab.cms.models import AgeGroup
from tests.cms.factories import make_topic, tiny_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def tobacco(site):
    topic = site.topics[0]
    topic.title = "Arrêter le tabac en équipe"
    topic.summary = "Un défi collectif pour arrêter de fumer."
    topic.save_revision().publish()
    return topic


def found(client, **params) -> list[int]:
    return [page.pk for page in client.get("/recherche/", params).context["results"]]


def promote(query: str, page) -> None:
    SearchPromotion.objects.create(query=Query.get(query), page=page, sort_order=0)


def test_tabagisme_finds_the_promoted_tobacco_topic(client, tobacco):
    assert tobacco.pk not in found(client, q="tabagisme")  # no page says "tabagisme"
    promote("Tabagisme", tobacco)  # an editor's promotion, in the admin
    assert found(client, q="tabagisme")[0] == tobacco.pk
    assert found(client, q="  TABAGISME ")[0] == tobacco.pk  # normalised as Wagtail does
    # A promoted page the search finds anyway is listed once, first.
    promote("tabac", tobacco)
    tabac = found(client, q="tabac")
    assert tabac[0] == tobacco.pk and tabac.count(tobacco.pk) == 1 and len(tabac) == 3


def test_promoted_topic_still_obeys_the_filters(client, tobacco):
    promote("tabagisme", tobacco)
    assert tobacco.pk not in found(client, q="tabagisme", setting="school")
    assert tobacco.pk in found(client, q="tabagisme", setting="workplace")


def test_searching_writes_nothing(client, tobacco):
    found(client, q="tabagisme")
    assert not Query.objects.exists()  # Query.get would create one per search


@pytest.mark.skipif(connection.vendor != "postgresql", reason="French stemming: PostgreSQL")
def test_french_stemming_on_postgresql(client, tobacco):
    # The French snowball stemmer: "équipes" → "équip", as "équipe"; "défis" → "def", as "défi".
    assert tobacco.pk in found(client, q="équipes")
    assert tobacco.pk in found(client, q="défis collectifs")


def test_setting_listing_shows_only_its_topics(client, site):
    school = site.settings["school"]
    topic = make_topic(school, 9, image=tiny_image())
    workplace_topics = site.settings["workplace"].url
    listed = [t.pk for t in client.get(workplace_topics).context["topics"]]
    assert topic.pk not in listed and len(listed) == 3
    assert [t.pk for t in client.get(school.url).context["topics"]] == [topic.pk]


def test_age_group_choices_are_those_of_the_setting(client, site):
    school = site.settings["school"]
    topic = make_topic(school, 9, image=tiny_image())
    topic.age_groups.set([AgeGroup.objects.get(code="6-10")])
    topic.save_revision().publish()
    choices = client.get(school.url).context["filter_form"].fields["age_group"].choices
    assert [code for code, _label in choices] == ["", "6-10"]
    choices = client.get(site.settings["workplace"].url).context["filter_form"]
    assert [code for code, _label in choices.fields["age_group"].choices] == ["", "adults"]
    # A topic written for several settings counts in each of them.
    topic.target_settings.add(CampaignSetting.objects.get(code="workplace"))
    topic.save_revision().publish()
    choices = client.get(site.settings["workplace"].url).context["filter_form"]
    assert [code for code, _label in choices.fields["age_group"].choices] == ["", "6-10", "adults"]
