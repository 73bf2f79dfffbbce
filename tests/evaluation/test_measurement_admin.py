"""Measurement admin pages: permission-checked upload with dry-run preview, lock, quality."""

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from livinglab.campaigns.models import Membership, Organisation, Participant
from livinglab.evaluation.measurement.protocols import protocol_hash
from livinglab.evaluation.models import Response

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
pytestmark = pytest.mark.django_db


def make_user(username: str, organisation=None, role=None):
    user = get_user_model().objects.create_user(username, password="x")
    group, _ = Group.objects.get_or_create(name="Admin access")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    if organisation:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def users(campaign):
    other = Organisation.objects.create(name="Autre association", kind="association")
    lead = campaign.lead_organisation
    return {
        "manager": make_user("manager", lead, "manager"),
        "member": make_user("member", lead, "member"),
        "evaluator": make_user("evaluator", lead, "evaluator"),
        "outsider": make_user("outsider", other, "manager"),
    }


def upload(client, campaign, path: Path, **extra):
    with open(path, "rb") as handle:
        data = {"file": SimpleUploadedFile(path.name, handle.read()), **extra}
    return client.post(f"/admin/measurement/{campaign.pk}/import/", data)


def outcome(response) -> str:
    """ok, denied (Wagtail turns PermissionDenied into a redirect to the dashboard) or 404."""
    if response.status_code == 404:
        return "404"
    if response.status_code == 302 and response["Location"] == "/admin/":
        return "denied"
    return "ok"


@pytest.mark.parametrize(
    ("role", "page", "write"),
    [
        ("manager", "ok", "ok"),
        ("member", "ok", "denied"),
        ("evaluator", "ok", "denied"),
        ("outsider", "404", "404"),
    ],
)
def test_pages_answer_by_role(client, campaign, users, role, page, write):
    client.force_login(users[role])
    assert outcome(client.get(f"/admin/measurement/{campaign.pk}/")) == page
    assert outcome(client.get(f"/admin/measurement/{campaign.pk}/import/")) == write
    protocol = campaign.protocols.get()
    lock_url = f"/admin/protocols/{campaign.pk}/{protocol.pk}/lock/"
    assert outcome(client.get(lock_url)) == write
    locked = client.post(lock_url, {"hash": protocol_hash(protocol)})
    assert outcome(locked) == write
    assert campaign.protocols.get().is_locked is (write == "ok")


