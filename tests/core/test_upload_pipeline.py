"""Both admin imports — campaign records (participants) and questionnaire responses — go through
the one upload pipeline of livinglab/core/uploads.py: same size, row and decompressed-size
limits from settings, the file parked in the private storage between preview and confirmation,
a single-use token, nothing written when a file is refused."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.evaluation.models import Response
from tests.campaigns.conftest import make_user

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
PARTICIPANT_ROWS = [
    ["code", "site", "group"],
    ["N-001", "Collège Jean Moulin", "intervention"],
    ["N-002", "Collège Jean Moulin", "intervention"],
    ["N-003", "Lycée Marie Curie", "comparison"],
]


@pytest.fixture
def campaign(db):
    call_command("import_protocol", str(DATA / "protocol.json"), stdout=io.StringIO())
    for name, postcode in (("Collège Jean Moulin", "69003"), ("Lycée Marie Curie", "69008")):
        Site.objects.create(name=name, setting="school", city="Lyon", postcode=postcode)
    return Campaign.objects.get(slug="test-import")


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


def participants_csv() -> bytes:
    return "\n".join(",".join(row) for row in PARTICIPANT_ROWS).encode()


def responses_csv() -> bytes:
    return (DATA / "generic.csv").read_bytes()


class Flow:
    """One admin import: where it posts, what a valid file is, what it writes."""

    def __init__(self, name, url, form_fields, valid, written):
        self.name, self.url, self.form_fields = name, url, form_fields
        self.valid, self.written = valid, written

    def post(self, client, campaign, content: bytes, filename: str):
        file = SimpleUploadedFile(filename, content)
        return client.post(self.url(campaign), {**self.form_fields(campaign), "file": file})

    def confirm(self, client, campaign, token: str):
        return client.post(self.url(campaign), {"token": token})


FLOWS = [
    Flow(
        "participants",
        lambda campaign: reverse("campaigns_transfers:import", args=["participants"]),
        lambda campaign: {"campaign": campaign.pk},
        participants_csv,
        lambda campaign: campaign.participants.filter(code__startswith="N-").count(),
    ),
    Flow(
        "responses",
        lambda campaign: reverse("evaluation_admin:upload", args=[campaign.pk]),
        lambda campaign: {"create_participants": "on"},
        responses_csv,
        lambda campaign: Response.objects.filter(participant__campaign=campaign).count(),
    ),
]
IDS = [flow.name for flow in FLOWS]


def errors_of(response) -> str:
    assert response.status_code == 200
    return " | ".join(str(error) for error in response.context["errors"])


def bomb_xlsx() -> bytes:
    """A small workbook whose parts unpack to far more than they weigh (repeated text)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["code", "site", "group"])
    for row in range(40):
        workbook.active.append([f"B-{row:03d}", "x" * 30_000 + str(row), "intervention"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("flow", FLOWS, ids=IDS)
def test_an_xlsx_over_the_decompressed_limit_is_refused(admin_client, campaign, settings, flow):
    content = bomb_xlsx()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    assert len(content) < 100_000 < unzipped  # small on the wire, large once unpacked
    settings.LIVINGLAB_UPLOAD_MAX_UNZIPPED_BYTES = 100_000
    response = flow.post(admin_client, campaign, content, "bomb.xlsx")
    assert "décompressé (limite 0,1 Mo)" in errors_of(response)
    assert flow.written(campaign) == 0 and "token" not in response.context


@pytest.mark.parametrize("flow", FLOWS, ids=IDS)
def test_a_file_over_the_size_limit_is_refused(admin_client, campaign, settings, flow):
    settings.LIVINGLAB_UPLOAD_MAX_BYTES = 50
    response = flow.post(admin_client, campaign, flow.valid(), "big.csv")
    assert "Fichier trop volumineux" in errors_of(response)
    assert flow.written(campaign) == 0


@pytest.mark.parametrize("flow", FLOWS, ids=IDS)
def test_a_file_over_the_row_limit_is_refused(admin_client, campaign, settings, flow):
    settings.LIVINGLAB_UPLOAD_MAX_ROWS = 2
    response = flow.post(admin_client, campaign, flow.valid(), "rows.csv")
    assert "Trop de lignes : plus de 2 (limite 2)" in errors_of(response)
    assert flow.written(campaign) == 0


@pytest.mark.parametrize("flow", FLOWS, ids=IDS)
def test_the_file_waits_in_private_storage_and_the_token_is_single_use(
    admin_client, campaign, settings, flow
):
    private = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    preview = flow.post(admin_client, campaign, flow.valid(), "valid.csv")
    token = preview.context["token"]
    assert token and flow.written(campaign) == 0
    assert [path.name for path in (private / "uploads").iterdir()] == [token]
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))

    assert flow.confirm(admin_client, campaign, token).status_code == 302
    written = flow.written(campaign)
    assert written > 0 and not any((private / "uploads").iterdir())
    flow.confirm(admin_client, campaign, token)  # a second click: nothing parked any more
    assert flow.written(campaign) == written


def test_both_flows_refuse_an_unsupported_format_alike(admin_client, campaign):
    messages = [
        errors_of(flow.post(admin_client, campaign, b"a,b\n1,2\n", "data.ods")) for flow in FLOWS
    ]
    assert all("Format non pris en charge" in message for message in messages)
    assert Participant.objects.filter(code__startswith="N-").count() == 0


# --- A parked file holds participants' answers: never kept longer than needed.


@pytest.mark.parametrize("flow", FLOWS, ids=IDS)
def test_a_preview_confirmed_too_late_is_refused_and_its_file_deleted(
    admin_client, campaign, settings, flow
):
    private = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    token = flow.post(admin_client, campaign, flow.valid(), "valid.csv").context["token"]
    assert (private / "uploads" / token).exists()
    settings.LIVINGLAB_PARKED_UPLOAD_SECONDS = -1  # the preview is older than the limit
    confirmed = flow.confirm(admin_client, campaign, token)
    assert confirmed.status_code == 302
    shown = [str(message) for message in get_messages(confirmed.wsgi_request)]
    assert shown == ["Cet import a expiré : déposez le fichier à nouveau."]
    assert flow.written(campaign) == 0
    assert not (private / "uploads" / token).exists()


@pytest.mark.parametrize("flow", FLOWS, ids=IDS)
def test_signing_out_deletes_the_session_s_parked_files(admin_client, campaign, settings, flow):
    private = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    token = flow.post(admin_client, campaign, flow.valid(), "valid.csv").context["token"]
    other = private / "uploads" / "someone-else-s"  # another session's file stays
    other.write_bytes(b"code\n")
    assert (private / "uploads" / token).exists()
    admin_client.post(reverse("wagtailadmin_logout"))
    assert not (private / "uploads" / token).exists()
    assert other.exists()


def test_the_hourly_task_deletes_only_expired_parked_files(settings):
    import os
    import time

    from livinglab.celery import app
    from livinglab.core.tasks import purge_parked_uploads_task

    private = Path(settings.STORAGES["private"]["OPTIONS"]["location"]) / "uploads"
    private.mkdir(parents=True, exist_ok=True)
    settings.LIVINGLAB_PARKED_UPLOAD_SECONDS = 3600
    old, recent = private / "old", private / "recent"
    old.write_bytes(b"code\n")
    recent.write_bytes(b"code\n")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    assert purge_parked_uploads_task.apply().get() == 1
    assert not old.exists() and recent.exists()
    schedule = app.conf.beat_schedule["core-purge-parked-uploads"]
    assert schedule["task"] == purge_parked_uploads_task.name and schedule["schedule"] <= 3600
