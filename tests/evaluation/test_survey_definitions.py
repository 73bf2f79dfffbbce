"""Questionnaire definitions of the survey tools: LimeSurvey's .lss (defusedxml) and tab-separated
structure, XLSForms (survey, choices, settings) within the upload limits; the value tables they
give; and how they recognise the headers of an export made with codes or with labels."""

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from livinglab.evaluation.measurement.definitions import DefinitionError, read_definition
from livinglab.evaluation.measurement.imports.questionnaire import locate, resolve_header
from livinglab.evaluation.measurement.imports.valuemaps import draft_values
from livinglab.evaluation.measurement.models import Indicator, Scale

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def read(name: str) -> dict:
    return read_definition((DATA / name).read_bytes(), filename=name)


def by_name(definition: dict) -> dict:
    return {column["name"]: column for column in definition["columns"]}


@pytest.mark.parametrize("name", ["limesurvey-survey.lss", "limesurvey-survey.txt"])
def test_limesurvey_structure_gives_columns_labels_and_answer_codes(name):
    definition = read(name)
    assert definition["tool"] == "limesurvey"
    assert definition["title"] == "Habitudes de vie — LivingLab"
    assert definition["languages"] == ["fr", "en"]
    columns = by_name(definition)
    assert list(columns) == [
        "CODE",
        "VAGUE",
        "ACTIV",
        "TABAC",
        "SOMMEIL",
        "HABITUDES[SQ001]",
        "HABITUDES[SQ002]",
    ]
    assert columns["ACTIV"]["kind"] == "number"
    assert columns["HABITUDES[SQ001]"]["kind"] == "ticked"
    assert columns["HABITUDES[SQ001]"]["labels"]["fr"] == (
        "Cochez ce qui vous correspond [Je prends un petit-déjeuner chaque jour]"
    )
    sleep = definition["lists"]["SOMMEIL"]
    assert [(o["name"], o["labels"]["en"], o["order"]) for o in sleep][:2] == [
        ("AO01", "Very bad", 1),
        ("AO02", "Bad", 2),
    ]
    assert all(option["value"] is None for option in sleep)  # codes, no assessment values
    assert [(o["name"], o["value"]) for o in definition["lists"]["TABAC"]] == [
        ("Y", 1.0),
        ("N", 0.0),
    ]


def test_the_lss_and_the_tab_separated_structure_agree():
    lss, tsv = read("limesurvey-survey.lss"), read("limesurvey-survey.txt")
    assert lss["lists"] == tsv["lists"]
    assert [(c["name"], c["kind"], c["labels"]) for c in lss["columns"]] == [
        (c["name"], c["kind"], c["labels"]) for c in tsv["columns"]
    ]


def test_assessment_values_become_the_answer_values():
    text = (DATA / "limesurvey-survey.lss").read_text()
    for code, value in (("AO01", 0), ("AO02", 1), ("AO03", 2), ("AO04", 3), ("AO05", 4)):
        text = text.replace(
            f"<code><![CDATA[{code}]]></code>\n    <sortorder><![CDATA[{value}]]></sortorder>\n"
            "    <assessment_value><![CDATA[0]]></assessment_value>",
            f"<code><![CDATA[{code}]]></code>\n    <sortorder><![CDATA[{value}]]></sortorder>\n"
            f"    <assessment_value><![CDATA[{value * 4}]]></assessment_value>",
        )
    definition = read_definition(text.encode(), filename="s.lss")
    assert [o["value"] for o in definition["lists"]["SOMMEIL"]] == [0, 4, 8, 12, 16]


def test_ordinal_rank_is_drafted_only_when_the_options_fill_the_range():
    options = read("limesurvey-survey.lss")["lists"]["SOMMEIL"]
    one_to_five = Indicator(code="q", scale=Scale.ORDINAL, min_value=1, max_value=5)
    assert draft_values(options, one_to_five) == {
        "AO01": 1,
        "AO02": 2,
        "AO03": 3,
        "AO04": 4,
        "AO05": 5,
    }
    zero_to_ten = Indicator(code="q", scale=Scale.ORDINAL, min_value=0, max_value=10)
    assert set(draft_values(options, zero_to_ten).values()) == {None}


