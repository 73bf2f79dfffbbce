"""Cost per unit of change (issue #16): cost per participant ÷ the change per participant, its
interval from the effect's CI, and what the report and the dashboard say about it.

Every expected figure is computed by hand from the numbers of the test (stated beside it).
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from livinglab.campaigns.costs import format_euros
from livinglab.campaigns.models import BudgetLine
from livinglab.evaluation.runs import artifacts, services
from livinglab.evaluation.runs.costs import (
    BOUNDED,
    NO_CHANGE,
    NOT_AVAILABLE,
    UNBOUNDED,
    WRONG_DIRECTION,
    costs_per_change,
)
from tests.builders import simulate_campaign
from tests.evaluation.test_findings import document, row
from tests.evaluation.test_report_html import page_text
from tests.evaluation.test_report_pdf import pdf_to_text, raw_codes_in
from tests.evaluation.test_runs_views import member

NNBSP = "\u202f"
COST = Decimal("50.00")  # cost per participant reached in the unit tests


def euros(text: str) -> str:
    """Readable comparison: the no-break spaces of French typography as plain spaces."""
    return text.replace("\u00a0", " ").replace(NNBSP, " ")


def one(document_, cost=COST):
    (item,) = costs_per_change(document_, cost)
    return item


def test_continuous_improvement_has_a_figure_and_its_interval():
    # +0,5 h (CI 0,25 to 0,75): 50 / 0,5 = 100; 50 / 0,75 = 66,67; 50 / 0,25 = 200.
    item = one(document(row(estimate=0.5, ci_low=0.25, ci_high=0.75)))
    assert item.status == BOUNDED and not item.per_person
    assert (item.value, item.low, item.high) == (
        Decimal("100.00"),
        Decimal("66.67"),
        Decimal("200.00"),
    )
    assert euros(item.text) == (
        "« Sommeil » : 100,00 € pour 1 h d'amélioration par participant "
        "(IC à 95 % : 66,67 € à 200,00 €)."
    )


def test_an_interval_containing_zero_gives_no_upper_bound_and_no_point_figure():
    # +0,5 h (CI −0,25 to 1,25): only a lower bound, 50 / 1,25 = 40.
    item = one(document(row(estimate=0.5, ci_low=-0.25, ci_high=1.25)))
    assert item.status == UNBOUNDED
    assert item.value is None and item.high is None and item.low == Decimal("40.00")
    text = euros(item.text)
    assert "l'intervalle de l'effet contient zéro : coût par unité non borné" in text
    assert "au moins 40,00 € pour 1 h d'amélioration par participant" in text
    assert "100,00" not in text  # 50 / 0,5: the point figure is not given


def test_lower_is_better_turns_a_decrease_into_an_improvement():
    # Cigarettes per day −2 (CI −3 to −1), lower is better: improvement 2 (1 to 3) per person;
    # 30 / 2 = 15; 30 / 3 = 10; 30 / 1 = 30.
    outcomes = [
        {
            "indicator": "sleep",
            "label": "Cigarettes par jour",
            "scale": "continuous",
            "primary": True,
            "unit": "cigarettes/jour",
            "higher_is_better": False,
        }
    ]
    item = one(
        document(
            row(label="Cigarettes par jour", estimate=-2.0, ci_low=-3.0, ci_high=-1.0),
            outcomes=outcomes,
        ),  # fmt: skip
        Decimal("30.00"),
    )
    assert (item.status, item.value, item.low, item.high) == (
        BOUNDED,
        Decimal("15.00"),
        Decimal("10.00"),
        Decimal("30.00"),
    )
    assert "15,00 € pour 1 cigarettes/jour d'amélioration par participant" in euros(item.text)


@pytest.mark.parametrize(
    ("estimate", "low", "high", "higher_is_better"),
    [(-0.5, -0.75, -0.25, True), (1.0, 0.5, 1.5, False), (-0.5, -1.0, 0.2, True)],
)
def test_an_effect_in_the_wrong_direction_has_no_figure_and_says_why(
    estimate, low, high, higher_is_better
):
    outcomes = [{"indicator": "sleep", "label": "Sommeil", "scale": "continuous",
                 "primary": True, "unit": "h", "higher_is_better": higher_is_better}]  # fmt: skip
    item = one(document(row(estimate=estimate, ci_low=low, ci_high=high), outcomes=outcomes))
    assert item.status == WRONG_DIRECTION
    assert item.value is item.low is item.high is None
    assert "€" not in item.text and "mauvais sens" in item.text


def test_no_change_has_no_figure():
    item = one(document(row(estimate=0.0, ci_low=-0.2, ci_high=0.2)))
    assert item.status == NO_CHANGE and "€" not in item.text and "nul" in item.text


def test_yes_no_outcome_is_a_cost_per_additional_person_reaching_it():
    # Risk difference +0,10 (CI 0,05 to 0,20) relative to the comparison group:
    # 50 / 0,10 = 500; 50 / 0,20 = 250; 50 / 0,05 = 1 000 per additional person.
    outcomes = [{"indicator": "active", "label": "Actif 30 min par jour", "scale": "binary",
                 "primary": True, "unit": "", "higher_is_better": True}]  # fmt: skip
    result = row(indicator="active", label="Actif 30 min par jour", method="did_logit",
                 estimate=0.45, ci_low=0.2, ci_high=0.7, risk_difference=0.10,
                 risk_difference_ci_low=0.05, risk_difference_ci_high=0.20)  # fmt: skip
    item = one(document(result, design="controlled_pre_post", outcomes=outcomes))
    assert item.per_person and item.status == BOUNDED
    assert (item.value, item.low, item.high) == (
        Decimal("500.00"),
        Decimal("250.00"),
        Decimal("1000.00"),
    )
    assert euros(item.text) == (
        "« Actif 30 min par jour » : 500,00 € par personne supplémentaire atteignant le "
        "résultat souhaité (IC à 95 % : 250,00 € à 1 000,00 €)."
    )


def test_paired_yes_no_outcome_uses_the_difference_in_proportions():
    # McNemar: +0,25 (CI 0,10 to 0,40): 50 / 0,25 = 200; 50 / 0,40 = 125; 50 / 0,10 = 500.
    outcomes = [{"indicator": "active", "label": "Actif", "scale": "binary", "primary": True,
                 "unit": "", "higher_is_better": True}]  # fmt: skip
    result = row(indicator="active", label="Actif", method="mcnemar_exact", estimate=0.25,
                 ci_low=0.10, ci_high=0.40)  # fmt: skip
    item = one(document(result, outcomes=outcomes))
    assert (item.value, item.low, item.high) == (
        Decimal("200.00"),
        Decimal("125.00"),
        Decimal("500.00"),
    )


def test_withheld_and_ordinal_results_have_no_figure():
    suppressed = one(document(row(suppressed=True, estimate=None, n=None)))
    assert suppressed.status == NOT_AVAILABLE and "€" not in suppressed.text
    assert "moins de 10 personnes" in suppressed.text
    outcomes = [{"indicator": "sleep", "label": "Sommeil", "scale": "ordinal", "primary": True,
                 "unit": "", "higher_is_better": True}]  # fmt: skip
    ordinal = one(document(row(method="wilcoxon_signed_rank"), outcomes=outcomes))
    assert ordinal.status == NOT_AVAILABLE and "ordinale" in ordinal.text


def test_repeated_designs_name_the_wave():
    waves = {
        "waves": ["baseline", "post", "followup"],
        "wave_labels": {"baseline": "Rentrée", "post": "Juin", "followup": "Un an après"},
    }
    items = costs_per_change(
        document(
            row(wave="post"),
            row(wave="followup", estimate=0.25, ci_low=0.1, ci_high=0.4),
            design="repeated",
            **waves,
        ),  # fmt: skip
        COST,
    )
    assert [item.label for item in items] == ["Sommeil (Juin)", "Sommeil (Un an après)"]
    assert items[1].value == Decimal("200.00")  # 50 / 0,25


# The report and the dashboard, on a real run ---------------------------------------------------


@pytest.fixture
def costed_run(db):
    """A pre-post run of 30 participants (all reached) and 1 500 € of costs: 50 € each."""
    campaign = simulate_campaign(slug="couts-rapport", n_per_group=30)
    campaign.status = campaign.Status.EVALUATION
    campaign.save(update_fields=["status"])
    BudgetLine.objects.create(campaign=campaign, label="Animatrice", category="staff",
                              amount=Decimal("1200"))  # fmt: skip
    BudgetLine.objects.create(campaign=campaign, label="Temps bénévole", category="staff",
                              kind="in_kind", amount=Decimal("300"))  # fmt: skip
    run = services.evaluation_run_execute(
        run_id=services.evaluation_run_start(campaign=campaign, enqueue=False).pk
    )
    assert run.status == "succeeded", run.error
    return run


def test_report_has_a_costs_section_in_html_and_pdf(client, costed_run, django_user_model):
    run = costed_run
    expected = [item.text for item in costs_per_change(run.result, Decimal("50.00"))]
    assert expected and "Sleep score" in expected[0]
    client.force_login(member(django_user_model, run.campaign, "evaluator", "evaluatrice"))
    html = client.get(reverse("evaluation_runs:report", args=[run.pk])).content.decode()
    text = euros(page_text(html))
    assert "Coûts" in text and "Coût total 1 500 €" in text
    assert "dont dépenses financières 1 200 €" in text
    assert "dont contributions en nature valorisées 300 €" in text
    assert "Coût par participant atteint 50,00 €" in text and "Participants atteints 30" in text
    for sentence in expected:
        assert euros(sentence) in text
    pdf = euros(pdf_to_text(artifacts.render(run.result, "pdf")))
    assert "Coûts" in pdf and "Coût total" in pdf and "1 500 €" in pdf and "50,00 €" in pdf
    assert not raw_codes_in(pdf)
    assert "in_kind" not in text and "staff" not in text


def test_report_withholds_the_cost_per_participant_of_few_people(costed_run):
    from livinglab.evaluation.runs.costs import report_costs

    costs = report_costs(campaign=costed_run.campaign, document={**costed_run.result,
                         "min_cell_size": 31})  # fmt: skip
    facts = dict(costs["facts"])
    assert facts["Participants atteints"] == "moins de 31"
    assert "Coût par participant atteint" not in facts
    assert all("€" not in sentence for sentence in costs["sentences"])


def test_dashboard_shows_the_published_runs_cost_per_unit_of_change(
    client, costed_run, django_user_model
):
    run = costed_run
    campaign = run.campaign
    manager = member(django_user_model, campaign, "manager", "gestionnaire")
    client.force_login(manager)
    dashboard = reverse("campaigns_campaign:inspect", args=[campaign.pk])
    html = euros(client.get(dashboard).content.decode())
    assert "Coût par participant atteint : <strong>50,00 €</strong>" in html
    assert "data-cost-effectiveness" not in html  # nothing published yet
    services.evaluation_run_publish(run=run, user=manager)
    html = euros(client.get(dashboard).content.decode().replace("&#x27;", "'"))
    sentences = [euros(item.text) for item in costs_per_change(run.result, Decimal("50.00"))]
    assert sentences and "data-cost-effectiveness" in html
    for sentence in sentences:
        assert sentence in html


def test_format_euros_the_french_way():
    assert format_euros(Decimal("12500")) == f"12{NNBSP}500\u00a0€"
    assert format_euros(Decimal("41.666")) == "41,67\u00a0€"
    assert format_euros(Decimal("1000"), cents=True) == f"1{NNBSP}000,00\u00a0€"
