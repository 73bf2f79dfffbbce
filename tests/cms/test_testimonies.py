"""Testimonies: pending until approved, with silent bot traps and a per-address rate limit."""

import pytest

from livinglab.cms import forms as cms_forms
from livinglab.cms.models import experience


@pytest.fixture
def no_minimum_time(settings):
    settings.CMS_TESTIMONY_MIN_SECONDS = 0


def submission(**overrides) -> dict:
    started = cms_forms.TestimonyForm().fields["started"].initial
    data = {
        "author_name": "Zoé",
        "role": "staff",
        "setting": "school",
        "text": "Nous avons testé les récréations actives.",
        "website": "",
        "started": started,
    }
    return {**data, **overrides}


def test_testimony_waits_for_approval(client, site, no_minimum_time):
    response = client.post(site.experience.url, submission())
    assert response.status_code == 302
    testimony = experience.Testimony.objects.get(author_name="Zoé")
    assert testimony.status == experience.Testimony.Status.PENDING
    assert "récréations actives" not in client.get(site.experience.url).content.decode()
    testimony.status = experience.Testimony.Status.APPROVED
    testimony.save()
    assert "récréations actives" in client.get(site.experience.url).content.decode()


def test_approval_refreshes_cached_pages(client, site, no_minimum_time):
    client.get(site.home.url)
    experience.Testimony.objects.filter(page=site.experience).update(status="pending")
    experience.Testimony.objects.first().save()  # an admin save sends post_save
    assert client.get(site.home.url)["X-Page-Cache"] == "miss"


def test_honeypot_and_too_fast_submissions_are_dropped_silently(client, site, settings):
    settings.CMS_TESTIMONY_MIN_SECONDS = 0
    assert client.post(site.experience.url, submission(website="spam.example")).status_code == 302
    settings.CMS_TESTIMONY_MIN_SECONDS = 60
    assert client.post(site.experience.url, submission()).status_code == 302
    assert client.post(site.experience.url, submission(started="forged")).status_code == 302
    assert not experience.Testimony.objects.filter(author_name="Zoé").exists()


def test_invalid_submission_shows_errors(client, site, no_minimum_time):
    response = client.post(site.experience.url, submission(text=""))
    assert response.status_code == 400
    assert response.context["form"].errors["text"]


def test_rate_limit_per_address(client, site, settings, no_minimum_time):
    settings.CMS_TESTIMONY_RATE_LIMIT = (2, 3600)
    statuses = [client.post(site.experience.url, submission()).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    other = client.post(site.experience.url, submission(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
    assert experience.Testimony.objects.filter(author_name="Zoé").count() == 3
