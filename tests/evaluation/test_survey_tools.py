"""Survey-tool exports made with the tools' default settings, imported by `import_responses` and
checked after `export_responses`: LimeSurvey answer codes with the survey's .lss, KoboToolbox's
label export (`;`, quoted, HXL row) and XLSX with the XLSForm, ODK Central with a rejected
resubmission and with a repeat group. Fixtures: tests/data/imports/ (our own data, in each
tool's layout: formpack's CSV/XLSX exports, Central's CSV and ZIP, LimeSurvey 6's .lss)."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from livinglab.campaigns.models import Campaign, Participant
from livinglab.evaluation.models import ColumnMapping, Response, ResponseSet

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
SLUG = "outils-enquete"
pytestmark = pytest.mark.django_db

LIMESURVEY = {
    ("P101", "baseline"): ("35", "1", "2", "1"),
    ("P102", "baseline"): ("20", "0", "4", "0"),
    ("P103", "baseline"): ("60", "0", "3", "1"),
    ("P101", "post"): ("50", "0", "4", "1"),
    ("P102", "post"): ("25", "0", "5", "1"),
    ("P103", "post"): ("62", "0", "3", "0"),
}
KOBO = {
    ("P301", "baseline"): ("35", "1", "4", "1"),
    ("P302", "baseline"): ("20", "0", "3", "0"),
    ("P303", "baseline"): ("60", "0", "5", "1"),
    ("P301", "post"): ("50", "0", "4", "1"),
    ("P302", "post"): ("25", "0", "4", "1"),
    ("P303", "post"): ("62", "0", "3", ""),  # the multiple choice was not answered
}
ODK = {
    ("P401", "baseline"): ("35", "1", "4", ""),
    ("P402", "baseline"): ("20", "0", "3", ""),  # the resubmission, not the rejected one
    ("P403", "baseline"): ("60", "0", "5", ""),
    ("P404", "baseline"): ("45", "1", "2", ""),
    ("P401", "post"): ("50", "0", "4", ""),
    ("P402", "post"): ("25", "0", "4", ""),
    ("P403", "post"): ("62", "0", "3", ""),
    ("P404", "post"): ("40", "1", "2", ""),
}
ODK_REPEAT = {  # minutes summed over the "activites" repeat group of each submission
    ("P501", "baseline"): ("35", "1", "", ""),
    ("P502", "baseline"): ("20", "0", "", ""),
    ("P503", "baseline"): ("45", "0", "", ""),
    ("P501", "post"): ("60", "0", "", ""),
    ("P503", "post"): ("0", "0", "", ""),  # no activity reported: 0 minutes
}
INDICATORS = ("mvpa_minutes", "daily_smoking", "sleep_quality", "breakfast_daily")


def load_tools_campaign() -> Campaign:
    """The campaign of survey-tools-protocol.json (four outcomes, two waves)."""
    call_command("import_protocol", str(DATA / "survey-tools-protocol.json"), stdout=io.StringIO())
    return Campaign.objects.get(slug=SLUG)


@pytest.fixture
def tools_campaign():
    return load_tools_campaign()


def run_import(path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command("import_responses", str(path), "--campaign", SLUG, *extra, stdout=out)
    return out.getvalue()


def refused(path: Path, *extra: str) -> str:
    """The command's errors for a refused file, after checking that nothing was written."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été importé|Campagne"):
        call_command("import_responses", str(path), "--campaign", SLUG, *extra, stderr=err)
    assert (Response.objects.count(), Participant.objects.count()) == (0, 0)
    assert not ResponseSet.objects.exists() and not ColumnMapping.objects.exists()
    return err.getvalue()


def with_files(definition: str, mapping: str | Path) -> tuple[str, ...]:
    return ("--definition", str(DATA / definition), "--mapping", str(DATA / mapping))


LIMESURVEY_FILES = with_files("limesurvey-survey.lss", "limesurvey-codes-mapping.json")
KOBO_FILES = with_files("kobo-form.xlsx", "kobo-labels-mapping.json")


def exported(tmp_path) -> dict:
    """The campaign's responses as `export_responses` writes them: (code, wave) → values."""
    path = tmp_path / "export.csv"
    call_command(
        "export_responses", "--campaign", SLUG, "--output", str(path), stderr=io.StringIO()
    )
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            (row["participant"], row["wave"]): tuple(row.get(code, "") for code in INDICATORS)
            for row in csv.DictReader(handle)
        }


def central_zip(tmp_path, *, main="odk-central-repeat.csv") -> Path:
    """ODK Central's "all data" download: the form's table and one table per repeat group."""
    path = tmp_path / "habitudes_odk.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(DATA / main, "habitudes_odk.csv")
        archive.write(DATA / "odk-central-repeat-activites.csv", "habitudes_odk-activites.csv")
        archive.writestr("media/photo.jpg", b"\xff\xd8 not read")
    return path


