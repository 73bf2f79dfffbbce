"""The PDF report (issue #13): what its text says, read back with pdftotext (poppler-utils).

For the three designs: the plain-language summary, the summary-of-findings table, the RE-AIM
headings, charts named by indicator and unit, page numbers, methods and software versions, a
suppressed cell that says why, and no raw code.

Raw codes are looked for as whole, case-sensitive tokens (``RAW_CODES``). "intervention" is not
in the list: it is a French word the report may use ("groupe Intervention"); "comparison" is
(the French word is "comparaison").
"""

import re
import shutil
import subprocess

import pytest

from livinglab.evaluation.measurement.models import Indicator
from livinglab.evaluation.runs import artifacts, charts, report, services
from livinglab.evaluation.runs.findings import summary_of_findings, summary_sentences
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db

RAW_CODES = (
    # designs, waves and groups
    "pre_post",
    "controlled_pre_post",
    "repeated",
    "baseline",
    "followup",
    "comparison",
    "all",
    # methods, effect sizes, analyses, scales, corrections
    "paired_t",
    "wilcoxon_signed_rank",
    "mcnemar",
    "mcnemar_exact",
    "did_ols",
    "did_logit",
    "ancova",
    "mixed_model",
    "cohens_dz",
    "standardised_did",
    "standardised_change",
    "standardised_ancova_difference",
    "odds_ratio",
    "odds_ratio_discordant",
    "rank_biserial_r",
    "primary",
    "secondary",
    "complementary",
    "continuous",
    "binary",
    "holm",
    "fdr_bh",
    # subgroup values and other codes
    "not_stated",
    "female",
    "male",
    "other",
    "generic",
    "sex",
    "age_band",
    "sleep_score",
    "smoker",
    # numbers written by a program, not for a reader
    "None",
    "nan",
    "True",
    "False",
)
RAW_NUMBERS = ("0.0000", "0,0000", "p 0,000")

DESIGNS = {
    "pre_post": ("baseline", "post"),
    "controlled_pre_post": ("baseline", "post"),
    "repeated": ("baseline", "post", "followup"),
}


