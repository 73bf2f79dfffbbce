"""A protocol drafted from an XLSForm in the admin: numeric and single-choice questions offered
as outcomes (matched to the catalogue where names match), confirmed, locked, then answers
imported from KoboToolbox's default label export and evaluated."""

import io
import random
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from livinglab.campaigns.models import Campaign, Organisation
from livinglab.evaluation.measurement.catalogue import catalogue_load
from livinglab.evaluation.measurement.protocols import current_protocol, protocol_lock
from livinglab.evaluation.models import ColumnMapping, Indicator, Response
from livinglab.evaluation.runs import services
from tests.evaluation.test_measurement_admin import make_user

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
pytestmark = pytest.mark.django_db
SLEEP = ["Très mauvaise", "Mauvaise", "Moyenne", "Bonne", "Très bonne"]


@pytest.fixture
def draft_campaign(client):
    catalogue_load()
    lead = Organisation.objects.create(name="Association Souffle", kind="association")
    campaign = Campaign.objects.create(slug="souffle", title="Souffle", lead_organisation=lead)
    client.force_login(make_user("gestion", lead, "manager"))
    return campaign


def kobo_label_export(path: Path, participants: int = 24) -> Path:
    """KoboToolbox's default CSV of the form in tests/data/imports/kobo-form.xlsx: labels as
    headers and answers, `;`, every field quoted, the HXL row second."""
    rng = random.Random(11)
    header = (DATA / "kobo-labels.csv").read_text(encoding="utf-8").splitlines()[:2]
    lines = list(header)
    index = 0
    for label, gain in (("Avant", 0), ("Après", 18)):  # the labels of the waves' choices
        for number in range(1, participants + 1):
            index += 1
            minutes = max(0, round(rng.gauss(30 + gain, 9)))
            cells = [
                "2026-09-14T10:00:00.000+02:00",
                "2026-09-14T10:05:00.000+02:00",
                f"S{number:03d}",
                label,
                str(minutes),
                rng.choice(["Oui", "Non"]),
                rng.choice(SLEEP),
                f"{rng.choice([6, 6.5, 7, 7.5, 8])}",
                "",
                "",
                "",
                str(50000 + index),
                str(uuid.UUID(int=rng.getrandbits(128))),
                "2026-09-14T08:05:00",
                "",
                "",
                "submitted_via_web",
                "",
                "vQkR7SoWm9hXnZ2cTq3YbL",
                "",
                str(index),
            ]
            lines.append('"' + '";"'.join(cells) + '"')
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_draft_confirm_lock_import_and_run(client, draft_campaign, tmp_path):
    upload = SimpleUploadedFile("kobo-form.xlsx", (DATA / "kobo-form.xlsx").read_bytes())
    definition_url = reverse("evaluation_admin:definition", args=[draft_campaign.pk])
    response = client.post(definition_url, {"file": upload, "tool": "kobo", "next": "draft"})
    draft_url = reverse("evaluation_admin:protocol_draft", args=[draft_campaign.pk])
    assert response["Location"] == f"{draft_url}?format=kobo"

    page = client.get(response["Location"])
    candidates = {c["name"]: c for c in page.context["candidates"]}
    assert list(candidates) == ["mvpa_minutes", "daily_smoking", "sommeil", "sommeil_heures"]
    assert candidates["mvpa_minutes"]["indicator"] == "mvpa_minutes"  # same name as the catalogue
    assert candidates["daily_smoking"]["scale"] == "binary"
    assert (candidates["sommeil"]["indicator"], candidates["sommeil"]["scale"]) == ("", "ordinal")
    assert candidates["sommeil_heures"]["min"] == 0 and candidates["sommeil_heures"]["max"] == 16
    assert page.context["form"]["waves"].value() == "baseline, post"  # the form's wave choices

    confirmed = client.post(
        draft_url,
        {
            "format": "kobo",
            "design": "pre_post",
            "waves": "baseline, post",
            "primary": "mvpa_minutes",
            "include_mvpa_minutes": "on",
            "indicator_mvpa_minutes": "mvpa_minutes",
            "include_daily_smoking": "on",
            "indicator_daily_smoking": "daily_smoking",
            "include_sommeil": "on",
            "indicator_sommeil": "sleep_quality",
            "include_sommeil_heures": "on",
            "indicator_sommeil_heures": "__new__",
        },
    )
    assert confirmed.status_code == 302, confirmed.context["form"].errors
    protocol = current_protocol(draft_campaign)
    outcomes = [(o.indicator.code, o.primary) for o in protocol.outcomes.all()]
    assert outcomes == [
        ("mvpa_minutes", True),
        ("daily_smoking", False),
        ("sleep_quality", False),
        ("sommeil_heures", False),
    ]
    new = Indicator.objects.get(code="sommeil_heures")
    assert (new.scale, new.min_value, new.max_value) == ("continuous", 0, 16)
    mapping = ColumnMapping.objects.get(campaign=draft_campaign, source_format="kobo").mapping
    assert mapping["indicators"]["sleep_quality"] == "sommeil"
    protocol_lock(protocol=protocol)

    out = io.StringIO()
    call_command(
        "import_responses",
        str(kobo_label_export(tmp_path / "export.csv")),
        "--campaign",
        "souffle",
        "--create-participants",
        stdout=out,
    )
    assert "(kobo) : 49 lignes, 192 valeurs importées, 24 nouveau(x)" in out.getvalue()
    assert Response.objects.filter(indicator__code="sleep_quality").count() == 48

    run = services.evaluation_run_start(campaign=draft_campaign, enqueue=False)
    run = services.evaluation_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    assert run.protocol_hash == protocol.lock_hash
    primary = [
        row
        for row in run.result["results"]
        if row["indicator"] == "mvpa_minutes"
        and row["subgroup"] == "all"
        and row["analysis"] == "primary"
    ]
    assert primary and primary[0]["n"] == 24 and primary[0]["estimate"] > 10


def test_the_draft_needs_a_saved_xlsform(client, draft_campaign):
    draft_url = reverse("evaluation_admin:protocol_draft", args=[draft_campaign.pk])
    response = client.get(draft_url)
    assert response["Location"] == reverse("evaluation_admin:definition", args=[draft_campaign.pk])


def test_the_draft_refuses_a_primary_outcome_left_unticked(client, draft_campaign):
    upload = SimpleUploadedFile("kobo-form.xlsx", (DATA / "kobo-form.xlsx").read_bytes())
    client.post(
        reverse("evaluation_admin:definition", args=[draft_campaign.pk]),
        {"file": upload, "tool": "odk"},
    )
    response = client.post(
        reverse("evaluation_admin:protocol_draft", args=[draft_campaign.pk]),
        {
            "format": "odk",
            "design": "pre_post",
            "waves": "baseline",
            "primary": "sommeil",
            "include_mvpa_minutes": "on",
            "indicator_mvpa_minutes": "mvpa_minutes",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "primary" in errors and "waves" in errors
    assert current_protocol(draft_campaign) is None
