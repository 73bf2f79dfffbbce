"""The campaign dashboard is the hub of the designer's journey (#17).

The campaign's title in the listing opens it; it offers every record to add in place, each form
opening on this campaign (`?campaign=<pk>`), listing only this campaign's records, and coming
back to the dashboard after saving (`next`, same host only). Forms guide: date pickers, the slug
following the title, checkboxes, French labels.
"""

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from wagtail.admin.widgets import AdminDateInput, SlugInput

from livinglab.campaigns.models import (
    CampaignPartner,
    CodesignSession,
    Contribution,
)

pytestmark = pytest.mark.django_db


def dashboard_url(campaign) -> str:
    return reverse("campaigns_campaign:inspect", args=[campaign.pk])


def hub_links(html: str) -> dict[str, str]:
    found = re.findall(r'data-hub-link="([^"]+)" href="([^"]+)"', html)
    return {name: url.replace("&amp;", "&") for name, url in found}


def test_the_title_in_the_listing_opens_the_dashboard(client, world):
    client.force_login(world["users"]["manager"])
    html = client.get(reverse("campaigns_campaign:index")).content.decode()
    title_link = re.search(r'<a href="([^"]+)"[^>]*>\s*Campagne test\s*</a>', html)
    assert title_link, html
    assert title_link.group(1) == dashboard_url(world["campaign"])


def test_the_dashboard_offers_every_record_in_place(client, world):
    campaign = world["campaign"]
    client.force_login(world["users"]["manager"])
    response = client.get(dashboard_url(campaign))
    assert response.status_code == 200
    links = hub_links(response.content.decode())
    for name in (
        "campaigns_partner", "campaigns_session", "campaigns_contribution", "campaigns_decision",
        "campaigns_validation", "campaigns_action", "campaigns_site", "participants_import",
    ):  # fmt: skip
        assert name in links, links
    partner = urlsplit(links["campaigns_partner"])
    assert partner.path == reverse("campaigns_partner:add")
    query = parse_qs(partner.query)
    assert query == {"campaign": [str(campaign.pk)], "next": [dashboard_url(campaign)]}
    # The protocol builder (no protocol yet: no lock link).
    assert urlsplit(links["protocol_build"]).path == reverse(
        "evaluation_protocols:build", args=[campaign.pk]
    )
    assert "protocol_lock" not in links
    # The title says which campaign (not "- Wagtail").
    assert re.search(r"<title>\s*Tableau de bord — Campagne test", response.content.decode())


def test_a_member_without_rights_gets_no_add_links(client, world):
    """The evaluator of a partner organisation reads the dashboard but adds no partner."""
    client.force_login(world["users"]["evaluator"])
    response = client.get(dashboard_url(world["campaign"]))
    assert response.status_code == 200
    links = hub_links(response.content.decode())
    assert "campaigns_partner" not in links and "participants_import" not in links


def test_a_form_opened_from_the_dashboard_is_on_the_campaign_and_returns_there(client, world):
    campaign = world["campaign"]
    client.force_login(world["users"]["manager"])
    url = reverse("campaigns_partner:add")
    query = f"?campaign={campaign.pk}&next={dashboard_url(campaign)}"
    form_page = client.get(url + query)
    assert form_page.context["form"].initial["campaign"] == campaign
    html = form_page.content.decode()
    assert f'action="{url}?campaign={campaign.pk}&amp;next=' in html  # kept for the save
    assert re.search(r"<title>[^<]*Partenaire — Campagne test", html), html[:600]
    response = client.post(
        url + query,
        {"campaign": campaign.pk, "organisation": world["other"].pk, "role": "funder"},
    )
    assert response.status_code == 302
    assert response.url == dashboard_url(campaign)
    assert CampaignPartner.objects.filter(campaign=campaign, organisation=world["other"]).exists()


