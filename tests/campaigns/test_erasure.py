"""Withdrawal erases a participant's answers (audited); retention erases a finished campaign."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from livinglab.campaigns import privacy
from livinglab.campaigns.models import Campaign, Participant
from livinglab.evaluation.measurement.protocols import current_protocol
from livinglab.evaluation.models import EvaluationRun, Response, ResponseSet, Submission
from livinglab.evaluation.runs import services
from livinglab.evaluation.runs.dataset import load_dataset
from tests.builders import simulate_campaign
from tests.campaigns.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return simulate_campaign(slug="retrait", n_per_group=12, subgroups=(), sites=2)


@pytest.fixture
def manager(campaign):
    return make_user("manager", organisation=campaign.lead_organisation, role="manager")


def online_submission(participant):
    """An online questionnaire answer of `participant` (its own response set)."""
    wave = participant.campaign.waves.get(code="post")
    response_set = ResponseSet.objects.create(campaign=participant.campaign, source="online")
    Submission.objects.create(wave=wave, participant=participant, response_set=response_set)
    return response_set


def test_withdrawal_from_the_admin_form_erases_answers_and_is_audited(client, campaign, manager):
    participant = campaign.participants.order_by("code").first()
    online = online_submission(participant)
    answered = Response.objects.filter(participant=participant).count()
    assert answered > 0
    client.force_login(manager)
    url = reverse("campaigns_participant:edit", args=[participant.pk])
    form = {
        "campaign": campaign.pk, "code": participant.code, "site": participant.site_id,
        "group": participant.group, "sex": participant.sex, "age_band": participant.age_band,
        "consent_date": "", "withdrawal_date": "2026-11-20",
    }  # fmt: skip
    # Irreversible: without the confirmation box, the form asks for it and erases nothing.
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "confirm_withdrawal" in refused.context["form"].errors
    assert Response.objects.filter(participant=participant).count() == answered
    response = client.post(url, {**form, "confirm_withdrawal": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]

    assert not Response.objects.filter(participant=participant).exists()
    assert not Submission.objects.filter(participant=participant).exists()
    assert not ResponseSet.objects.filter(pk=online.pk).exists()
    assert Participant.objects.get(pk=participant.pk).withdrawal_date == date(2026, 11, 20)
    entry = ModelLogEntry.objects.get(action="livinglab.withdrawal")
    assert entry.user == manager and entry.object_id == str(campaign.pk)
    assert entry.data["participant"] == participant.code
    assert entry.data["responses"] == answered and entry.data["submissions"] == 1
    # Other participants keep their answers; the next run counts the participant as withdrawn.
    assert Response.objects.filter(response_set__campaign=campaign).exists()
    dataset = load_dataset(protocol=current_protocol(campaign))
    assert dataset.withdrawn == 1 and participant.pk not in dataset.participants.index


def test_withdrawal_twice_erases_and_logs_once(campaign, manager):
    participant = campaign.participants.order_by("code").first()
    assert privacy.participant_withdraw(participant=participant, user=manager) == 1
    assert privacy.participant_withdraw(participant=participant, user=manager) == 0
    assert ModelLogEntry.objects.filter(action="livinglab.withdrawal").count() == 1


def test_withdrawal_dates_in_a_participants_import_erase_answers(client, campaign, manager):
    participant = campaign.participants.order_by("code").first()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "site", "group", "sex", "age_band", "consent_date",
                     "withdrawal_date"])  # fmt: skip
    writer.writerow([participant.code, participant.site.name, participant.group, "", "", "",
                     "2026-11-21"])  # fmt: skip
    client.force_login(manager)
    url = reverse("campaigns_transfers:import", args=["participants"])
    upload = SimpleUploadedFile("retraits.csv", buffer.getvalue().encode())
    preview = client.post(url, {"campaign": campaign.pk, "file": upload})
    assert preview.status_code == 200
    assert Response.objects.filter(participant=participant).exists()  # a preview writes nothing
    assert client.post(url, {"token": preview.context["token"]}).status_code == 302
    assert not Response.objects.filter(participant=participant).exists()
    assert ModelLogEntry.objects.filter(action="livinglab.withdrawal").count() == 1


def test_retention_erases_participants_of_finished_campaigns_only(campaign, manager):
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    run = services.evaluation_run_execute(run_id=run.pk)
    kept = simulate_campaign(slug="recente", n_per_group=12, subgroups=(), sites=2)
    today = date(2026, 11, 23)
    Campaign.objects.filter(pk=campaign.pk).update(
        end_date=today - timedelta(days=800), retention_months=24
    )
    Campaign.objects.filter(pk=kept.pk).update(end_date=today - timedelta(days=30))
    participants = campaign.participants.count()

    assert privacy.retention_apply(today=today) == {"campaigns": 1, "participants": participants}

    assert not campaign.participants.exists()
    assert not Response.objects.filter(response_set__campaign=campaign).exists()
    assert kept.participants.exists() and Response.objects.filter(participant__campaign=kept)
    # Aggregated, suppressed results stay.
    kept_run = EvaluationRun.objects.get(pk=run.pk)
    assert kept_run.result == run.result and kept_run.artifacts == run.artifacts
    campaign.refresh_from_db()
    assert campaign.data_erased_at is not None
    entry = ModelLogEntry.objects.get(action="livinglab.retention")
    assert entry.data["participants"] == participants and entry.data["responses"] > 0
    # Nothing left to do the next day.
    assert privacy.retention_apply(today=today + timedelta(days=1)) == {
        "campaigns": 0, "participants": 0,
    }  # fmt: skip


def test_retention_command_reports_what_it_did(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(end_date=date(2020, 1, 1), retention_months=12)
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "1 campaign(s) past retention" in out.getvalue()
    assert not campaign.participants.exists()
