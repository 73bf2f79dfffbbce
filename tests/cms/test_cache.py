"""Anonymous pages come from the cache without queries; publishing refreshes them."""

from django.contrib.auth import get_user_model


def test_second_anonymous_request_is_served_without_queries(
    client, site, django_assert_num_queries
):
    url = site.settings["workplace"].url
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_publishing_refreshes_the_cached_page(client, site):
    topic = site.topics[0]
    client.get(topic.url)
    topic.summary = "Un résumé tout neuf."
    topic.save_revision().publish()
    response = client.get(topic.url)
    assert "Un résumé tout neuf." in response.content.decode()
    assert response["X-Page-Cache"] == "miss"


def test_drafts_do_not_leak_and_logged_in_views_are_never_cached(client, site):
    topic = site.topics[0]
    client.get(topic.url)
    topic.summary = "Brouillon secret"
    topic.save_revision()  # not published
    assert "Brouillon secret" not in client.get(topic.url).content.decode()
    user = get_user_model().objects.create_superuser("chef", password="x")
    client.force_login(user)
    logged_in = client.get(topic.url)
    assert "X-Page-Cache" not in logged_in
    client.logout()


def test_pages_with_a_form_are_not_cached(client, site):
    client.get(site.experience.url)
    assert "X-Page-Cache" not in client.get(site.experience.url)


def test_a_filtered_listing_is_cached_but_an_unknown_query_string_is_not(client, site):
    """Only the page's own parameters are stored: `?x=<random>` would otherwise let anyone fill
    the shared cache with copies of one page and evict the pages people read."""
    theme = site.topics[0].themes.first()
    listing = site.settings["workplace"].url
    filtered = f"{listing}?theme={theme.slug}&page=1"
    assert client.get(filtered)["X-Page-Cache"] == "miss"
    assert client.get(filtered)["X-Page-Cache"] == "hit"
    for url in (f"{listing}?utm_source=lettre", f"{site.topics[0].url}?x=1"):
        first = client.get(url)
        assert first.status_code == 200
        assert "X-Page-Cache" not in first
        assert "X-Page-Cache" not in client.get(url)  # rendered again, never stored


def test_the_listing_caches_exactly_its_filter_form_s_parameters():
    from livinglab.cms.forms import TopicFilterForm
    from livinglab.cms.models import SettingIndexPage

    assert set(SettingIndexPage.cache_query_parameters) == {*TopicFilterForm.base_fields, "page"}


def test_a_campaign_page_s_story_is_rendered_once_per_publish_and_edits_show_at_once(
    client, site, django_assert_max_num_queries
):
    """The story, costs and results (`cms_tags.campaign_public_sections`) are kept under the
    page cache's version: a second rendering (a query string the page cache does not store)
    reads none of the campaign's tables, and an edit to the campaign shows at once."""
    from livinglab.campaigns.models import Decision

    url = site.campaign_page.url
    assert "Faire un défi" in client.get(f"{url}?a=1").content.decode()
    with django_assert_max_num_queries(3) as queries:  # routing only: page chain and page
        again = client.get(f"{url}?a=2").content.decode()
    assert "Faire un défi" in again
    assert not [q for q in queries.captured_queries if "campaigns_" in q["sql"]]

    Decision.objects.filter(campaign=site.campaign_page.campaign).update(text="x")  # no signal
    Decision.objects.create(campaign=site.campaign_page.campaign, text="Ouvrir aux parents")
    shown = client.get(f"{url}?a=3").content.decode()
    assert "Ouvrir aux parents" in shown  # the new decision's save retired the summary
    assert "Faire un défi" not in shown


def test_a_campaign_page_preview_shows_the_draft_not_the_kept_summary(client, site):
    page = site.campaign_page
    client.get(page.url)  # the published summary is kept
    page.introduction = "<p>Introduction du brouillon</p>"
    html = page.make_preview_request().content.decode()
    assert "Introduction du brouillon" in html
    assert "Introduction du brouillon" not in client.get(f"{page.url}?b=1").content.decode()