def test_xlsform_gives_groups_languages_choices_and_bounds():
    definition = read("kobo-form.xlsx")
    assert definition["tool"] == "xlsform" and definition["title"] == "Habitudes de vie"
    assert definition["languages"] == ["English (en)", "Français (fr)"]
    columns = by_name(definition)
    assert "merci" not in columns  # a note has no column
    assert columns["code"]["path"] == "identification/code"
    assert columns["mvpa_minutes"]["kind"] == "number"
    assert columns["mvpa_minutes"]["bounds"] == [0, 600]
    assert columns["vague"]["choices"] == "vague"
    assert columns["habitudes_alim"]["kind"] == "multiple"
    assert columns["habitudes_alim/petit_dej"]["kind"] == "ticked"
    assert columns["habitudes_alim/petit_dej"]["labels"]["Français (fr)"] == (
        "Cochez ce qui vous correspond/Petit-déjeuner chaque jour"
    )
    assert [(o["name"], o["value"]) for o in definition["lists"]["oui_non"]] == [
        ("1", 1.0),
        ("0", 0.0),
    ]


def test_headers_are_recognised_by_code_path_label_or_group_label():
    definition = read("kobo-form.xlsx")
    header = [
        "Code participant",  # French label
        "Wave",  # English label
        "habitudes/mvpa_minutes",  # Kobo XML path
        "habitudes-daily_smoking",  # ODK path
        "Habitudes de vie/Comment jugez-vous la qualité de votre sommeil ?",  # label hierarchy
        "Cochez ce qui vous correspond/Petit-déjeuner chaque jour",  # select_multiple option
        "habitudes-habitudes_alim/fruits",  # ODK Central's split multiple choice
        "_uuid",
    ]
    resolved = {
        position: column["name"] for position, column in resolve_header(header, definition).items()
    }
    assert resolved == {
        0: "code",
        1: "vague",
        2: "mvpa_minutes",
        3: "daily_smoking",
        4: "sommeil",
        5: "habitudes_alim/petit_dej",
        6: "habitudes_alim/fruits",
    }
    assert locate("sommeil", header, resolve_header(header, definition)) == 4
    lss = read("limesurvey-survey.lss")
    assert resolve_header(["SOMMEIL. Comment jugez-vous…"], lss)[0]["name"] == "SOMMEIL"
    assert resolve_header(["How would you rate your sleep?"], lss)[0]["name"] == "SOMMEIL"


def test_an_lss_with_entities_is_refused_by_defusedxml():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;">]><document><LimeSurveyDocType>&lol2;</LimeSurveyDocType>'
        b"</document>"
    )
    with pytest.raises(DefinitionError, match="illisible"):
        read_definition(bomb, filename="bomb.lss")


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            b"<document><LimeSurveyDocType>Group</LimeSurveyDocType></document>",
            "g.lss",
            "pas une structure d'enquête",
        ),
        (b"<document><unclosed></document>", "s.lss", "illisible"),
        (b"class\tname\nQ\tx\n", "s.txt", "type/scale"),
        (b"\xd0\xcf\x11\xe0", "form.xls", ".xlsx"),
        (b"{}", "form.json", "non pris en charge"),
        (b"PK\x03\x04 not a workbook", "form.xlsx", "XLSX illisible"),
    ],
)
def test_unreadable_definitions_are_refused_with_a_reason(content, filename, message):
    with pytest.raises(DefinitionError, match=message):
        read_definition(content, filename=filename)


def test_a_workbook_without_survey_sheet_is_not_an_xlsform(tmp_path):
    workbook = Workbook()
    workbook.active.append(["a", "b"])
    workbook.active.append([1, 2])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(DefinitionError, match="survey"):
        read_definition(buffer.getvalue(), filename="x.xlsx")


def test_xlsform_within_the_upload_limits(settings):
    settings.LIVINGLAB_UPLOAD_MAX_UNZIPPED_BYTES = 1_000_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 5_000_000 + b">")
    with pytest.raises(DefinitionError, match="décompressé"):
        read_definition(buffer.getvalue(), filename="bomb.xlsx")
    settings.LIVINGLAB_UPLOAD_MAX_UNZIPPED_BYTES = 200_000_000
    settings.LIVINGLAB_UPLOAD_MAX_ROWS = 5
    with pytest.raises(DefinitionError, match="lignes"):
        read("kobo-form.xlsx")
    settings.LIVINGLAB_UPLOAD_MAX_ROWS = 250_000
    settings.LIVINGLAB_UPLOAD_MAX_BYTES = 100
    with pytest.raises(DefinitionError, match="trop volumineux"):
        read("limesurvey-survey.lss")
