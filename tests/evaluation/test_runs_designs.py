"""A run per design: methods, sign conventions, flow, adjustment and the outputs on disk."""

import pytest
from django.core.files.storage import storages

from livinglab.evaluation.models import EvaluationRun
from livinglab.evaluation.runs import services
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db

RESULT_KEYS = {
    "indicator", "subgroup", "method", "n", "estimate", "ci_low", "ci_high", "statistic", "df",
    "p_value", "p_adjusted", "effect_size", "effect_size_name", "effect_size_ci_low",
    "effect_size_ci_high", "suppressed",
}  # fmt: skip


def run_sync(campaign) -> EvaluationRun:
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    return services.evaluation_run_execute(run_id=run.pk)


def primary(document, indicator, subgroup="all"):
    return [
        row
        for row in document["results"]
        if row["indicator"] == indicator
        and row["subgroup"] == subgroup
        and row["analysis"] == "primary"
    ]


def test_pre_post_methods_signs_and_document_shape():
    campaign = simulate_campaign(
        slug="pre-post",
        outcomes=(("sleep", "continuous"), ("smoker", "binary"), ("mood", "ordinal")),
        n_per_group=60,
        effect=0.8,
    )
    run = run_sync(campaign)
    assert run.status == "succeeded", run.error
    document = run.result
    assert {"campaign", "protocol_version", "protocol_hash", "design", "generated_at", "flow",
            "descriptives", "results", "deviations"} <= set(document)  # fmt: skip
    assert document["campaign"] == "pre-post" and document["design"] == "pre_post"
    for row in document["results"]:
        assert RESULT_KEYS <= set(row)
    (sleep,) = primary(document, "sleep")
    assert sleep["method"] == "paired_t"
    assert sleep["estimate"] > 0 and sleep["statistic"] > 0 and sleep["ci_low"] > 0
    assert sleep["effect_size"] > 0 and sleep["effect_size_name"] == "cohens_dz"
    sensitivity = [r for r in document["results"] if r["analysis"] == "sensitivity"]
    assert {r["method"] for r in sensitivity} == {"wilcoxon_signed_rank"}
    (smoker,) = primary(document, "smoker")
    assert smoker["method"] in {"mcnemar_exact", "mcnemar_chi2"} and smoker["estimate"] > 0
    (mood,) = primary(document, "mood")
    assert mood["method"] == "wilcoxon_signed_rank" and mood["effect_size"] > 0
    # Holm across the three primary whole-sample rows: adjusted ≥ raw.
    for row in (sleep, smoker, mood):
        assert row["p_adjusted"] >= row["p_value"]
    stages = {(c["stage"], c["detail"]) for c in document["flow"]["stages"]}
    assert {("enrolled", None), ("answered", "baseline"), ("answered", "post"),
            ("analysed", "sleep")} <= stages  # fmt: skip
    assert "Protocole non verrouillé" in document["deviations"][0]
    private = storages["private"]
    for key in ("json", "csv", "xlsx", "pdf"):
        assert private.exists(run.artifacts[key])
    assert run.artifacts["charts"] and all(
        private.exists(chart["svg"]) for chart in run.artifacts["charts"]
    )


def test_controlled_design_uses_did_with_site_clusters_and_ancova():
    campaign = simulate_campaign(
        slug="controlled",
        design="controlled_pre_post",
        outcomes=(("activity", "continuous"), ("fruit", "binary")),
        n_per_group=50,
        sites=24,
        effect=0.8,
    )
    run = run_sync(campaign)
    assert run.status == "succeeded", run.error
    (activity,) = primary(run.result, "activity")
    assert activity["method"] == "did_ols" and activity["estimate"] > 0
    assert activity["statistic"] > 0 and activity["extra"]["n_clusters"] == 24
    secondary = [r for r in run.result["results"] if r["method"] == "ancova"]
    assert secondary and secondary[0]["subgroup"] == "all" and secondary[0]["estimate"] > 0
    (fruit,) = primary(run.result, "fruit")
    assert fruit["method"] == "did_logit" and fruit["estimate"] > 0
    groups = {cell["group"] for cell in run.result["descriptives"]}
    assert groups == {"all", "intervention", "comparison"}


def test_repeated_design_gives_one_contrast_per_follow_up_wave():
    campaign = simulate_campaign(
        slug="repeated",
        design="repeated",
        waves=("t0", "t1", "t2"),
        outcomes=(("stress", "continuous"),),
        n_per_group=40,
        effect=0.8,
    )
    run = run_sync(campaign)
    assert run.status == "succeeded", run.error
    rows = primary(run.result, "stress")
    assert [r["wave"] for r in rows] == ["t1", "t2"]
    assert all(r["method"] == "mixed_model" and r["estimate"] > 0 for r in rows)