def test_home_and_topic_lists_are_read_once_per_publish_even_for_a_logged_in_visitor(
    client, site, django_assert_max_num_queries
):
    """What the home and topic pages list (`sitewide.per_publish`) is kept under the page
    cache's version: a signed-in visitor, whom the page cache never serves, gets it without
    the list queries; a topic published next shows at once."""
    user = get_user_model().objects.create_user("lectrice", password="x")
    client.force_login(user)
    topic = site.topics[0]
    for url in (site.home.url, topic.url):
        client.get(url)
        with django_assert_max_num_queries(6) as queries:  # session, user, routing
            assert client.get(url).status_code == 200
        read = " ".join(query["sql"] for query in queries.captured_queries)
        assert "cms_topicpage_themes" not in read and "cms_kitdocument" not in read, url
        assert "campaigns_campaign" not in read, url

    from tests.cms.factories import make_topic

    new = make_topic(site.settings["workplace"], 99, image=None)
    assert new.title in client.get(site.home.url).content.decode()
    kit_title = site.kit.title
    site.kit.title = "Kit renommé"
    site.kit.save_revision().publish()
    shown = client.get(topic.url).content.decode()
    assert "Kit renommé" in shown and f">{kit_title}<" not in shown


def test_a_topic_preview_is_never_served_the_kept_lists(client, site):
    topic = site.topics[0]
    client.get(topic.url)
    topic.related_campaigns = [site.campaign_page]  # as the editor's form leaves it
    html = topic.make_preview_request().content.decode()
    assert site.campaign_page.title in html
    assert site.campaign_page.title not in client.get(f"{topic.url}?c=1").content.decode()


def test_a_topic_s_article_is_rendered_once_per_publish_and_a_new_revision_shows_at_once(
    client, site, django_assert_max_num_queries
):
    """The article (`cms_tags.topic_article`: rich text, body, hero image, kits, evidence) is
    kept as HTML under the page's last publication: a second rendering reads no image
    rendition and no relation, and publishing a new "how to" shows it on the next request."""
    topic = site.topics[0]
    client.get(f"{topic.url}?a=1")
    with django_assert_max_num_queries(3) as queries:  # routing only: page chain and page
        assert client.get(f"{topic.url}?a=2").status_code == 200
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "wagtailimages_rendition" not in read and "cms_topicpage_" not in read
    assert "cms_kitdocument" not in read and "evaluation_" not in read

    topic.how_to = "<p>Nouvelle façon de l'animer</p>"
    topic.save_revision().publish()
    assert "Nouvelle façon de l'animer" in client.get(f"{topic.url}?a=3").content.decode()
    topic.how_to = "<p>Brouillon non publié</p>"
    topic.save_revision()
    assert "Brouillon non publié" in topic.make_preview_request().content.decode()
    assert "Brouillon non publié" not in client.get(f"{topic.url}?a=4").content.decode()


def test_a_listing_keeps_each_filter_and_page_apart_and_shows_a_new_topic_at_once(
    client, site, django_assert_max_num_queries
):
    """The listing's topics are kept per filter combination and page number (as the page cache
    keeps one page per such address): a signed-in visitor gets them without the list queries,
    filters and pages never mix, and a topic published next is counted at once."""
    from tests.cms.factories import make_topic

    client.force_login(get_user_model().objects.create_user("lecteur", password="x"))
    listing = site.settings["workplace"].url
    workshops = f"{listing}?format=workshop"
    everything = client.get(listing).context["topics"]
    assert everything.paginator.count == 3
    assert client.get(workshops).context["topics"].paginator.count == 2  # numbers 1 and 3
    with django_assert_max_num_queries(6) as queries:  # session, user, routing
        again = client.get(workshops).context["topics"]
    assert "cms_topicpage" not in " ".join(query["sql"] for query in queries.captured_queries)
    assert [topic.format for topic in again] == ["workshop", "workshop"]
    assert client.get(f"{listing}?page=99").context["topics"].number == 1  # the last page

    make_topic(site.settings["workplace"], 4, image=None)
    assert client.get(listing).context["topics"].paginator.count == 4


def test_one_kept_page_reads_as_the_paginator_s_page(settings):
    from django.core.paginator import Paginator

    from livinglab.cms.models.topics import TOPICS_PER_PAGE, OnePage

    items = list(range(TOPICS_PER_PAGE, TOPICS_PER_PAGE + 5))  # the second page of 17
    shown = Paginator(OnePage(items, total=TOPICS_PER_PAGE + 5, number=2), TOPICS_PER_PAGE).page(2)
    assert list(shown) == items and shown.has_previous() and not shown.has_next()
    assert shown.start_index() == TOPICS_PER_PAGE + 1 and shown.end_index() == TOPICS_PER_PAGE + 5