def test_limesurvey_answer_codes_with_the_lss(tools_campaign, tmp_path):
    output = run_import(DATA / "limesurvey-codes.csv", "--create-participants", *LIMESURVEY_FILES)
    assert "(limesurvey) : 7 lignes, 24 valeurs importées, 3 nouveau(x) participant(s)" in output
    assert "1 ligne(s) ignorée(s) : réponse incomplète (jamais envoyée) dans LimeSurvey" in output
    assert exported(tmp_path) == LIMESURVEY
    saved = ColumnMapping.objects.get(campaign=tools_campaign, source_format="limesurvey")
    assert saved.mapping["questionnaire"]["tool"] == "limesurvey"
    assert saved.mapping["values"]["wave"] == {"T0": "baseline", "T1": "post"}


def test_limesurvey_tab_separated_structure_works_the_same(tools_campaign, tmp_path):
    files = with_files("limesurvey-survey.txt", "limesurvey-codes-mapping.json")
    run_import(DATA / "limesurvey-codes.csv", "--create-participants", *files)
    assert exported(tmp_path) == LIMESURVEY


def test_limesurvey_full_question_texts_and_full_answers_read_through_the_lss(
    tools_campaign, tmp_path
):
    header = [
        "Response ID", "Date submitted", "Last page", "Start language", "Seed",
        "Votre code participant", "Vague de questionnaire",
        "Combien de minutes par jour pratiquez-vous une activité physique modérée à vigoureuse ?",
        "Fumez-vous tous les jours ?", "Comment jugez-vous la qualité de votre sommeil ?",
        "Cochez ce qui vous correspond [Je prends un petit-déjeuner chaque jour]",
        "Cochez ce qui vous correspond [Je mange des fruits à chaque repas]",
    ]  # fmt: skip
    rows = [
        ["1", "2026-09-14 10:02:11", "2", "fr", "1", "P101", "Avant l'action", "35", "Oui",
         "Mauvaise", "Oui", ""],
        ["2", "2026-12-07 14:12:30", "2", "fr", "2", "P101", "Après l'action", "50", "Non",
         "Bonne", "", "Oui"],
    ]  # fmt: skip
    path = tmp_path / "results-survey451236.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows([header, *rows])
    output = run_import(path, "--create-participants", *LIMESURVEY_FILES)
    assert "(limesurvey) : 2 lignes, 8 valeurs importées" in output
    assert exported(tmp_path) == {
        ("P101", "baseline"): ("35", "1", "2", "1"),
        ("P101", "post"): ("50", "0", "4", "0"),
    }


def test_a_value_map_of_the_mapping_overrides_the_questionnaire(tools_campaign, tmp_path):
    mapping = json.loads((DATA / "limesurvey-codes-mapping.json").read_text())
    mapping["values"]["sleep_quality"] = {"AO01": 5, "Très bonne": 1, "AO03": None}
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(mapping))
    run_import(
        DATA / "limesurvey-codes.csv",
        "--create-participants",
        *with_files("limesurvey-survey.lss", path),
    )
    sleep = {key: values[2] for key, values in exported(tmp_path).items()}
    assert sleep[("P101", "baseline")] == "2"  # AO02: from the questionnaire
    assert sleep[("P102", "post")] == "1"  # AO05 « Très bonne »: by its label
    assert sleep[("P103", "baseline")] == ""  # AO03: declared missing


def test_limesurvey_codes_without_their_structure_are_refused_with_reasons(tools_campaign):
    errors = refused(DATA / "limesurvey-codes.csv", "--create-participants", *LIMESURVEY_FILES[2:])
    assert "ligne 2, colonne SOMMEIL « AO02 » : n'est pas un nombre" in errors


def test_an_answer_code_missing_from_the_table_names_row_column_value(tools_campaign, tmp_path):
    bad = tmp_path / "codes.csv"
    bad.write_text(
        (DATA / "limesurvey-codes.csv").read_text().replace('"AO04","","Y"', '"AO09","","Y"')
    )
    errors = refused(bad, "--create-participants", *LIMESURVEY_FILES)
    assert errors.splitlines() == [
        "ligne 3, colonne SOMMEIL « AO09 » : réponse absente de la table de valeurs "
        "(AO01, AO02, AO03, AO04, AO05)"
    ]


def test_kobo_default_label_export_with_its_xlsform(tools_campaign, tmp_path):
    output = run_import(DATA / "kobo-labels.csv", "--create-participants", *KOBO_FILES)
    assert "(kobo) : 8 lignes, 23 valeurs importées" in output
    assert "1 ligne(s) ignorée(s) : ligne de hashtags HXL" in output
    assert "1 ligne(s) ignorée(s) : soumission « Not approved » dans KoboToolbox" in output
    assert exported(tmp_path) == KOBO


