"""Bad files give a clear message naming row, column and reason, and write nothing."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.evaluation.measurement.imports import ImportFailed, responses_import
from livinglab.evaluation.models import Response, ResponseSet

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
pytestmark = pytest.mark.django_db
HEADER = "participant,wave,group,site,mvpa_minutes,daily_smoking,pss4_stress\n"
GOOD_ROWS = [
    "P001,baseline,intervention,Collège Jean Moulin,35,1,9",
    "P002,baseline,intervention,Collège Jean Moulin,20,0,11",
    "P003,baseline,comparison,Collège Jean Moulin,41,1,6",
]


@pytest.fixture
def campaign():
    call_command("import_protocol", str(DATA / "protocol.json"), stdout=io.StringIO())
    Site.objects.create(name="Collège Jean Moulin", setting="school", city="Lyon", postcode="69003")
    return Campaign.objects.get(slug="test-import")


def state():
    return (Response.objects.count(), Participant.objects.count(), ResponseSet.objects.count())


def refused(campaign, content: bytes, filename: str = "f.csv") -> list[str]:
    before = state()
    with pytest.raises(ImportFailed) as failure:
        responses_import(
            campaign=campaign, data=content, filename=filename, create_participants=True
        )
    assert state() == before
    return [str(issue) for issue in failure.value.issues]


def with_row(bad_row: str) -> bytes:
    return (HEADER + "\n".join([GOOD_ROWS[0], bad_row, GOOD_ROWS[1]]) + "\n").encode()


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        ("P009,baseline,intervention,Collège Jean Moulin,beaucoup,1,9",
         "ligne 3, colonne mvpa_minutes « beaucoup » : n'est pas un nombre"),
        ("P009,baseline,intervention,Collège Jean Moulin,900,1,9",
         "ligne 3, colonne mvpa_minutes « 900 » : hors de la plage autorisée [0 ; 600]"),
        ("P009,semaine12,intervention,Collège Jean Moulin,30,1,9",
         "ligne 3, colonne wave « semaine12 » : vague inconnue"),
        ("P001,baseline,intervention,Collège Jean Moulin,30,1,9",
         "ligne 3, colonne participant « P001 » : doublon participant × vague (déjà ligne 2)"),
        ("P009,baseline,intervention,Lycée inconnu,30,1,9",
         "ligne 3, colonne site « Lycée inconnu » : site inconnu"),
        ("P009,baseline,intervention,Collège Jean Moulin,30,2,9",
         "ligne 3, colonne daily_smoking « 2 » : valeur binaire attendue (0/1, oui/non)"),
        ("P009,baseline,intervention,Collège Jean Moulin,30,1,8.5",
         "ligne 3, colonne pss4_stress « 8.5 » : valeur entière attendue"),
        ("P009,baseline,témoin?,Collège Jean Moulin,30,1,9",
         "ligne 3, colonne group « témoin? » : groupe inconnu (intervention ou comparison)"),
        (",baseline,intervention,Collège Jean Moulin,30,1,9",
         "ligne 3, colonne participant : code participant manquant"),
    ],
)  # fmt: skip
def test_one_bad_row_refuses_the_whole_file(campaign, bad_row, expected):
    assert refused(campaign, with_row(bad_row)) == [expected]


def test_wrong_header_is_explained(campaign):
    messages = refused(campaign, b"code_eleve;date;score\nA;2026-01-01;3\n")
    assert any("colonne participant" in m and "introuvable" in m for m in messages)
    assert any("colonne inconnue" in m for m in messages)


def test_unknown_participant_when_creation_is_off(campaign):
    with pytest.raises(ImportFailed, match="participant inconnu"):
        responses_import(campaign=campaign, data=with_row(GOOD_ROWS[2]), filename="f.csv")
    assert state() == (0, 0, 0)


def test_empty_file(campaign):
    assert refused(campaign, b"") == ["ligne 1, colonne — : Le fichier est vide."]
    assert "aucune ligne de données" in refused(campaign, HEADER.encode())[0]


def test_file_over_the_size_limit(campaign):
    big = HEADER.encode() + b"P001,baseline,intervention,x,1,1,1\n" * 900_000  # about 31 MB
    assert len(big) > 30_000_000
    [message] = refused(campaign, big)
    assert "Fichier trop volumineux" in message and "limite 20,0 Mo" in message


def test_row_limit_is_configurable(campaign, settings):
    settings.LIVINGLAB_UPLOAD_MAX_ROWS = 2
    [message] = refused(campaign, with_row(GOOD_ROWS[2]))
    assert "Trop de lignes : plus de 2 (limite 2)" in message


def test_malformed_xlsx(campaign):
    [message] = refused(campaign, b"PK\x03\x04 this is not a workbook", "f.xlsx")
    assert "XLSX illisible ou corrompu" in message


def test_xlsx_zip_bomb_is_refused_before_parsing(campaign, settings):
    settings.LIVINGLAB_UPLOAD_MAX_UNZIPPED_BYTES = 1_000_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 5_000_000 + b">")
    [message] = refused(campaign, buffer.getvalue(), "bomb.xlsx")
    assert "décompressé" in message


def test_command_exits_non_zero_with_per_row_errors(campaign, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(with_row("P009,baseline,intervention,Collège Jean Moulin,abc,1,9"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 erreur\\(s\\), rien n'a été importé"):
        call_command("import_responses", str(path), "--campaign", "test-import",
                     "--create-participants", stderr=err)  # fmt: skip
    assert "ligne 3, colonne mvpa_minutes « abc » : n'est pas un nombre" in err.getvalue()
    assert state() == (0, 0, 0)


VALID = (HEADER + "\n".join(GOOD_ROWS) + "\n").encode()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    position=st.integers(min_value=0, max_value=len(VALID) - 1),
    junk=st.sampled_from([b"x", b"-999", b",", b"\n", b"\x00", b"=1+1", b'"', b"\xff\xfe", b";"]),
    mode=st.sampled_from(["insert", "replace", "truncate"]),
)
def test_corrupted_files_are_either_imported_whole_or_refused_whole(campaign, position, junk, mode):
    """Property: whatever the corruption, the database ends with all of a file or none of it."""
    if mode == "insert":
        data = VALID[:position] + junk + VALID[position:]
    elif mode == "replace":
        data = VALID[:position] + junk + VALID[position + len(junk) :]
    else:
        data = VALID[:position]
    Response.objects.all().delete()
    Participant.objects.all().delete()
    ResponseSet.objects.all().delete()
    try:
        report = responses_import(
            campaign=campaign, data=data, filename="f.csv", create_participants=True
        )
    except ImportFailed as failure:
        assert failure.issues and all(str(issue).startswith("ligne ") for issue in failure.issues)
        assert state() == (0, 0, 0)
    else:
        assert Response.objects.count() == report.values
        assert ResponseSet.objects.count() == 1


def test_an_import_interrupted_half_way_writes_nothing(campaign, monkeypatch):
    """A failure after participants and part of the responses are written rolls all back."""
    from livinglab.evaluation.measurement.imports import writer

    real_insert = writer.responses_insert
    calls = {"responses": 0}

    def failing_insert(rows):
        rows = list(rows)
        calls["responses"] += 1
        real_insert(rows[:2])  # some rows really reach the DB (COPY or executemany)
        assert Response.objects.count() == 2
        raise RuntimeError("worker killed half-way")

    monkeypatch.setattr(writer, "responses_insert", failing_insert)
    with pytest.raises(RuntimeError, match="half-way"):
        responses_import(
            campaign=campaign, data=with_row(GOOD_ROWS[2]), filename="f.csv",
            create_participants=True,
        )  # fmt: skip
    assert calls["responses"] == 1
    assert state() == (0, 0, 0)