def pdf_to_text(content: bytes) -> str:
    """The PDF's text in reading order, as pdftotext reads it (whitespace collapsed)."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed: apt-get install it"
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode("utf-8").split())


def raw_codes_in(text: str) -> list[str]:
    tokens = set(re.findall(r"(?<![\w-])\w+(?![\w-])", text))
    found = [code for code in RAW_CODES if code in tokens]
    return found + [number for number in RAW_NUMBERS if number in text]


def simulated_run(design: str, **options):
    campaign = simulate_campaign(
        slug=f"rapport-{len(DESIGNS[design])}-{'t' if 'controlled' in design else 'u'}",
        design=design,
        waves=DESIGNS[design],
        outcomes=(("sleep_score", "continuous"), ("smoker", "binary")),
        n_per_group=30,
        **options,
    )
    Indicator.objects.filter(code="sleep_score").update(unit="points")
    run = services.evaluation_run_execute(
        run_id=services.evaluation_run_start(campaign=campaign, enqueue=False).pk
    )
    assert run.status == "succeeded", run.error
    return run


@pytest.fixture(params=sorted(DESIGNS))
def run(request):
    return simulated_run(request.param)


def test_raw_code_check_is_able_to_fail():
    assert raw_codes_in("Méthode : did_ols, vague baseline, p 0.0000") == [
        "baseline",
        "did_ols",
        "0.0000",
    ]
    assert raw_codes_in("groupe Intervention ; vague 1 (référence) ; pre-post-test") == []


def test_pdf_text_has_summary_findings_re_aim_pages_and_no_raw_code(run):
    document = run.result
    text = pdf_to_text(report.report_pdf(document))

    sentences = summary_sentences(document)
    assert sentences
    for sentence in sentences:
        assert " ".join(sentence.split()) in text
    assert "Synthèse des résultats principaux" in text
    for header in ("Niveau initial", "Niveau au suivi", "Participants", "Certitude des preuves"):
        assert header in text
    for finding in summary_of_findings(document):
        assert finding.label in text
    for heading in (
        "Portée (Reach)",
        "Efficacité (Effectiveness)",
        "Adoption",
        "Mise en œuvre (Implementation)",
        "Maintien (Maintenance)",
        "Méthodes",
    ):
        assert heading in text
    pages = re.findall(r"Page (\d+) / (\d+)", text)
    assert pages[0] == ("1", pages[0][1]) and len(pages) == int(pages[0][1]) > 1
    assert document["protocol_hash"] in text and document["data_hash"] in text
    # Charts are titled with the indicator and its unit.
    assert "Sleep score (points) — distribution" in text
    assert "Smoker — proportions" in text
    # Methods and software versions.
    for name in ("Python", "Django", "scipy", "statsmodels", "numpy", "reportlab"):
        assert re.search(rf"{name} \d+\.\d+", text), name
    assert raw_codes_in(text) == []


def test_pdf_formats_p_values_and_explains_a_suppressed_cell():
    run = simulated_run("pre_post", small_group=3)
    text = pdf_to_text(report.report_pdf(run.result))
    assert "masqué : moins de 10 personnes" in text
    assert "masqué pour protéger un autre groupe" in text  # the complementary suppression
    assert re.search(r"< 0,001|0,\d{3}", text)
    assert not re.search(r"\b0\.\d{3,}", text)  # no English decimals
    assert raw_codes_in(text) == []


def test_each_figure_is_drawn_once_for_png_svg_and_pdf(monkeypatch):
    """Issue #15: the run's files reuse each figure (the PDF used to draw them all again)."""
    run = simulated_run("pre_post")
    drawn = []
    figure = charts._figure
    monkeypatch.setattr(charts, "_figure", lambda *args: drawn.append(args) or figure(*args))
    files = artifacts.write_artifacts(run_id=run.pk, document=run.result)
    names = [chart["name"] for chart in files["charts"]]
    assert names == ["flow", "sleep_score-distribution", "sleep_score-change",
                     "smoker-proportions", "forest"]  # fmt: skip
    assert len(drawn) == len(names)
    stored = artifacts.read_file(files["pdf"])
    assert stored.startswith(b"%PDF") and "Page 1 /" in pdf_to_text(stored)


def test_re_aim_sections_read_the_campaign_context():
    """Reach against the target population, delivery rate, withheld attendance "< k"."""
    document = simulated_run("pre_post").result
    document["re_aim"] = {
        **document["re_aim"],
        "target_population": 120,
        "actions_planned": 4,
        "actions_delivered": 3,
        "actions_cancelled": 1,
        "planned_attendance": 80,
        "actual_attendance": None,
        "sites_approached": 5,
        "sites_participating": 4,
        "suppressed": ["actual_attendance"],
    }
    sections = {section.key: section for section in report.re_aim_sections(document)}
    assert list(sections) == list(report.RE_AIM_SECTIONS)
    reach = dict(sections["reach"].facts)
    assert reach["Participants inclus"] == "30"
    assert reach["Part de la population cible incluse"] == "25,0 %"  # 30 of 120
    implementation = dict(sections["implementation"].facts)
    assert implementation["Actions réalisées"] == "3"
    assert implementation["Participation réelle"] == "< 10"  # withheld, never a number
    assert "3 actions réalisées sur 4 prévues (75,0 %)" in sections["implementation"].paragraphs[0]
    assert dict(sections["adoption"].facts)["Lieux ayant accueilli une action"] == "5"
    maintenance = dict(sections["maintenance"].facts)
    assert list(maintenance) == ["Réponses — mesure initiale", "Réponses — fin de l'intervention"]
    text = pdf_to_text(report.report_pdf(document))
    assert "25,0 %" in text and "75,0 %" in text
