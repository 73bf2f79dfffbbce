"""Pooled evidence per indicator: which results enter, on which scale, in which strata.

The pooled numbers themselves are `stats.meta.random_effects` (tested against metafor in
test_stats_meta.py); here the expected DerSimonian–Laird figures are recomputed by hand from
the closed form (DerSimonian & Laird 1986, eq. 3.3) so that a mix-up of inputs would show.
"""

import io
import math

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from livinglab.evaluation.models import EvaluationRun, Indicator, PooledEvidence
from livinglab.evaluation.pooled import receivers
from livinglab.evaluation.pooled.selectors import pooled_evidence_for
from livinglab.evaluation.pooled.services import pooled_evidence_compute
from livinglab.evaluation.pooled.signals import pooled_evidence_computed
from livinglab.evaluation.runs import services
from tests.evaluation.pooled_builders import campaign_with_run, result_row

pytestmark = pytest.mark.django_db

Z = 1.959963984540054


def dersimonian_laird(estimates, lows, highs):
    y = np.array(estimates)
    v = ((np.array(highs) - np.array(lows)) / (2 * Z)) ** 2
    w = 1 / v
    mean_fixed = (w * y).sum() / w.sum()
    q = (w * (y - mean_fixed) ** 2).sum()
    tau2 = max(0.0, (q - (len(y) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    w_star = 1 / (v + tau2)
    return float((w_star * y).sum() / w_star.sum()), float(math.sqrt(1 / w_star.sum())), tau2


@pytest.fixture
def network():
    """Three published campaigns on sleep (two schools, one workplace), and those that must
    stay out: a suppressed row, an unpublished run, a superseded published run."""
    school_a = campaign_with_run(
        "ecole-a",
        result_row(estimate=0.2, ci_low=0.0, ci_high=0.4, participants={"intervention": 40}),
        settings=["school"],
        themes=["sommeil"],
    )
    campaign_with_run(
        "ecole-b",
        result_row(estimate=0.9, ci_low=0.6, ci_high=1.2, participants={"intervention": 55}),
        settings=["school"],
        themes=["sommeil"],
    )
    campaign_with_run(
        "entreprise-c",
        result_row(estimate=0.5, ci_low=0.1, ci_high=0.9, participants={"intervention": 48}),
        settings=["workplace"],
    )
    campaign_with_run("masquee", result_row(suppressed=True, estimate=None), settings=["school"])
    campaign_with_run("brouillon", result_row(estimate=5.0, ci_low=4, ci_high=6), published=False)
    # school A's first publication is superseded by its latest one (estimate 0.2 above)
    older = campaign_with_run("ancienne", result_row(estimate=9.0, ci_low=8.0, ci_high=10.0))
    older.campaign_id = school_a.campaign_id
    older.published_at = timezone.now() - timezone.timedelta(days=30)
    older.save()
    return Indicator.objects.get(code="sleep_score")


def test_pools_the_latest_published_unsuppressed_result_of_each_campaign(network):
    pooled_evidence_compute(indicator=network, charts=False)
    overall = pooled_evidence_for(network)
    numbers = overall.numbers
    assert overall.campaigns == 3
    assert overall.participants == 40 + 55 + 48
    assert overall.effect_scale == PooledEvidence.EffectScale.NATURAL
    assert numbers["unit"] == "h"
    assert [study["title"] for study in numbers["studies"]] == [
        "Ecole A",
        "Ecole B",
        "Entreprise C",
    ]
    assert {item["title"] for item in numbers["excluded"]} == {"Masquee"}
    mean, se, tau2 = dersimonian_laird([0.2, 0.9, 0.5], [0.0, 0.6, 0.1], [0.4, 1.2, 0.9])
    assert numbers["dl"]["estimate"] == pytest.approx(mean)
    assert numbers["dl"]["se"] == pytest.approx(se)
    assert numbers["dl"]["tau2"] == pytest.approx(tau2)
    assert tau2 > 0  # 0.2 and 0.9 disagree
    assert numbers["dl"]["ci_low"] == pytest.approx(mean - Z * se)
    pm = numbers["pm"]
    assert pm["k"] == 3 and pm["pi_low"] < pm["ci_low"] < pm["estimate"] < pm["ci_high"]
    assert sum(study["weight"] for study in numbers["studies"]) == pytest.approx(1)


def test_strata_by_setting_and_theme(network):
    pooled_evidence_compute(indicator=network, charts=False)
    school = pooled_evidence_for(network, setting="school")
    assert school.campaigns == 2 and school.participants == 95
    assert school.numbers["dl"]["k"] == 2
    assert school.numbers["pm"]["pi_low"] is None  # no prediction interval from two campaigns
    workplace = pooled_evidence_for(network, setting="workplace")
    assert workplace.campaigns == 1
    assert workplace.numbers["dl"] is None  # one campaign is not pooled, only listed
    assert pooled_evidence_for(network, setting="university") is None
    theme = network.pooled_evidence.get(theme__slug="sommeil")
    assert theme.campaigns == 2 and not theme.setting


def test_recomputing_replaces_and_an_unpublished_network_leaves_nothing(
    network, django_capture_on_commit_callbacks
):
    computed = []
    pooled_evidence_computed.connect(
        lambda sender, indicator, **kwargs: computed.append(indicator.code),
        weak=False,
        dispatch_uid="test_pooled_computed",
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            pooled_evidence_compute(indicator=network, charts=False)
    finally:
        pooled_evidence_computed.disconnect(dispatch_uid="test_pooled_computed")
    assert computed == ["sleep_score"]  # pages' caches can listen
    first = PooledEvidence.objects.count()
    pooled_evidence_compute(indicator=network, charts=False)
    assert PooledEvidence.objects.count() == first == 1 + 2 + 1  # overall, 2 settings, 1 theme
    EvaluationRun.objects.update(published_at=None)
    pooled_evidence_compute(indicator=network, charts=False)
    assert not PooledEvidence.objects.exists()


def test_standardised_effects_when_units_differ():
    campaign_with_run(
        "minutes",
        result_row(
            estimate=30,
            ci_low=10,
            ci_high=50,
            effect_size=0.5,
            effect_size_ci_low=0.2,
            effect_size_ci_high=0.8,
        ),
        unit="min",
    )
    campaign_with_run(
        "heures", result_row(effect_size=0.3, effect_size_ci_low=0.0, effect_size_ci_high=0.6)
    )
    campaign_with_run(
        "rangs",
        result_row(effect_size=0.4, effect_size_name="rank_biserial_r"),  # not a d
    )
    indicator = Indicator.objects.get(code="sleep_score")
    pooled_evidence_compute(indicator=indicator, charts=False)
    overall = pooled_evidence_for(indicator)
    assert overall.effect_scale == PooledEvidence.EffectScale.STANDARDISED
    assert overall.numbers["unit"] == ""
    assert [study["estimate"] for study in overall.numbers["studies"]] == [0.3, 0.5]
    assert [item["title"] for item in overall.numbers["excluded"]] == ["Rangs"]
    assert overall.numbers["dl"]["estimate"] == pytest.approx(
        dersimonian_laird([0.3, 0.5], [0.0, 0.2], [0.6, 0.8])[0]
    )


def test_forest_plot_png_and_svg_titled_with_indicator_unit_and_campaigns(network, client):
    pooled_evidence_compute(indicator=network)
    overall = pooled_evidence_for(network)
    assert set(overall.charts) == {"png", "svg"}
    png = client.get(reverse("evaluation_pooled:forest_plot", args=[overall.pk, "png"]))
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    svg = client.get(reverse("evaluation_pooled:forest_plot", args=[overall.pk, "svg"]))
    text = svg.content.decode()
    assert svg["Content-Type"] == "image/svg+xml"
    for words in (
        "Temps de sommeil (h)",
        "Ecole B",
        "Entreprise C",
        "Effet groupé",
        "intervalle de prédiction",
        "changement (h)",
    ):
        assert words in text, words
    assert (
        client.get(reverse("evaluation_pooled:forest_plot", args=[overall.pk, "pdf"])).status_code
        == 404
    )


def test_command_recomputes_every_indicator(network):
    out = io.StringIO()
    call_command("compute_pooled_evidence", stdout=out)
    assert "sleep_score : 4 résultat(s) groupé(s)" in out.getvalue()
    assert pooled_evidence_for(network).campaigns == 3


def test_publication_queues_a_recomputation_after_commit(
    django_user_model, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    from livinglab.evaluation.pooled.tasks import pooled_evidence_task

    monkeypatch.setattr(pooled_evidence_task, "delay", lambda codes: sent.append(codes))
    run = campaign_with_run("a-publier", result_row(), published=False)
    manager = django_user_model.objects.create_superuser("publie", password="x")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.evaluation_run_publish(run=run, user=manager)
    assert sent == []  # nothing before the commit
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    assert sent == [["sleep_score"]]
    assert receivers.measured_indicators(run) == ["sleep_score"]


def test_withdrawal_queues_a_recomputation_that_drops_the_campaign(
    network, django_user_model, monkeypatch, django_capture_on_commit_callbacks
):
    from livinglab.evaluation.pooled.tasks import pooled_evidence_task

    sent = []
    monkeypatch.setattr(pooled_evidence_task, "delay", lambda codes: sent.append(codes))
    pooled_evidence_compute(indicator=network, charts=False)
    run = EvaluationRun.objects.get(campaign__slug="ecole-b")
    manager = django_user_model.objects.create_superuser("retire", password="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_run_withdraw(run=run, user=manager, reason="Erreur de saisie")
    assert sent == [["sleep_score"]]
    pooled_evidence_task.run(codes=sent[0])  # what the worker does with the message
    overall = pooled_evidence_for(network)
    assert overall.campaigns == 2
    assert "Ecole B" not in [study["title"] for study in overall.numbers["studies"]]
    assert pooled_evidence_for(network, setting="school").campaigns == 1


def test_admin_lists_the_pooled_figures_in_french(network, client, django_user_model):
    pooled_evidence_compute(indicator=network, charts=False)
    client.force_login(django_user_model.objects.create_superuser("lecture", password="x"))
    page = client.get(reverse("evaluation_pooled_admin:index"))
    assert page.status_code == 200
    text = page.content.decode()
    pm = pooled_evidence_for(network).numbers["pm"]
    assert "Temps de sommeil" in text and "unités de l&#x27;indicateur (h)" in text
    assert f"+{pm['estimate']:.2f}".replace(".", ",") in text
    assert (
        reverse("evaluation_pooled:forest_plot", args=[pooled_evidence_for(network).pk, "svg"])
        in text
    )
