"""The result rows say which groups, waves and distinct people they used; attrition; families.

Issue #13: "n" of a controlled row counts observations (baseline + follow-up answers), the
summary needs distinct participants; the multiple-testing family is fixed by the protocol.
"""

import pytest

from livinglab.evaluation import stats
from livinglab.evaluation.models import Outcome, Response
from livinglab.evaluation.runs import services
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db


def run_document(campaign) -> dict:
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    run = services.evaluation_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    return run.result


def whole_sample(document, indicator, analysis="primary"):
    return [
        row
        for row in document["results"]
        if row["indicator"] == indicator and row["subgroup"] == "all"
        and row["analysis"] == analysis
    ]  # fmt: skip


def answered(campaign, indicator, *waves):
    """Distinct participant ids per group with an answer at every one of ``waves``."""
    found = {}
    for wave in waves:
        rows = Response.objects.filter(
            participant__campaign=campaign, indicator__code=indicator, wave__code=wave
        ).values_list("participant_id", "participant__group")
        found[wave] = set(rows)
    common = set.intersection(*found.values())
    return {group: sum(1 for _id, g in common if g == group) for _id, group in common}


def test_pre_post_rows_name_the_intervention_group_and_count_pairs():
    campaign = simulate_campaign(
        slug="numbers-pre-post",
        outcomes=(("sleep", "continuous"), ("smoker", "binary")),
        n_per_group=60,
        missing=0.1,
        subgroups=(),
    )
    lost = campaign.participants.order_by("code")[:15]
    Response.objects.filter(participant__in=list(lost), wave__code="post").delete()
    # People recorded in a comparison group the before/after design does not use.
    others = campaign.participants.order_by("-code")[:12]
    campaign.participants.filter(pk__in=[p.pk for p in others]).update(group="comparison")
    document = run_document(campaign)
    assert any("groupe de comparaison" in notice for notice in document["notices"])
    (sleep,) = whole_sample(document, "sleep")
    pairs = answered(campaign, "sleep", "baseline", "post")
    assert sleep["groups"] == ["intervention"] and sleep["waves"] == ["baseline", "post"]
    assert (
        sleep["participants"]
        == {"intervention": pairs["intervention"]}
        == {"intervention": sleep["n"]}
    )
    assert sleep["suppressed_reason"] == ""
    assert sleep["risk_difference"] is None and sleep["odds_ratio"] is None
    (smoker,) = whole_sample(document, "smoker")
    assert smoker["risk_difference"] == pytest.approx(smoker["estimate"])
    assert smoker["risk_difference_ci_low"] < smoker["risk_difference"]
    assert smoker["risk_difference"] < smoker["risk_difference_ci_high"]
    assert smoker["odds_ratio"] == smoker["effect_size"]
    assert smoker["odds_ratio_ci_low"] == smoker["effect_size_ci_low"]
    attrition = document["attrition"]
    assert set(attrition["by_group"]) == {"intervention"} and attrition["differential"] is None
    flow = {(c["stage"], c["detail"]): c["n"] for c in document["flow"]["stages"]}
    intervention = attrition["by_group"]["intervention"]
    assert intervention["baseline"] == flow[("answered", "baseline")]
    assert intervention["rate"] == pytest.approx(
        1 - intervention["completed"] / intervention["baseline"]
    )
    assert 0 < intervention["rate"] < 1
    (entry, _smoker) = attrition["completers_vs_dropouts"]
    assert entry["indicator"] == "sleep" and not entry["suppressed"]
    assert entry["n"]["dropouts"] >= 15 and entry["smd"] is not None
    assert attrition["baseline_imbalance"] == []


def test_controlled_rows_count_distinct_people_not_observations():
    campaign = simulate_campaign(
        slug="numbers-controlled",
        design="controlled_pre_post",
        outcomes=(("activity", "continuous"), ("fruit", "binary")),
        n_per_group=50,
        missing=0.1,
        subgroups=(),
    )
    document = run_document(campaign)
    did, ancova = whole_sample(document, "activity") + whole_sample(
        document, "activity", "secondary"
    )
    assert did["groups"] == ["intervention", "comparison"]
    assert did["waves"] == ["baseline", "post"]
    either = {
        group: len(
            set(
                Response.objects.filter(
                    participant__campaign=campaign,
                    participant__group=group,
                    indicator__code="activity",
                ).values_list("participant_id", flat=True)
            )
        )
        for group in ("intervention", "comparison")
    }
    assert did["participants"] == either
    assert sum(either.values()) < did["n"]  # n counts observations: the reason for this key
    assert ancova["participants"] == answered(campaign, "activity", "baseline", "post")
    # Fewer than 20 sites: one row per participant, classical OLS with N − 3 df.
    assert ancova["extra"]["variance"] == "classical"
    assert ancova["df"] == sum(ancova["participants"].values()) - 3 == ancova["n"] - 3
    (fruit,) = whole_sample(document, "fruit")
    assert fruit["odds_ratio"] == pytest.approx(fruit["effect_size"])
    assert fruit["risk_difference_ci_low"] < fruit["risk_difference"]
    assert fruit["risk_difference"] < fruit["risk_difference_ci_high"]
    attrition = document["attrition"]
    rates = {g: attrition["by_group"][g]["rate"] for g in ("intervention", "comparison")}
    assert attrition["differential"] == pytest.approx(rates["intervention"] - rates["comparison"])
    imbalance = {entry["indicator"]: entry for entry in attrition["baseline_imbalance"]}
    assert set(imbalance) == {"activity", "fruit"}
    assert imbalance["activity"]["smd"] is not None and not imbalance["activity"]["suppressed"]