def test_anonymous_is_sent_to_login(client, campaign):
    response = client.get(f"/admin/measurement/{campaign.pk}/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_upload_previews_then_imports_on_confirmation(client, campaign, users):
    client.force_login(users["manager"])
    preview = upload(client, campaign, DATA / "generic.csv", create_participants="on")
    body = preview.content.decode()
    assert preview.status_code == 200 and "Aperçu" in body and "17 valeurs" in body
    assert Response.objects.count() == 0
    token = preview.context["token"]
    confirmed = client.post(f"/admin/measurement/{campaign.pk}/import/", {"token": token})
    assert confirmed.status_code == 302
    assert Response.objects.count() == 17 and Participant.objects.count() == 3
    # The token is single use.
    again = client.post(f"/admin/measurement/{campaign.pk}/import/", {"token": token}, follow=True)
    assert again.redirect_chain == [(f"/admin/measurement/{campaign.pk}/import/", 302)]
    assert "Cet import a expiré : déposez le fichier à nouveau." in again.content.decode()
    assert Response.objects.count() == 17


def test_upload_with_a_bad_row_shows_row_column_reason_and_writes_nothing(client, campaign, users):
    client.force_login(users["manager"])
    row = "P002,baseline,intervention,Collège Jean Moulin,"
    content = (DATA / "generic.csv").read_text().replace(row + "20", row + "vingt")
    response = client.post(
        f"/admin/measurement/{campaign.pk}/import/",
        {"file": SimpleUploadedFile("bad.csv", content.encode()), "create_participants": "on"},
    )
    body = response.content.decode()
    assert "ligne 4, colonne mvpa_minutes « vingt » : n&#x27;est pas un nombre" in body
    assert Response.objects.count() == 0
    quality = client.get(f"/admin/measurement/{campaign.pk}/").content.decode()
    assert "1 fichier refusé" in quality and "n&#x27;est pas un nombre : 1" in quality


def test_manager_locks_the_protocol_after_a_confirmation(client, campaign, users):
    client.force_login(users["manager"])
    protocol = campaign.protocols.get()
    page = client.get(f"/admin/measurement/{campaign.pk}/").content.decode()
    lock_url = f"/admin/protocols/{campaign.pk}/{protocol.pk}/lock/"
    assert lock_url in page and '<form method="post" action="' + lock_url not in page
    client.post(lock_url, {"hash": protocol_hash(protocol)})
    protocol.refresh_from_db()
    assert protocol.is_locked
    page = client.get(f"/admin/measurement/{campaign.pk}/").content.decode()
    assert protocol.lock_hash in page and lock_url not in page


def test_measurement_pages_have_titles(client, campaign, users):
    client.force_login(users["manager"])
    for url in (
        f"/admin/measurement/{campaign.pk}/",
        f"/admin/measurement/{campaign.pk}/import/",
        "/admin/measurement/",
        f"/admin/measurement/{campaign.pk}/questionnaire-tool/",
    ):
        title = client.get(url).content.decode().split("<title>")[1].split("</title>")[0]
        assert not title.strip().startswith("-"), url


def test_quality_page_counts_completeness_and_pairs(client, campaign, users):
    call_command("import_responses", str(DATA / "generic.csv"), "--campaign", "test-import",
                 "--create-participants", stdout=io.StringIO())  # fmt: skip
    client.force_login(users["evaluator"])
    quality = client.get(f"/admin/measurement/{campaign.pk}/").context["quality"]
    rows = {(row["wave"], row["group"]): row["answered"] for row in quality["completeness"]}
    assert rows[("baseline", "Intervention")] == 2 and rows[("post", "Comparaison")] == 1
    mvpa = next(row for row in quality["pairs"] if row["outcome"].indicator.code == "mvpa_minutes")
    assert mvpa["pairs"] == {"post": 2}  # P002 has no follow-up mvpa value


def test_indicator_catalogue_is_readable_by_admin_users(client, users):
    client.force_login(users["member"])
    assert client.get("/admin/indicators/").status_code == 200
    assert client.get("/admin/indicators/new/").status_code == 302  # no permission → redirect


def test_upload_page_lists_expected_columns_and_allowed_values(client, campaign, users):
    client.force_login(users["manager"])
    page = client.get(f"/admin/measurement/{campaign.pk}/import/")
    body = page.content.decode()
    expected = [column.name for column in page.context["columns"]]
    assert expected == ["participant", "wave", "group", "site", "mvpa_minutes", "daily_smoking",
                        "pss4_stress"]  # fmt: skip
    allowed = {column.name: column.allowed for column in page.context["columns"]}
    assert allowed["wave"] == "baseline, post"
    assert allowed["mvpa_minutes"].startswith("nombre de 0 – 600 (min/jour)")
    assert allowed["daily_smoking"].startswith("0 ou 1")
    assert allowed["pss4_stress"].startswith("nombre entier de 0 – 16")
    assert "Fichier générique (CSV/XLSX)" in body and "generic" not in body
    one_wave = client.get(f"/admin/measurement/{campaign.pk}/import/?vague=post")
    assert "wave" not in [column.name for column in one_wave.context["columns"]]
    assert 'value="post" selected' in one_wave.content.decode()


def test_the_csv_template_has_the_expected_header(client, campaign, users):
    client.force_login(users["manager"])
    template = client.get(f"/admin/measurement/{campaign.pk}/import/modele.csv")
    assert template["Content-Disposition"] == 'attachment; filename="modele-test-import.csv"'
    header = template.content.decode("utf-8-sig").strip()
    assert header == "participant,wave,group,site,mvpa_minutes,daily_smoking,pss4_stress"
    one_wave = client.get(f"/admin/measurement/{campaign.pk}/import/modele.csv?vague=post")
    assert one_wave.content.decode("utf-8-sig").startswith("participant,group,site,")
    client.force_login(users["evaluator"])
    assert outcome(client.get(f"/admin/measurement/{campaign.pk}/import/modele.csv")) == "denied"


def test_an_unknown_wave_posted_by_hand_is_a_form_error(client, campaign, users):
    client.force_login(users["manager"])
    response = upload(client, campaign, DATA / "generic.csv", wave="vague-inconnue")
    assert response.status_code == 200 and "wave" in response.context["form"].errors
    assert Response.objects.count() == 0
