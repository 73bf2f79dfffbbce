"""Publishing a run's results reaches the public site (#17).

Through the real `results_published` signal (sent by the publish service): the campaign's public
page is created as a draft under the campaigns index, with an ASCII address taken from the
campaign's slug, and submitted to the editors' moderation workflow; the campaign dashboard says
where it stands; an editor's approval puts it online; publishing again updates the same page.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, PageLogEntry, Site

from livinglab.campaigns.models import Campaign
from livinglab.cms.models import CampaignIndexPage, CampaignPage, HomePage
from livinglab.cms.permissions import EDITORS_GROUP
from livinglab.cms.publication import ascii_slug, ensure_editors_workflow
from livinglab.evaluation.runs import services
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db


def _index() -> CampaignIndexPage:
    root = Page.get_first_root_node()
    home = HomePage(title="Accueil", slug="accueil-publication")
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.filter(is_default_site=True).update(root_page=home, hostname="testserver")
    index = CampaignIndexPage(title="Campagnes", slug="campagnes")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def published(django_user_model):
    """A campaign in evaluation with a succeeded run, a campaigns index under the editors'
    workflow, a publisher (superuser) and an editor."""
    index = _index()
    ensure_editors_workflow(index)
    campaign = simulate_campaign(slug="publication-page", n_per_group=30, subgroups=())
    # An accented slug, as older rows or imports may hold (the form now refuses them).
    Campaign.objects.filter(pk=campaign.pk).update(
        slug="pause-écrans-au-lycée", title="Pause écrans au lycée", status="evaluation"
    )
    campaign.refresh_from_db()
    run = services.evaluation_run_execute(
        run_id=services.evaluation_run_start(campaign=campaign, enqueue=False).pk
    )
    publisher = django_user_model.objects.create_superuser("publisher", password="x")
    editor = django_user_model.objects.create_user("relecteur", password="x")
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return {"campaign": campaign, "run": run, "publisher": publisher, "editor": editor}


def test_pages_editors_make_get_ascii_addresses_too():
    """WAGTAIL_ALLOW_UNICODE_SLUGS is off: the slug typed from an accented title is ASCII."""
    from wagtail.admin.widgets import SlugInput

    from livinglab.campaigns.models import Organisation

    assert SlugInput().attrs["data-w-slug-allow-unicode-value"] is False
    lead = Organisation.objects.create(name="Lycée", kind="association")
    campaign = Campaign.objects.create(slug="pause", title="Pause", lead_organisation=lead)
    page = CampaignPage(title="Pause écrans au lycée", campaign=campaign)
    _index().add_child(instance=page)  # no slug given: made from the title
    assert page.slug == "pause-ecrans-au-lycee"


def test_ascii_slug_drops_accents():
    assert ascii_slug("pause-écrans-au-lycée", "x") == "pause-ecrans-au-lycee"
    assert ascii_slug("éé", "campagne-3") == "ee"
    assert ascii_slug("…", "campagne-3") == "campagne-3"


def test_publishing_submits_the_campaign_page_to_the_editors(client, published):
    campaign, run, publisher = published["campaign"], published["run"], published["publisher"]
    dashboard = reverse("campaigns_campaign:inspect", args=[campaign.pk])
    client.force_login(publisher)
    html = client.get(dashboard).content.decode()
    assert 'data-public-page="none"' in html
    # The dashboard leads to the confirmation page (publishing is irreversible).
    publish_url = reverse("evaluation_runs_admin:publish", args=[run.pk])
    assert f'data-hub-link="run_publish" href="{publish_url}"' in html
    confirmation = client.get(publish_url).content.decode()
    assert "Oui, publier les résultats" in confirmation and "empreinte" in confirmation
    assert not CampaignPage.objects.exists()

    services.evaluation_run_publish(run=run, user=publisher)  # sends results_published

    page = CampaignPage.objects.get(campaign=campaign)
    assert page.slug == "pause-ecrans-au-lycee"
    assert "%" not in page.url_path and page.url_path.isascii()
    assert not page.live  # a draft until an editor approves
    assert page.workflow_in_progress
    state = page.current_workflow_state
    assert state.requested_by == publisher
    assert state.workflow.name == "Validation par les éditeurs"
    html = client.get(dashboard).content.decode()
    assert 'data-public-page="moderation"' in html
    assert "en attente de validation par un éditeur" in html

    # The editor approves in the workflow: the page is online.
    page.current_workflow_task_state.approve(user=published["editor"])
    page.refresh_from_db()
    assert page.live
    html = client.get(dashboard).content.decode()
    assert 'data-public-page="published"' in html
    assert "/pause-ecrans-au-lycee/" in html

    # Publishing again updates the same page (a new revision, in the workflow again).
    revisions = page.revisions.count()
    services.evaluation_run_publish(run=run, user=publisher)
    assert CampaignPage.objects.filter(campaign=campaign).count() == 1
    page.refresh_from_db()
    assert page.revisions.count() == revisions + 1
    assert page.workflow_in_progress and page.live  # the approved version stays online


def test_without_campaigns_index_publishing_still_works(published):
    CampaignIndexPage.objects.all().delete()
    run = services.evaluation_run_publish(run=published["run"], user=published["publisher"])
    assert run.published_at is not None
    assert not CampaignPage.objects.exists()


def test_withdrawing_cancels_the_pending_review_and_the_dashboard_says_so(client, published):
    """Withdrawn results leave nothing to approve: the review their publication asked for is
    cancelled (logged in the page's history), the page stays a draft, the dashboard says why."""
    campaign, run, publisher = published["campaign"], published["run"], published["publisher"]
    services.evaluation_run_publish(run=run, user=publisher)
    page = CampaignPage.objects.get(campaign=campaign)
    state = page.current_workflow_state
    assert state is not None

    services.evaluation_run_withdraw(run=run, user=publisher, reason="Données à corriger")

    page.refresh_from_db()
    state.refresh_from_db()
    assert state.status == state.STATUS_CANCELLED and not page.workflow_in_progress
    assert not page.live
    assert PageLogEntry.objects.filter(page=page, action="wagtail.workflow.cancel").exists()
    client.force_login(publisher)
    html = client.get(reverse("campaigns_campaign:inspect", args=[campaign.pk])).content.decode()
    assert f'data-results-withdrawn="{run.pk}"' in html
    assert "Données à corriger" in html and "ne sont plus publics" in html
    assert 'data-public-page="draft"' in html


def test_an_online_page_stays_online_without_the_withdrawn_results(client, published):
    """Approved, the page shows the results and links the HTML report; withdrawn, the same
    page (served from the page cache until then) no longer shows them, and a review requested
    before that publication is left alone."""
    campaign, run, publisher = published["campaign"], published["run"], published["publisher"]
    services.evaluation_run_publish(run=run, user=publisher)
    page = CampaignPage.objects.get(campaign=campaign)
    page.current_workflow_task_state.approve(user=published["editor"])
    page.refresh_from_db()
    report_url = reverse("evaluation_runs:public_report_page", args=[run.pk])
    html = client.get(page.url).content.decode()
    assert f'href="{report_url}"' in html and "Résultats pas encore publiés" not in html
    assert client.get(report_url).status_code == 200
    # An editor's own change waiting for review, requested before the publication below.
    page.save_revision(user=published["editor"])
    page.get_workflow().start(page, published["editor"])
    services.evaluation_run_publish(run=run, user=publisher)  # already in review: joins it
    run.refresh_from_db()
    assert page.current_workflow_state.created_at < run.published_at
    assert f'href="{report_url}"' in client.get(page.url).content.decode()  # cached now

    services.evaluation_run_withdraw(run=run, user=publisher, reason="Erreur")

    html = client.get(page.url).content.decode()
    assert "Résultats pas encore publiés" in html and f'href="{report_url}"' not in html
    assert client.get(report_url).status_code == 404
    page.refresh_from_db()
    assert page.live and page.workflow_in_progress  # the editor's review goes on


def test_the_editors_workflow_is_one_whatever_the_language_of_the_request():
    """An English admin session publishing finds the same workflow, named in French."""
    from django.utils import translation
    from wagtail.models import Workflow

    index = _index()
    before = Workflow.objects.count()  # Wagtail's own "Moderators approval"
    with translation.override("en"):
        ensure_editors_workflow(index)
    ensure_editors_workflow(index)
    assert Workflow.objects.count() == before + 1
    assert Workflow.objects.filter(name="Validation par les éditeurs").count() == 1