def test_repeated_rows_name_every_wave():
    campaign = simulate_campaign(
        slug="numbers-repeated",
        design="repeated",
        waves=("t0", "t1", "t2"),
        outcomes=(("stress", "continuous"),),
        n_per_group=40,
        subgroups=(),
    )
    document = run_document(campaign)
    rows = whole_sample(document, "stress")
    assert [row["wave"] for row in rows] == ["t1", "t2"]
    for row in rows:
        assert row["waves"] == ["t0", "t1", "t2"] and row["groups"] == ["intervention"]
        assert row["participants"] == {"intervention": 40}
        assert row["extra"]["df_method"] == "satterthwaite" and 1 < row["df"] < 120


def test_suppressed_rows_say_why_and_withhold_the_new_numbers():
    campaign = simulate_campaign(
        slug="numbers-small",
        outcomes=(("sleep", "continuous"), ("smoker", "binary")),
        n_per_group=40,
        small_group=4,
        subgroups=("sex",),
    )
    document = run_document(campaign)
    rows = [
        row
        for row in document["results"]
        if row["subgroup"] != "all" and row["analysis"] == "primary"
    ]
    reasons = {(row["indicator"], row["subgroup"]["value"]): row for row in rows}
    small = reasons[("smoker", "other")]
    assert small["suppressed"] and small["suppressed_reason"] == "small"
    assert small["participants"] == {"intervention": None}
    assert small["risk_difference"] is None and small["odds_ratio"] is None
    assert small["groups"] == ["intervention"]
    complements = [row for row in rows if row["suppressed_reason"] == "complement"]
    assert complements and all(row["suppressed"] for row in complements)
    assert all(
        row["participants"]["intervention"] is None and row["estimate"] is None
        for row in complements
    )
    shown = [row for row in rows if not row["suppressed"]]
    assert all(row["suppressed_reason"] == "" for row in shown)


def test_a_suppressed_outcome_keeps_its_place_in_the_family():
    campaign = simulate_campaign(
        slug="numbers-family",
        outcomes=(("sleep", "continuous"), ("mood", "continuous"), ("rare", "continuous")),
        n_per_group=40,
        effect=0.3,
        subgroups=(),
    )
    Outcome.objects.filter(protocol__campaign=campaign).update(primary=True)
    rare = Response.objects.filter(indicator__code="rare", wave__code="post")
    rare.exclude(pk__in=list(rare.values_list("pk", flat=True)[:3])).delete()
    document = run_document(campaign)
    (sleep,) = whole_sample(document, "sleep")
    (mood,) = whole_sample(document, "mood")
    (hidden,) = whole_sample(document, "rare")
    assert hidden["suppressed"] and hidden["p_adjusted"] is None
    assert hidden["suppressed_reason"] == "small" and hidden["participants"] == {
        "intervention": None
    }
    # Holm (1979) with m = 3: the hidden outcome counts (as the largest p-value).
    p_values = sorted([sleep["p_value"], mood["p_value"]])
    first = min(3 * p_values[0], 1)
    second = min(max(first, 2 * p_values[1]), 1)
    adjusted = sorted([sleep["p_adjusted"], mood["p_adjusted"]])
    assert adjusted == pytest.approx([first, second])
    assert adjusted != pytest.approx(
        stats.adjust_pvalues(p_values=p_values, method="holm")
    )  # the family of the published rows alone (m = 2) would be smaller


def test_secondary_outcomes_form_their_own_family():
    campaign = simulate_campaign(
        slug="numbers-secondary",
        outcomes=(("sleep", "continuous"), ("mood", "continuous")),
        n_per_group=40,
        subgroups=(),
    )
    document = run_document(campaign)
    for indicator in ("sleep", "mood"):
        (row,) = whole_sample(document, indicator)
        # Alone in its family (primary: sleep, secondary: mood): nothing to adjust for.
        assert row["p_adjusted"] == pytest.approx(row["p_value"])
