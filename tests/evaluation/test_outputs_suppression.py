"""A subgroup under min_cell_size is withheld in every output: JSON, CSV, XLSX, PDF, charts, API."""

import csv
import io

import numpy as np
import pytest
from openpyxl import load_workbook

from livinglab.evaluation.models import Response
from livinglab.evaluation.runs import charts, document, report, services
from livinglab.evaluation.runs.findings import format_number, readable_result
from livinglab.evaluation.runs.selectors import published_results_for
from livinglab.evaluation.stats import paired_t
from tests.builders import simulate_campaign
from tests.evaluation.test_report_pdf import pdf_to_text

pytestmark = pytest.mark.django_db

OTHER = {"dimension": "sex", "value": "other"}


@pytest.fixture
def run(django_user_model):
    campaign = simulate_campaign(slug="small-subgroup", n_per_group=40, small_group=3, effect=0.9)
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    run = services.evaluation_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    return run


def hidden_estimate(run) -> str:
    """What the withheld subgroup's estimate would read, had it been published."""
    values = {}
    for participant, wave, value in Response.objects.filter(
        participant__campaign=run.campaign, participant__sex="other"
    ).values_list("participant_id", "wave__code", "value"):
        values.setdefault(participant, {})[wave] = value
    pairs = np.array([[v.get("baseline", np.nan), v.get("post", np.nan)] for v in values.values()])
    return f"{paired_t(baseline=pairs[:, 0], followup=pairs[:, 1]).estimate:.2f}"


def test_json_withholds_every_number_and_complements(run):
    rows = [r for r in run.result["results"] if r["subgroup"] == OTHER]
    assert rows and all(r["suppressed"] for r in rows)
    for row in rows:
        numbers = [row[k] for k in ("n", "estimate", "ci_low", "ci_high", "statistic", "p_value",
                                    "p_adjusted", "effect_size")]  # fmt: skip
        assert numbers == [None] * len(numbers)
    # One hidden subgroup could be recomputed from the whole sample: a second one is withheld.
    sexes = [
        r for r in run.result["results"] if r["subgroup"] != "all" and r["method"] == "paired_t"
    ]
    assert sum(r["suppressed"] for r in sexes) == 2
    whole = [r for r in run.result["results"] if r["subgroup"] == "all"]
    assert not any(r["suppressed"] for r in whole)


def test_csv_shows_less_than_k(run):
    content = document.results_csv(run.result).decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(content)) if r["subgroup_value"] == "other"]
    assert rows
    for row in rows:
        assert row["n"] == "< 10" and row["suppressed"] == "supprimé"
        assert row["estimate"] == row["p_value"] == row["statistic"] == ""


def test_xlsx_shows_less_than_k(run):
    workbook = load_workbook(io.BytesIO(document.results_xlsx(run.result)))
    assert workbook.sheetnames == ["summary", "results", "descriptives", "flow"]
    sheet = workbook["results"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    hidden = [r for r in rows if r["subgroup_value"] == "other"]
    assert hidden and all(r["n"] == "< 10" and r["estimate"] is None for r in hidden)


def pdf_text(document) -> str:
    """The text of the PDF report, as pdftotext (poppler-utils) reads it."""
    return pdf_to_text(report.report_pdf(document))


def test_pdf_says_suppressed_and_never_prints_the_value(run):
    text = pdf_text(run.result)
    assert "supprimé" in text and "< 10" in text
    hidden = float(hidden_estimate(run))
    for decimals in (1, 2):  # as the report would print it (French, signed, before its CI)
        assert f"{format_number(hidden, decimals, signed=True)} (IC" not in text
    # The same check finds a published number: it is able to fail.
    visible = next(r for r in run.result["results"] if r["subgroup"] == "all")
    assert readable_result(run.result, visible)["change"] in text


def test_charts_do_not_draw_the_suppressed_subgroup(run):
    labels = [row["label"] for row in charts.forest_data(run.result)]
    assert any("ensemble" in label for label in labels)
    assert not any("other" in label for label in labels)


def test_chart_data_skips_a_suppressed_group():
    campaign = simulate_campaign(
        slug="tiny-comparison",
        design="controlled_pre_post",
        outcomes=(("sleep_score", "continuous"), ("steps", "continuous")),
        n_per_group=30,
        subgroups=(),
        missing=0,
    )
    # Only 4 comparison participants answered "steps" at follow-up.
    Response.objects.filter(
        indicator__code="steps", wave__code="post", participant__group="comparison"
    ).exclude(participant__code__in=["com000000", "com000001", "com000002", "com000003"]).delete()
    run = services.evaluation_run_execute(
        run_id=services.evaluation_run_start(campaign=campaign, enqueue=False).pk
    )
    assert run.status == "succeeded", run.error
    document = run.result
    cell = next(
        c for c in document["descriptives"]
        if (c["indicator"], c["wave"], c["group"]) == ("steps", "post", "comparison")
    )  # fmt: skip
    assert cell["suppressed"] and cell["mean"] is None and cell["n"] is None
    drawn = {(box["wave"], box["group"]) for box in charts.distribution_data(document, "steps")}
    assert ("post", "comparison") not in drawn and ("baseline", "comparison") in drawn
    lines = charts.change_data(document, "steps")
    assert [wave for wave, _mean in lines["comparison"]] == ["baseline"]
    flow = {box["stage"]: box["text"] for box in charts.flow_data(document)}
    assert flow
    (steps,) = [
        r for r in document["results"] if r["indicator"] == "steps" and r["analysis"] == "primary"
    ]
    assert steps["suppressed"] and steps["estimate"] is None
    assert not any("Steps" in row["label"] for row in charts.forest_data(document))


def test_published_results_are_suppressed_too(run, django_user_model):
    assert published_results_for(run.campaign) is None
    run.published_at = run.finished_at
    run.save()
    published = published_results_for(run.campaign)
    hidden = [r for r in published["results"] if r["subgroup"] == OTHER]
    assert hidden and all(r["suppressed"] and r["estimate"] is None for r in hidden)
    assert published["summary"].startswith("« Sleep score » a augmenté de")
    assert published["pdf_url"] and published["charts"]
    assert hidden_estimate(run) not in repr(published)
