"""Imports are all or nothing, name the line, column and reason; exports escape formulas."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from livinglab.campaigns import transfers
from livinglab.campaigns.models import Participant, Site
from livinglab.core.spreadsheets import escape_formula

HEADERS = ["code", "site", "group", "sex", "age_band", "consent_date"]
VALID_ROWS = [
    ["E-001", "Collège Jean Jaurès", "intervention", "female", "11-14", "2026-01-10"],
    ["E-002", "0341234A", "Comparaison", "Homme", "11-14", "13/01/2026"],
    ["E-004", "Collège Jean Jaurès", "comparison", "", "", ""],
]
BAD_ROWS = {  # the bad row is the file's line 4 (line 1 = headers)
    "unknown site": (
        ["E-003", "Collège Inconnu", "intervention", "male", "11-14", "2026-01-10"],
        'ligne 4, colonne site : site inconnu "Collège Inconnu"',
    ),
    "bad date": (
        ["E-003", "Collège Jean Jaurès", "intervention", "male", "11-14", "31/02/2026"],
        "ligne 4, colonne consent_date : date invalide « 31/02/2026 »",
    ),
    "duplicate code": (
        ["E-001", "Collège Jean Jaurès", "intervention", "male", "11-14", "2026-01-10"],
        "ligne 4, colonne code : code « E-001 » en double dans le fichier",
    ),
}


def as_file(rows, file_format: str) -> tuple[bytes, str]:
    if file_format == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows([HEADERS, *rows])
        return buffer.getvalue().encode("utf-8"), "participants.csv"
    workbook = openpyxl.Workbook()
    for row in [HEADERS, *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), "participants.xlsx"


def upload(client, campaign, content, filename):
    url = reverse("campaigns_transfers:import", args=["participants"])
    file = SimpleUploadedFile(filename, content)
    return client.post(url, {"campaign": campaign.pk, "file": file})


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("problem", BAD_ROWS)
def test_one_bad_row_refuses_the_whole_file(client, world, file_format, problem):
    bad_row, message = BAD_ROWS[problem]
    content, filename = as_file([*VALID_ROWS[:2], bad_row, VALID_ROWS[2]], file_format)
    before = list(Participant.objects.values_list("pk", "code", "campaign_id"))
    client.force_login(world["users"]["manager"])

    preview = upload(client, world["campaign"], content, filename)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert message in page.replace("&quot;", '"').replace("&#x27;", "'")
    assert 'name="token"' not in page  # nothing to confirm

    dataset = transfers.read_dataset(content=content, filename=filename)
    with pytest.raises(transfers.ImportRefused) as refused:
        transfers.records_import(
            kind=transfers.KINDS["participants"],
            dataset=dataset,
            user=world["users"]["manager"],
            campaign=world["campaign"],
            dry_run=False,
        )
    assert any(message in str(error) for error in refused.value.errors)
    assert list(Participant.objects.values_list("pk", "code", "campaign_id")) == before
    assert not ModelLogEntry.objects.filter(action="livinglab.import").exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_preview_then_confirm_writes_and_logs(client, world, file_format):
    content, filename = as_file(VALID_ROWS, file_format)
    client.force_login(world["users"]["manager"])
    preview = upload(client, world["campaign"], content, filename)
    assert not Participant.objects.filter(code="E-001").exists()  # the preview is a dry run
    token = preview.context["token"]
    url = reverse("campaigns_transfers:import", args=["participants"])
    response = client.post(url, {"token": token})
    assert response.status_code == 302
    imported = Participant.objects.filter(campaign=world["campaign"], code__startswith="E-")
    assert imported.count() == 3
    assert imported.get(code="E-002").group == "comparison"
    assert imported.get(code="E-004").sex == "not_stated"
    entry = ModelLogEntry.objects.get(action="livinglab.import")
    assert entry.object_id == str(world["campaign"].pk) and entry.data["rows"] == 3


def test_sites_import_by_a_manager(client, world):
    client.force_login(world["users"]["manager"])
    content = "name,setting,city,postcode,uai\nÉcole des Arceaux,École,Montpellier,34000,0349999Z\n"
    url = reverse("campaigns_transfers:import", args=["sites"])
    preview = client.post(url, {"file": SimpleUploadedFile("sites.csv", content.encode())})
    client.post(url, {"token": preview.context["token"]})
    assert Site.objects.get(uai="0349999Z").setting == "school"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+33", "'+33"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Collège", "Collège"),
        (12, 12),
        (None, None),
    ],
)
def test_escape_formula(value, expected):
    assert escape_formula(value) == expected


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_escapes_formulas_and_is_logged(client, world, file_format):
    Participant.objects.create(campaign=world["campaign"], code="=1+1")  # legacy bad code
    client.force_login(world["users"]["manager"])
    url = reverse("campaigns_transfers:export", args=["participants"])
    response = client.get(url, {"campaign": world["campaign"].pk, "format": file_format})
    assert response.status_code == 200
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        codes = [row[0] for row in rows[1:]]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(codes) == ["'=1+1", "P-001"]  # never the other campaign's F-001
    entry = ModelLogEntry.objects.get(action="livinglab.export")
    assert entry.data == {"kind": "participants", "format": file_format, "rows": 2}