def test_an_outcome_with_too_few_pairs_is_suppressed_not_fatal():
    campaign = simulate_campaign(
        slug="partly-small", outcomes=(("sleep", "continuous"), ("rare", "continuous"))
    )
    from livinglab.evaluation.models import Response

    rare = Response.objects.filter(indicator__code="rare", wave__code="post")
    rare.exclude(pk__in=list(rare.values_list("pk", flat=True)[:3])).delete()
    run = run_sync(campaign)
    assert run.status == "succeeded", run.error
    (row,) = primary(run.result, "rare")
    assert row["suppressed"] and row["estimate"] is None and row["n"] is None
    assert any("pas assez de paires complètes pour « Rare »" in n for n in run.result["notices"])


def test_nothing_analysable_fails_with_a_french_message():
    campaign = simulate_campaign(slug="tiny", n_per_group=4, subgroups=())
    run = run_sync(campaign)
    assert run.status == "failed"
    assert "pas assez de paires complètes pour « Sleep score »" in run.error
    assert "< 10" in run.error or ": 4 < 10" in run.error


def test_withdrawn_participants_are_excluded():
    campaign = simulate_campaign(slug="withdrawn", n_per_group=30)
    before = run_sync(campaign).result
    # As the participant's admin form or the participants import do: one save per person
    # (a queryset update would bypass the campaign's data version, which saves bump).
    for participant in campaign.participants.filter(code__in=["int000001", "int000002"]):
        participant.withdrawal_date = "2026-01-01"
        participant.save()
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    after = services.evaluation_run_execute(run_id=run.pk).result
    enrolled = {
        doc_id: next(c for c in doc["flow"]["stages"] if c["stage"] == "enrolled")["n"]
        for doc_id, doc in (("before", before), ("after", after))
    }
    assert enrolled == {"before": 30, "after": 28}


def test_identical_inputs_reuse_the_succeeded_run_unless_forced():
    campaign = simulate_campaign(slug="reuse", n_per_group=20)
    first = run_sync(campaign)
    assert services.evaluation_run_start(campaign=campaign, enqueue=False).pk == first.pk
    forced = services.evaluation_run_start(campaign=campaign, enqueue=False, force=True)
    assert forced.pk != first.pk
    # Executing a finished run again changes nothing (redelivered message).
    again = services.evaluation_run_execute(run_id=first.pk)
    assert again.attempts == 1 and again.result == first.result


def test_too_few_sites_cluster_by_participant_instead():
    """Two sites, one per group: site-clustered errors would collapse; people are the clusters."""
    campaign = simulate_campaign(
        slug="two-sites", design="controlled_pre_post", outcomes=(("activity", "continuous"),),
        n_per_group=30, sites=2, effect=0.8,
    )  # fmt: skip
    run = run_sync(campaign)
    (activity,) = primary(run.result, "activity")
    assert activity["extra"]["n_clusters"] == 60
    assert activity["ci_low"] < activity["estimate"] < activity["ci_high"]


def test_a_binary_outcome_everyone_answered_alike_in_one_cell_claims_no_odds_ratio():
    """Every comparison participant answers 0 at baseline: the logit's maximum likelihood
    estimate does not exist (separation), so the run reports no odds ratio and no p-value
    (it used to print p = 0 with an interval of width 0), and says why in plain French."""
    from livinglab.evaluation.models import Response

    campaign = simulate_campaign(
        slug="separated", design="controlled_pre_post",
        outcomes=(("sleep", "continuous"), ("smoker", "binary")), n_per_group=30, subgroups=(),
    )  # fmt: skip
    cell = Response.objects.filter(
        indicator__code="smoker", wave__code="baseline", participant__group="comparison"
    )
    assert cell.exclude(value=0).exists()  # the builder's data had both answers there
    cell.update(value=0.0)
    run = run_sync(campaign)
    assert run.status == "succeeded", run.error
    (row,) = primary(run.result, "smoker")
    assert row["method"] == "did_logit"
    assert row["estimate"] is None and row["p_value"] is None and row["ci_low"] is None
    notice = "« Smoker » : résultat non calculable (dans un des groupes, à l'une des vagues, "
    assert any(n.startswith(notice) and "tous oui ou tous non" in n for n in run.result["notices"])


def test_every_reason_without_numbers_is_said_in_french_and_english():
    import json

    from django.utils import translation

    from livinglab.evaluation.runs.analysis import reason_text
    from livinglab.evaluation.stats.results import NoNumbers, empty_result

    for reason in NoNumbers:
        stored = json.loads(json.dumps(empty_result("m", 0, reason).to_dict()))["extra"]["reason"]
        assert stored == reason.value  # the results document keeps the plain English text
        french = reason_text(stored)
        with translation.override("en"):
            english = reason_text(stored)
        assert french != stored and english != french, reason  # some English equal the code's
