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
