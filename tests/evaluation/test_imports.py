"""Contract commands end to end: import_protocol, import_responses (4 formats), export_responses."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from livinglab.campaigns.models import Participant, Site
from livinglab.evaluation.measurement.imports import ImportFailed, detect_format, responses_import
from livinglab.evaluation.models import ColumnMapping, Protocol, Response

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(
        Response.objects.values_list("participant__code", "wave__code", "indicator__code", "value")
    )


def run_import(path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command("import_responses", str(path), "--campaign", "test-import", *extra, stdout=out)
    return out.getvalue()


def test_import_protocol_creates_campaign_waves_and_outcomes(campaign):
    protocol = campaign.protocols.get()
    assert protocol.design == Protocol.Design.PRE_POST
    assert list(campaign.waves.values_list("code", flat=True)) == ["baseline", "post"]
    assert [o.indicator.code for o in protocol.outcomes.all()] == [
        "mvpa_minutes", "daily_smoking", "pss4_stress",
    ]  # fmt: skip
    assert protocol.outcomes.get(primary=True).indicator.code == "mvpa_minutes"


def test_generic_file_imports_with_participants_created_on_the_fly(campaign):
    output = run_import(DATA / "generic.csv", "--create-participants")
    assert "6 lignes, 17 valeurs importées, 3 nouveau(x) participant(s)" in output
    p3 = Participant.objects.get(code="P003")
    assert p3.group == "comparison" and p3.site.name == "Lycée Marie Curie"
    assert ("P001", "post", "daily_smoking", 0.0) in snapshot()
    # The empty mvpa cell of P002 at follow-up is a missing value, not a zero.
    assert not Response.objects.filter(
        participant__code="P002", wave__code="post", indicator__code="mvpa_minutes"
    ).exists()


@pytest.mark.parametrize(
    ("filename", "expected_format", "extra"),
    [
        ("limesurvey.csv", "limesurvey", ("--mapping", str(DATA / "limesurvey-mapping.json"))),
        ("kobo.csv", "kobo", ()),
        ("odk.csv", "odk", ()),
    ],
)
def test_survey_tool_exports_are_recognised_and_mapped(campaign, filename, expected_format, extra):
    output = run_import(DATA / filename, "--create-participants", *extra)
    assert f"({expected_format})" in output
    assert ("P001", "baseline", "mvpa_minutes", 35.0) in snapshot()
    assert ("P001", "baseline", "daily_smoking", 1.0) in snapshot()
    assert ("P002", "baseline", "pss4_stress", 11.0) in snapshot()


def test_limesurvey_mapping_is_saved_for_the_next_wave(campaign):
    run_import(DATA / "limesurvey.csv", "--create-participants", "--mapping",
               str(DATA / "limesurvey-mapping.json"))  # fmt: skip
    saved = ColumnMapping.objects.get(campaign=campaign, source_format="limesurvey")
    assert saved.mapping["indicators"]["mvpa_minutes"] == "Q1[SQ001]"


def test_kobo_xlsx_export_is_recognised(campaign, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in (DATA / "kobo.csv").read_text().splitlines():
        sheet.append([float(c) if c.isdigit() else c for c in line.split(";")])
    path = tmp_path / "kobo.xlsx"
    workbook.save(path)
    assert "(kobo)" in run_import(path, "--create-participants")
    assert ("P002", "baseline", "mvpa_minutes", 20.0) in snapshot()


def test_detect_format_from_headers():
    assert detect_format(["participant", "wave", "x"]) == "generic"
    assert detect_format(["id", "submitdate", "lastpage", "startlanguage", "Q1"]) == "limesurvey"
    assert detect_format(["start", "end", "_id", "_uuid", "_submission_time"]) == "kobo"
    assert detect_format(["SubmissionDate", "meta-instanceID", "KEY"]) == "odk"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trip_gives_the_same_data(campaign, tmp_path, fmt):
    run_import(DATA / "generic.csv", "--create-participants")
    before = snapshot()
    exported = tmp_path / f"export.{fmt}"
    call_command("export_responses", "--campaign", "test-import", "--format", fmt,
                 "--output", str(exported), stderr=io.StringIO())  # fmt: skip
    Response.objects.all().delete()
    Participant.objects.all().delete()
    run_import(exported, "--create-participants")
    assert snapshot() == before
    groups = dict(Participant.objects.values_list("code", "group"))
    assert groups == {"P001": "intervention", "P002": "intervention", "P003": "comparison"}


def test_export_escapes_formula_like_cells(campaign, tmp_path):
    Site.objects.create(name="=HYPERLINK(1)", setting="school", city="Lyon", postcode="69001")
    data = b"participant,wave,site,mvpa_minutes\nP9,baseline,=HYPERLINK(1),10\n"
    responses_import(campaign=campaign, data=data, filename="f.csv", create_participants=True)
    out = io.StringIO()
    call_command("export_responses", "--campaign", "test-import", stdout=out)
    text = out.getvalue()
    assert "'=HYPERLINK(1)" in text
    assert ",=HYPERLINK" not in text


def test_dry_run_writes_nothing(campaign):
    output = run_import(DATA / "generic.csv", "--create-participants", "--dry-run")
    assert "seraient importées" in output
    assert Response.objects.count() == 0 and Participant.objects.count() == 0


def test_import_is_recorded_in_the_audit_log(campaign):
    from wagtail.models import ModelLogEntry

    run_import(DATA / "generic.csv", "--create-participants")
    entry = ModelLogEntry.objects.get(action="livinglab.import")
    assert entry.data["rows"] == 6 and entry.object_id == str(campaign.pk)


def test_a_second_import_of_the_same_wave_is_refused(campaign):
    run_import(DATA / "generic.csv", "--create-participants")
    with pytest.raises(ImportFailed, match="déjà importées"):
        responses_import(
            campaign=campaign, data=(DATA / "generic.csv").read_bytes(), filename="generic.csv"
        )


def test_locked_protocol_changes_create_a_new_version_with_deviation(campaign):
    from livinglab.evaluation.measurement.protocols import protocol_lock

    protocol = protocol_lock(protocol=campaign.protocols.get())
    assert len(protocol.lock_hash) == 64 and protocol.locked_at
    definition = json.loads((DATA / "protocol.json").read_text())
    call_command("import_protocol", str(DATA / "protocol.json"), stdout=io.StringIO())
    assert campaign.protocols.count() == 1  # same content: nothing new
    definition["alpha"] = 0.01
    changed = Path(DATA.parent.parent / "data" / "imports" / "protocol.json").parent
    path = changed / "tmp-protocol.json"
    try:
        path.write_text(json.dumps(definition))
        call_command("import_protocol", str(path), "--deviation", "alpha resserré",
                     stdout=io.StringIO())  # fmt: skip
    finally:
        path.unlink()
    latest = campaign.protocols.order_by("-version").first()
    assert (latest.version, latest.alpha, latest.deviation) == (2, 0.01, "alpha resserré")
    assert campaign.protocols.get(version=1).alpha == 0.05


def test_unknown_campaign_is_a_clear_error():
    with pytest.raises(CommandError, match="Campagne inconnue"):
        call_command("import_responses", str(DATA / "generic.csv"), "--campaign", "nope")


def test_protocol_json_round_trip_keeps_the_hash(campaign, tmp_path):
    from livinglab.evaluation.measurement.protocols import protocol_hash

    path = tmp_path / "exported.json"
    call_command("export_protocol", "--campaign", "test-import", "--output", str(path))
    exported = json.loads(path.read_text())
    assert exported["hash"] == protocol_hash(campaign.protocols.get())
    assert exported["outcomes"][0] == {
        "indicator": "mvpa_minutes", "label": "Activité physique (min/jour)",
        "scale": "continuous", "primary": True,
    }  # fmt: skip
    call_command("import_protocol", str(path), stdout=io.StringIO())
    assert campaign.protocols.count() == 1
    assert protocol_hash(campaign.protocols.get()) == exported["hash"]
