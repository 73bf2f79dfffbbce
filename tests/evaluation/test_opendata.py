"""Open data (issue #16): a published run's aggregates as a Frictionless data package that
`frictionless validate` accepts, public only once published, and as suppressed as every other
download: no row, count or number about fewer than min_cell_size people."""

import csv
import io
import json
import zipfile

import pytest
from django.utils import timezone
from frictionless import validate

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.runs import services
from livinglab.evaluation.runs.selectors import published_results_for
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db

OTHER = {"dimension": "sex", "value": "other"}
SMALL_GROUP = 3  # people of the "other" sex: below min_cell_size (10)


@pytest.fixture
def run():
    campaign = simulate_campaign(
        slug="small-subgroup", n_per_group=40, small_group=SMALL_GROUP, effect=0.9
    )
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    run = services.evaluation_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    return run


def publish(run):
    run.published_at = timezone.now()
    run.save(update_fields=["published_at"])


def url(run) -> str:
    return f"/evaluation/public/runs/{run.pk}/datapackage.zip"


def unpack(content: bytes, folder) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(folder)
        return {name: archive.read(name) for name in archive.namelist()}


def rows(files, name) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[f"{name}.csv"].decode("utf-8"))))


def test_unpublished_run_has_no_package(client, run):
    assert client.get(url(run)).status_code == 404
    assert client.get("/evaluation/public/runs/999999/datapackage.zip").status_code == 404


def test_published_package_validates(client, run, tmp_path):
    publish(run)
    response = client.get(url(run))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = unpack(response.content, tmp_path)
    assert set(files) == {
        "datapackage.json",
        "resultats.csv",
        "statistiques-descriptives.csv",
        "flux-participants.csv",
        "synthese-resultats.csv",
    }
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resource/name", "rowNumber", "fieldName", "message"])
    descriptor = json.loads(files["datapackage.json"])
    # schema.data.gouv.fr conventions: lowercase-hyphen names, Etalab licence, typed fields
    assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    assert descriptor["name"] == f"livinglab-small-subgroup-evaluation-{run.pk}"
    for resource in descriptor["resources"]:
        assert resource["name"] == resource["name"].lower() and " " not in resource["name"]
        for field in resource["schema"]["fields"]:
            assert field["type"] and field["description"] and field["title"]
    n = next(
        field for field in descriptor["resources"][0]["schema"]["fields"] if field["name"] == "n"
    )
    assert n["constraints"] == {"minimum": 10}
    # Every result row is there (every outcome and analysis, whole sample and subgroups).
    results = rows(files, "resultats")
    assert len(results) == len(run.result["results"])
    assert {row["subgroup"] for row in results} >= {"all", "sex"}
    assert {row["analysis"] for row in results} >= {"primary", "sensitivity"}
    assert rows(files, "synthese-resultats")
    assert rows(files, "flux-participants") and rows(files, "statistiques-descriptives")


def test_small_subgroup_never_leaks(client, run, tmp_path):
    """The attack: the "other" sex has 3 people; no file of the package may say so."""
    publish(run)
    files = unpack(client.get(url(run)).content, tmp_path)
    hidden = [row for row in rows(files, "resultats") if row["subgroup_value"] == "other"]
    assert hidden
    for row in hidden:
        assert row["suppressed"] == "true" and row["suppressed_reason"] == "small"
        numbers = {key: value for key, value in row.items() if key not in TEXT_COLUMNS}
        assert set(numbers.values()) == {""}, numbers
    # The complementary subgroup is withheld too (else: whole sample minus it).
    sexes = [r for r in rows(files, "resultats") if r["subgroup"] == "sex"]
    assert {r["suppressed_reason"] for r in sexes if r["suppressed"] == "true"} == {
        "small",
        "complement",
    }
    for name in (
        "resultats",
        "statistiques-descriptives",
        "flux-participants",
        "synthese-resultats",
    ):
        for row in rows(files, name):
            for column in ("n", "participants_intervention", "participants_comparison"):
                if row.get(column):
                    assert int(row[column]) >= 10, (name, column, row)


TEXT_COLUMNS = {
    "indicator",
    "label",
    "analysis",
    "analysis_label",
    "subgroup",
    "subgroup_value",
    "subgroup_label",
    "wave",
    "method",
    "method_label",
    "effect_size_name",
    "groups",
    "waves",
    "suppressed",
    "suppressed_reason",
}


def test_invalid_package_is_caught(run, tmp_path):
    """The validation can fail: a count below min_cell_size breaks the schema."""
    from livinglab.evaluation.runs import opendata

    document = json.loads(json.dumps(run.result))
    leaked = next(row for row in document["results"] if row["subgroup"] == OTHER)
    leaked.update(n=SMALL_GROUP, suppressed=False)
    for name, content in opendata.datapackage_files(document, run_id=run.pk, slug="leak").items():
        (tmp_path / name).write_bytes(content)
    report = validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert "constraint" in " ".join(report.flatten(["type"])[0])


def test_campaign_results_link_the_package(client, run):
    campaign = Campaign.objects.get(pk=run.campaign_id)
    publish(run)
    results = published_results_for(campaign)
    assert results["datapackage_url"] == url(run)
    api = client.get(f"/api/v2/campaigns/{campaign.slug}/results/").json()
    assert api["datapackage_url"] == url(run)