def test_kobo_xlsx_export_reuses_the_saved_xlsform_and_mapping(tools_campaign, tmp_path):
    run_import(DATA / "kobo-labels.csv", "--create-participants", *KOBO_FILES)
    Response.objects.all().delete()
    ResponseSet.objects.all().delete()
    output = run_import(DATA / "kobo-labels.xlsx")  # a later wave: nothing to give again
    assert "(kobo) : 8 lignes, 23 valeurs importées, 0 nouveau(x)" in output
    assert exported(tmp_path) == KOBO


def test_kobo_labels_without_the_xlsform_say_what_to_give(tools_campaign):
    errors = refused(DATA / "kobo-labels.csv")
    assert "colonne du code participant introuvable — export avec les libellés" in errors
    assert "--definition" in errors


def test_odk_rejected_submission_is_skipped_and_has_issues_counted(tools_campaign, tmp_path):
    output = run_import(DATA / "odk-central-rejected.csv", "--create-participants")
    assert "(odk) : 9 lignes, 24 valeurs importées, 4 nouveau(x) participant(s)" in output
    assert "1 ligne(s) ignorée(s) : soumission rejetée dans ODK Central" in output
    assert "1 ligne(s) importée(s) mais soumission signalée « hasIssues »" in output
    assert exported(tmp_path) == ODK


def test_odk_central_zip_aggregates_a_repeat_group_per_submission(tools_campaign, tmp_path):
    output = run_import(
        central_zip(tmp_path),
        "--create-participants",
        "--mapping",
        str(DATA / "odk-central-repeat-mapping.json"),
    )
    assert "(odk) : 6 lignes, 10 valeurs importées" in output
    assert exported(tmp_path) == ODK_REPEAT
    saved = ColumnMapping.objects.get(campaign=tools_campaign, source_format="odk")
    assert saved.mapping["aggregates"] == {"mvpa_minutes": "sum"}


@pytest.mark.parametrize(("method", "expected"), [("count", "2"), ("mean", "17.5")])
def test_repeat_files_given_with_repeat_and_other_aggregates(
    tools_campaign, tmp_path, method, expected
):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        '{"indicators": {"mvpa_minutes": "duree"}, '
        f'"aggregates": {{"mvpa_minutes": "{method}"}}}}'
    )
    run_import(
        DATA / "odk-central-repeat.csv",
        "--create-participants",
        "--mapping",
        str(mapping),
        "--repeat",
        str(DATA / "odk-central-repeat-activites.csv"),
    )
    values = exported(tmp_path)
    assert values[("P501", "baseline")][0] == expected
    assert values[("P503", "post")][0] == ("0" if method == "count" else "")


def test_a_repeat_file_alone_or_without_aggregate_is_refused(tools_campaign, tmp_path):
    errors = refused(DATA / "odk-central-repeat-activites.csv")
    assert "groupe répété d'ODK" in errors and "ZIP complet" in errors
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"indicators": {"mvpa_minutes": "duree"}}')
    errors = refused(central_zip(tmp_path), "--create-participants", "--mapping", str(mapping))
    assert "habitudes_odk-activites.csv › duree" in errors and "count, sum ou mean" in errors
    main_only = refused(
        DATA / "odk-central-repeat.csv",
        "--create-participants",
        "--mapping",
        str(DATA / "odk-central-repeat-mapping.json"),
    )
    assert main_only.splitlines() == [
        "ligne 1, colonne duree : colonne d'un groupe répété introuvable : importez le ZIP "
        "complet d'ODK Central (ou le fichier du groupe avec --repeat)"
    ]


def test_a_bad_answer_in_a_repeat_group_names_its_file_row_and_column(tools_campaign, tmp_path):
    path = tmp_path / "central.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(DATA / "odk-central-repeat.csv", "habitudes_odk.csv")
        text = (DATA / "odk-central-repeat-activites.csv").read_text()
        archive.writestr("habitudes_odk-activites.csv", text.replace("velo,45", "velo,une heure"))
    errors = refused(
        path, "--create-participants", "--mapping", str(DATA / "odk-central-repeat-mapping.json")
    )
    assert errors.splitlines() == [
        "ligne 7, colonne habitudes_odk-activites.csv › duree « une heure » : n'est pas un nombre"
    ]


def test_a_zip_bomb_is_refused_before_unpacking(tools_campaign, tmp_path, settings):
    settings.LIVINGLAB_UPLOAD_MAX_UNZIPPED_BYTES = 1_000_000
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("form.csv", b"SubmissionDate,KEY\n" + b" " * 5_000_000)
    errors = refused(path)
    assert "Archive ZIP refusée" in errors and "décompressé" in errors


def test_unknown_participants_without_the_flag_name_the_flag(tools_campaign):
    errors = refused(DATA / "odk-central-rejected.csv")
    assert (
        "ligne 2, colonne identification-code « P401 » : participant inconnu : relancez avec "
        "l'option --create-participants"
    ) in errors
