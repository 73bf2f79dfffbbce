"""`run_evaluation` and `sample_size` as DESIGN.md §4 specifies them."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from livinglab.evaluation.models import EvaluationRun
from tests.builders import simulate_campaign

DESIGNS = {
    "pre_post": {
        "outcomes": (("sleep", "continuous"), ("smoker", "binary"), ("mood", "ordinal")),
    },
    "controlled_pre_post": {"outcomes": (("activity", "continuous"), ("fruit", "binary"))},
    "repeated": {"outcomes": (("stress", "continuous"),), "waves": ("t0", "t1", "t2")},
}


def assert_outputs(tmp_path, slug):
    document = json.loads((tmp_path / "r.json").read_text())
    assert document["campaign"] == slug
    primary = [
        r for r in document["results"] if r["analysis"] == "primary" and r["subgroup"] == "all"
    ]
    assert primary and all(r["estimate"] > 0 for r in primary)
    workbook = load_workbook(tmp_path / "r.xlsx")
    assert workbook.sheetnames == ["summary", "results", "descriptives", "flow"]
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    return document


def options(tmp_path):
    return [f"--json={tmp_path / 'r.json'}", f"--xlsx={tmp_path / 'r.xlsx'}",
            f"--pdf={tmp_path / 'r.pdf'}"]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("design", list(DESIGNS))
def test_sync_run_writes_json_xlsx_pdf(design, tmp_path):
    slug = f"cmd-{design.replace('_', '-')}"
    simulate_campaign(slug=slug, design=design, n_per_group=40, effect=0.9, **DESIGNS[design])
    out = io.StringIO()
    call_command("run_evaluation", "--campaign", slug, "--sync", *options(tmp_path), stdout=out)
    document = assert_outputs(tmp_path, slug)
    assert document["design"] == design
    assert "terminée" in out.getvalue()


@pytest.mark.django_db
def test_unknown_campaign_and_failed_run_exit_non_zero():
    with pytest.raises(CommandError, match="introuvable"):
        call_command("run_evaluation", "--campaign", "nope", "--sync")
    simulate_campaign(slug="cmd-tiny", n_per_group=3, subgroups=())
    with pytest.raises(CommandError, match="pas assez de paires complètes"):
        call_command("run_evaluation", "--campaign", "cmd-tiny", "--sync")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_without_sync_the_worker_runs_it_and_the_command_waits(celery_worker_process, tmp_path):
    simulate_campaign(slug="cmd-worker", n_per_group=30, effect=0.9)
    out = io.StringIO()
    call_command("run_evaluation", "--campaign", "cmd-worker", *options(tmp_path), stdout=out)
    assert_outputs(tmp_path, "cmd-worker")
    run = EvaluationRun.objects.get(campaign__slug="cmd-worker")
    assert run.status == "succeeded" and run.attempts == 1
    assert run.artifacts.get("pdf")
    assert "[100 %]" in out.getvalue()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_no_wait_prints_the_run_id(celery_worker_process):
    simulate_campaign(slug="cmd-no-wait", n_per_group=20)
    out = io.StringIO()
    call_command("run_evaluation", "--campaign", "cmd-no-wait", "--no-wait", stdout=out)
    run = EvaluationRun.objects.get(campaign__slug="cmd-no-wait")
    assert out.getvalue().strip() == str(run.pk)
    assert run.status in {"queued", "running", "succeeded"}


def test_sample_size_json_follows_the_contract():
    out = io.StringIO()
    call_command(
        "sample_size", "--design", "two_group", "--effect-size", "0.5", "--power", "0.8",
        "--alpha", "0.05", "--json", stdout=out,
    )  # fmt: skip
    result = json.loads(out.getvalue())
    assert result["n_per_group"] == 63.77
    assert result["n_per_group_rounded"] == 64
    assert result["design_effect"] == 1.0 and result["n_per_group_clustered"] == 64


def test_sample_size_with_clusters_and_text_output():
    out = io.StringIO()
    call_command(
        "sample_size", "--design", "two_group", "--effect-size", "0.5", "--power", "0.8",
        "--alpha", "0.05", "--icc", "0.05", "--cluster-size", "21", "--json", stdout=out,
    )  # fmt: skip
    result = json.loads(out.getvalue())
    assert result["design_effect"] == pytest.approx(2.0)
    assert result["n_per_group_clustered"] == 128
    text = io.StringIO()
    call_command(
        "sample_size", "--design", "paired", "--effect-size", "0.5", "--power", "0.8",
        "--alpha", "0.05", stdout=text,
    )  # fmt: skip
    assert "paires" in text.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "sample_size", "--design", "paired", "--effect-size", "0", "--power", "0.8",
            "--alpha", "0.05",
        )  # fmt: skip
