"""The same survey-tool exports through the admin: questionnaire page, column mapping with value
maps, then upload → preview (per column: question recognised, mapping, value table; rows
skipped and why) → confirm, checked after `export_responses`."""

import html
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from livinglab.evaluation.models import ColumnMapping, Response
from tests.evaluation.test_measurement_admin import make_user
from tests.evaluation.test_survey_tools import (
    KOBO,
    LIMESURVEY,
    ODK,
    ODK_REPEAT,
    central_zip,
    exported,
    load_tools_campaign,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
pytestmark = pytest.mark.django_db


@pytest.fixture
def tools_campaign():
    return load_tools_campaign()


@pytest.fixture
def manager(client, tools_campaign):
    client.force_login(make_user("gestion", tools_campaign.lead_organisation, "manager"))
    return client


def url(name: str, campaign, query: str = "") -> str:
    return reverse(f"evaluation_admin:{name}", args=[campaign.pk]) + query


def post_file(client, target: str, path: Path, **fields):
    return client.post(target, {"file": SimpleUploadedFile(path.name, path.read_bytes()), **fields})


def save_definition(client, campaign, name: str, tool: str = ""):
    response = post_file(client, url("definition", campaign), DATA / name, tool=tool)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def save_mapping(client, campaign, source_format: str, **fields):
    data = {"format": source_format, **fields}
    response = client.post(url("mapping", campaign), data)
    assert response.status_code == 302, response.context["form"].errors
    return ColumnMapping.objects.get(campaign=campaign, source_format=source_format).mapping


def preview_then_confirm(client, campaign, path: Path, **fields) -> str:
    preview = post_file(client, url("upload", campaign), path, **fields)
    body = preview.content.decode()
    assert preview.status_code == 200 and "token" in preview.context, body[:3000]
    assert Response.objects.count() == 0  # a preview writes nothing
    confirmed = client.post(
        url("upload", campaign), {"token": preview.context["token"]}, follow=True
    )
    assert confirmed.status_code == 200
    return body + "".join(str(message) for message in confirmed.context["messages"])


def column_row(body: str, column: str) -> str:
    """The preview's table row of one column of the file, as text."""
    match = re.search(rf'<tr data-column="{re.escape(column)}">(.*?)</tr>', body, re.S)
    assert match, f"no row for {column}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def test_limesurvey_structure_mapping_and_upload(manager, tools_campaign, tmp_path):
    response = save_definition(manager, tools_campaign, "limesurvey-survey.lss")
    assert response["Location"].endswith("?format=limesurvey")
    page = manager.get(response["Location"]).content.decode()
    assert "SOMMEIL — Comment jugez-vous la qualité de votre sommeil ?" in page
    mapping = save_mapping(
        manager,
        tools_campaign,
        "limesurvey",
        field_participant="CODE",
        field_wave="VAGUE",
        values_wave="T0 = baseline\nT1 = post",
        column_mvpa_minutes="ACTIV",
        column_daily_smoking="TABAC",
        column_sleep_quality="SOMMEIL",
        column_breakfast_daily="HABITUDES[SQ001]",
    )
    assert mapping["values"] == {"wave": {"T0": "baseline", "T1": "post"}}
    assert mapping["questionnaire"]["tool"] == "limesurvey"
    page = manager.get(url("mapping", tools_campaign, "?format=limesurvey")).content.decode()
    assert "AO02 « Mauvaise » → 2" in page  # the drafted value table, shown as help
    body = preview_then_confirm(
        manager, tools_campaign, DATA / "limesurvey-codes.csv", create_participants="on"
    )
    assert "1 ligne ignorée" in body and "réponse incomplète (jamais envoyée)" in body
    sleep = column_row(body, "SOMMEIL")
    assert "indicateur sleep_quality" in sleep and "d'après le questionnaire" in sleep
    assert "AO01 « Très mauvaise » → 1" in sleep and "AO05 « Très bonne » → 5" in sleep
    breakfast = column_row(body, "HABITUDES[SQ001]")
    assert "case à cocher" in breakfast and "Y → 1" in breakfast and "(vide) → 0" in breakfast
    assert "T0 « Avant l'action » → baseline" in column_row(body, "VAGUE")
    assert "24 valeurs importées" in body
    assert exported(tmp_path) == LIMESURVEY


@pytest.mark.parametrize("export", ["kobo-labels.csv", "kobo-labels.xlsx"])
def test_kobo_xlsform_then_label_export(manager, tools_campaign, tmp_path, export):
    response = save_definition(manager, tools_campaign, "kobo-form.xlsx", tool="kobo")
    assert response["Location"].endswith("?format=kobo")
    save_mapping(
        manager,
        tools_campaign,
        "kobo",
        column_sleep_quality="sommeil",
        column_breakfast_daily="habitudes_alim/petit_dej",
    )
    body = preview_then_confirm(manager, tools_campaign, DATA / export, create_participants="on")
    assert "KoboToolbox" in body and "questionnaire « Habitudes de vie »" in body
    assert "2 lignes ignorées" in body
    assert "ligne de hashtags HXL" in body and "« Not approved » dans KoboToolbox" in body
    assert "champ wave" in column_row(body, "Vague")
    assert "baseline « Avant » → baseline" in column_row(body, "Vague")
    sleep = column_row(body, "Comment jugez-vous la qualité de votre sommeil ?")
    assert "sommeil" in sleep and "4 « Bonne » → 4" in sleep
    assert exported(tmp_path) == KOBO


def test_odk_rejected_and_has_issues_in_the_preview_and_the_messages(
    manager, tools_campaign, tmp_path
):
    body = preview_then_confirm(
        manager, tools_campaign, DATA / "odk-central-rejected.csv", create_participants="on"
    )
    assert "soumission rejetée dans ODK Central (ReviewState « rejected ») : 1" in body
    assert "Importées mais signalées par l'outil :" in body
    assert "1 ligne(s) importée(s) mais soumission signalée « hasIssues »" in body  # message
    assert exported(tmp_path) == ODK


def test_odk_central_zip_with_an_aggregate_chosen_in_the_mapping(manager, tools_campaign, tmp_path):
    page = manager.get(url("mapping", tools_campaign, "?format=odk"))
    assert page.status_code == 200 and "Pas de questionnaire enregistré" in page.content.decode()
    save_mapping(
        manager, tools_campaign, "odk", column_mvpa_minutes="duree", aggregate_mvpa_minutes="sum"
    )
    body = preview_then_confirm(
        manager, tools_campaign, central_zip(tmp_path), create_participants="on"
    )
    assert "Groupes répétés lus" in body and "habitudes_odk-activites.csv" in body
    assert "agrégé par soumission : sum" in column_row(body, "habitudes_odk-activites.csv › duree")
    assert exported(tmp_path) == ODK_REPEAT


def test_an_oversized_zip_is_refused_before_it_is_read(manager, tools_campaign, tmp_path, settings):
    settings.LIVINGLAB_UPLOAD_MAX_BYTES = 500
    response = post_file(manager, url("upload", tools_campaign), central_zip(tmp_path))
    assert "Fichier trop volumineux" in response.content.decode()
    assert Response.objects.count() == 0


def test_unknown_participants_without_the_box_name_the_box(manager, tools_campaign):
    response = post_file(manager, url("upload", tools_campaign), DATA / "odk-central-rejected.csv")
    assert (
        "participant inconnu : pour inscrire les codes inconnus, cochez « Créer les "
        "participants inconnus »" in response.content.decode()
    )
    assert Response.objects.count() == 0


def test_value_maps_typed_in_the_admin_override_the_questionnaire(manager, tools_campaign):
    save_definition(manager, tools_campaign, "limesurvey-survey.lss")
    response = manager.post(
        url("mapping", tools_campaign),
        {
            "format": "limesurvey",
            "column_sleep_quality": "SOMMEIL",
            "values_sleep_quality": "AO01 = 5\nTrès bonne = 1\nAO03 =\nAO02 = deux",
        },
    )
    assert response.status_code == 200
    assert "ligne 4 : « deux » n&#x27;est pas un nombre" in response.content.decode()
    mapping = save_mapping(
        manager,
        tools_campaign,
        "limesurvey",
        column_sleep_quality="SOMMEIL",
        values_sleep_quality="AO01 = 5\nTrès bonne = 1\nAO03 =",
    )
    assert mapping["values"]["sleep_quality"] == {"AO01": 5.0, "Très bonne": 1.0, "AO03": None}


def test_a_wrong_definition_is_refused_with_its_reason(manager, tools_campaign):
    response = post_file(
        manager, url("definition", tools_campaign), DATA / "kobo-form.xlsx", tool="limesurvey"
    )
    assert "ne décrit pas les exports de LimeSurvey" in response.content.decode()
    response = post_file(manager, url("definition", tools_campaign), DATA / "generic.csv")
    assert "Format de questionnaire non pris en charge" in response.content.decode()
    assert not ColumnMapping.objects.exists()


@pytest.mark.parametrize("page", ["definition", "mapping", "protocol_draft"])
def test_survey_tool_pages_are_for_the_campaign_managers(client, tools_campaign, page):
    client.force_login(make_user("membre", tools_campaign.lead_organisation, "member"))
    response = client.get(url(page, tools_campaign, "?format=kobo"))
    assert response.status_code == 302 and response["Location"] == "/admin/"
