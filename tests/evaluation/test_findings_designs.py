"""Summary sentences and summary-of-findings rows of real runs, one per design of the demo
(before/after, controlled before/after, repeated measures), sentence by sentence.

The participant counts are recomputed here from the stored responses, independently of the
run: distinct people, never observations.
"""

import re

import pytest

from livinglab.evaluation.measurement.catalogue import catalogue_load
from livinglab.evaluation.models import Indicator, Response
from livinglab.evaluation.runs import services
from livinglab.evaluation.runs.findings import summary_of_findings, summary_sentences
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db

NUMBER = r"[−]?\d+,\d+"


def run_of(campaign, **units):
    for code, unit in units.items():
        Indicator.objects.filter(code=code).update(unit=unit)
    run = services.evaluation_run_execute(
        run_id=services.evaluation_run_start(campaign=campaign, enqueue=False).pk
    )
    assert run.status == "succeeded", run.error
    return run.result


def people_with(campaign, indicator, waves, *, every: bool, group=None):
    """Distinct participants with a value at every (or any) of these waves."""
    answers = Response.objects.filter(
        participant__campaign=campaign, indicator__code=indicator, wave__code__in=waves
    )
    if group:
        answers = answers.filter(participant__group=group)
    seen: dict[int, set] = {}
    for participant, wave in answers.values_list("participant_id", "wave__code"):
        seen.setdefault(participant, set()).add(wave)
    return sum(1 for waves_seen in seen.values() if not every or waves_seen >= set(waves))


def test_before_after_sentence():
    campaign = simulate_campaign(
        slug="findings-pre-post",
        outcomes=(("sleep_hours", "continuous"), ("mood", "ordinal")),
        n_per_group=40,
        missing=0.1,
    )
    document = run_of(campaign, sleep_hours="h")
    pairs = people_with(campaign, "sleep_hours", ["baseline", "post"], every=True)
    observations = Response.objects.filter(
        participant__campaign=campaign, indicator__code="sleep_hours"
    ).count()
    assert pairs < 40 < observations
    (sentence,) = summary_sentences(document)  # one primary outcome: one sentence
    assert re.fullmatch(
        rf"« Sleep hours » a augmenté de {NUMBER} h \(IC à 95 % : {NUMBER} à {NUMBER}\) "
        rf"entre « mesure initiale » et « fin de l'intervention », chez {pairs} participants : "
        r"une amélioration\.",
        sentence,
    ), sentence
    (finding,) = summary_of_findings(document)
    assert finding.participants_text == f"chez {pairs} participants"
    assert finding.unit == "h" and finding.change_text.startswith("+")
    assert finding.certainty == "very_low"  # before/after ("low"), protocol not locked (−1)
    assert finding.baseline_level.endswith(" h") and finding.followup_level.endswith(" h")


def test_controlled_sentence_counts_people_per_group_not_observations():
    campaign = simulate_campaign(
        slug="findings-controlled",
        design="controlled_pre_post",
        outcomes=(("mvpa_minutes", "continuous"),),
        n_per_group=45,
        missing=0.1,
    )
    # A minimal important difference far below the interval's width: imprecise.
    Indicator.objects.filter(code="mvpa_minutes").update(minimal_important_difference=0.5)
    document = run_of(campaign, mvpa_minutes="min/jour")
    assert document["outcomes"][0]["minimal_important_difference"] == 0.5
    waves = ["baseline", "post"]
    treated = people_with(campaign, "mvpa_minutes", waves, every=False, group="intervention")
    controls = people_with(campaign, "mvpa_minutes", waves, every=False, group="comparison")
    (row,) = [
        r for r in document["results"] if r["subgroup"] == "all" and r["analysis"] == "primary"
    ]
    assert row["n"] > treated + controls  # observations: the old sentence's number
    (sentence,) = summary_sentences(document)
    assert re.fullmatch(
        rf"Par rapport au groupe de comparaison, « Mvpa minutes » a augmenté de {NUMBER} "
        rf"min/jour \(IC à 95 % : {NUMBER} à {NUMBER}\) dans le groupe intervention entre "
        rf"« mesure initiale » et « fin de l'intervention », chez {treated} participants du "
        rf"groupe intervention et {controls} du groupe de comparaison : une amélioration\.",
        sentence,
    ), sentence
    assert str(row["n"]) not in sentence
    (finding,) = summary_of_findings(document)
    assert finding.participants == {"intervention": treated, "comparison": controls}
    assert [level["group"] for level in finding.levels] == ["intervention", "comparison"]
    assert "imprecision_mid" in finding.certainty_rules
    assert any("différence minimale importante (0,5 min/jour)" in r for r in finding.reasons)


def test_catalogue_and_admin_form_carry_the_minimal_important_difference(client, django_user_model):
    catalogue_load()
    assert Indicator.objects.get(code="who5_wellbeing").minimal_important_difference == 10
    assert Indicator.objects.get(code="auditc_score").minimal_important_difference is None
    admin = django_user_model.objects.create_superuser("mid", "mid@example.org", "pw-mid-2026")
    client.force_login(admin)
    html = client.get("/admin/indicators/new/").content.decode()
    assert 'name="minimal_important_difference"' in html
    assert "Différence minimale importante" in html


def test_repeated_sentences_name_their_waves():
    campaign = simulate_campaign(
        slug="findings-repeated",
        design="repeated",
        waves=("baseline", "post", "suivi-6-mois"),
        outcomes=(("who5_wellbeing", "continuous"),),
        n_per_group=40,
        missing=0.1,
    )
    document = run_of(campaign, who5_wellbeing="points")
    everyone = people_with(
        campaign, "who5_wellbeing", ["baseline", "post", "suivi-6-mois"], every=False
    )
    first, second = summary_sentences(document)
    for sentence, wave in ((first, "fin de l'intervention"), (second, "suivi 6 mois")):
        assert re.fullmatch(
            rf"« Who5 wellbeing » a augmenté de {NUMBER} points \(IC à 95 % : {NUMBER} à "
            rf"{NUMBER}\) entre « mesure initiale » et « {wave} », chez {everyone} "
            r"participants : une amélioration\.",
            sentence,
        ), sentence
    findings = summary_of_findings(document)
    assert [f.wave_label for f in findings] == ["fin de l'intervention", "suivi 6 mois"]