def test_an_outside_next_is_ignored(client, world):
    campaign = world["campaign"]
    client.force_login(world["users"]["manager"])
    url = reverse("campaigns_partner:add") + "?next=https://evil.example/"
    data = {"campaign": campaign.pk, "organisation": world["other"].pk, "role": "host"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("campaigns_partner:index")


def test_a_campaign_the_user_cannot_add_to_is_not_preselected(client, world):
    client.force_login(world["users"]["manager"])
    url = reverse("campaigns_partner:add") + f"?campaign={world['foreign'].pk}"
    assert "campaign" not in client.get(url).context["form"].initial


def _sessions(campaign, place):
    return CodesignSession.objects.create(
        campaign=campaign, date=date(2026, 1, 10), format="workshop", place=place
    )


def test_choosers_list_only_this_campaigns_records(client, world):
    campaign, foreign = world["campaign"], world["foreign"]
    mine = _sessions(campaign, "Salle ici")
    other_of_mine = world["campaign"].__class__.objects.create(
        slug="deuxieme", title="Deuxième campagne", lead_organisation=world["lead"]
    )
    _sessions(other_of_mine, "Salle deuxième")
    _sessions(foreign, "Salle ailleurs")
    client.force_login(world["users"]["manager"])
    url = reverse("campaigns_contribution:add") + f"?campaign={campaign.pk}"
    field = client.get(url).context["form"].fields["session"]
    assert list(field.queryset) == [mine]
    labels = [str(label) for value, label in field.choices if value]
    assert labels == [str(mine)]  # the campaign is known: labels need not name it

    # A session of another campaign posted by hand: a form error, never a 500.
    wrong = CodesignSession.objects.get(campaign=other_of_mine)
    response = client.post(
        url, {"campaign": campaign.pk, "session": wrong.pk, "kind": "idea", "text": "Idée"}
    )
    assert response.status_code == 200
    assert "session" in response.context["form"].errors
    assert not Contribution.objects.exists()


def test_forms_guide(client, world):
    client.force_login(world["users"]["manager"])
    form = client.get(reverse("campaigns_campaign:add")).context["form"]
    assert isinstance(form.fields["start_date"].widget, AdminDateInput)
    assert isinstance(form.fields["slug"].widget, SlugInput)
    assert form.fields["slug"].widget.attrs["data-w-slug-allow-unicode-value"] == "false"
    title_attrs = form.fields["title"].widget.attrs
    assert title_attrs["data-controller"] == "w-sync"
    assert title_attrs["data-w-sync-target-value"] == "#id_slug"
    for name in ("themes", "settings"):
        assert form.fields[name].widget.__class__.__name__ == "CheckboxSelectMultiple"
    assert str(form.fields["themes"].label) == "Thèmes"

    action_form = client.get(reverse("campaigns_action:add")).context["form"]
    assert str(action_form.fields["campaign"].label) == "Campagne"
    assert isinstance(action_form.fields["start_date"].widget, AdminDateInput)
    html = client.get(reverse("campaigns_action:add")).content.decode()
    assert ">Campaign" not in html and "Themes" not in html


def test_the_dashboard_leads_to_locking_the_protocol_then_to_waves_and_runs(client, world):
    from livinglab.evaluation.measurement.protocols import protocol_import, protocol_lock

    campaign = world["campaign"]
    protocol = protocol_import(
        definition={
            "campaign": {"slug": campaign.slug, "title": campaign.title},
            "design": "pre_post",
            "waves": ["baseline", "post"],
            "outcomes": [
                {
                    "indicator": "sleep_hours_school_nights",
                    "label": "Heures de sommeil les soirs d'école",
                    "scale": "continuous",
                    "unit": "heures",
                    "min_value": 0,
                    "max_value": 24,
                    "higher_is_better": True,
                    "primary": True,
                }
            ],
        }
    )
    assert not protocol.is_locked
    client.force_login(world["users"]["manager"])
    links = hub_links(client.get(dashboard_url(campaign)).content.decode())
    lock = urlsplit(links["protocol_lock"])
    assert lock.path == reverse("evaluation_protocols:lock", args=[campaign.pk, protocol.pk])
    assert parse_qs(lock.query) == {"next": [dashboard_url(campaign)]}  # comes back here
    assert "wave_import" not in links  # waves are imported once the protocol is locked

    protocol_lock(protocol=protocol, user=world["users"]["manager"])
    html = client.get(dashboard_url(campaign)).content.decode()
    links = hub_links(html)
    assert "protocol_lock" not in links
    assert links["wave_import"] == reverse("evaluation_admin:upload", args=[campaign.pk])
    start = reverse("evaluation_runs_admin:start", args=[campaign.pk])
    assert f'action="{start}"' in html and 'data-hub-link="run_start"' in html
