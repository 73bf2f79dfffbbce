"""The plain-language summary and the summary-of-findings rows, from results documents.

Pure: documents are written here (the shape of a run's ``result``), no database.
"""

import math

import pytest
from scipy import stats as scipy_stats

from livinglab.evaluation import stats
from livinglab.evaluation.runs.document import results_json, results_xlsx, summary_rows
from livinglab.evaluation.runs.findings import (
    decimals_for,
    format_number,
    format_p_value,
    readable_results,
    summary_of_findings,
    summary_sentences,
)

MINUS = "\u2212"


def row(**values):
    base = {
        "indicator": "sleep",
        "label": "Sommeil",
        "subgroup": "all",
        "wave": "post",
        "analysis": "primary",
        "method": "paired_t",
        "n": 40,
        "estimate": 0.5,
        "ci_low": 0.25,
        "ci_high": 0.75,
        "statistic": 4.0,
        "df": 39.0,
        "p_value": 0.0003,
        "p_adjusted": 0.0003,
        "effect_size": 0.6,
        "effect_size_name": "cohens_dz",
        "suppressed": False,
    }
    return {**base, **values}


def document(*rows, design="pre_post", outcomes=None, **extra):
    return {
        "design": design,
        "alpha": 0.05,
        "min_cell_size": 10,
        "protocol_locked": True,
        "waves": ["baseline", "post"],
        "wave_labels": {"baseline": "Rentrée", "post": "Juin"},
        "outcomes": outcomes
        or [
            {
                "indicator": "sleep",
                "label": "Sommeil",
                "scale": "continuous",
                "primary": True,
                "unit": "h",
                "higher_is_better": True,
            }
        ],
        "flow": {"groups": ["all"], "stages": []},
        "descriptives": [],
        "results": list(rows),
        **extra,
    }


def test_french_numbers_at_the_precision_they_need():
    assert format_number(-0.456, 2) == f"{MINUS}0,46"
    assert format_number(0.0004, 4, signed=True) == "+0,0004"
    assert format_number(-0.00001, 2) == "0,00"  # never "−0,00"
    assert decimals_for(spread=3.3) == 1  # 11,0 (7,7 à 14,3)
    assert decimals_for(spread=0.135) == 2
    assert decimals_for(spread=0.0016) == 4
    assert format_p_value(0.00002) == "< 0,001"
    assert format_p_value(0.0123) == "0,012"
    assert format_p_value(None) == "—"


def test_pre_post_sentence_names_people_unit_waves_and_verdict():
    (sentence,) = summary_sentences(document(row(n=38)))
    assert sentence == (
        "« Sommeil » a augmenté de 0,50 h (IC à 95 % : 0,25 à 0,75) entre « Rentrée » et "
        "« Juin », chez 38 participants : une amélioration."
    )


def test_a_decrease_gives_the_interval_of_the_decrease():
    (sentence,) = summary_sentences(document(row(estimate=-0.9, ci_low=-1.1, ci_high=-0.7)))
    assert "a diminué de 0,90 h (IC à 95 % : 0,70 à 1,10)" in sentence
    assert "une dégradation" in sentence  # higher is better for sleep


def test_a_tiny_change_is_shown_with_the_digits_it_needs_never_zero():
    (sentence,) = summary_sentences(
        document(row(estimate=-0.0004, ci_low=-0.0012, ci_high=0.0004, p_value=0.3, p_adjusted=0.3))
    )
    assert "0,00 " not in sentence and "0,00)" not in sentence
    assert "a diminué de 0,00040 h (IC à 95 % : −0,00040 à 0,00120)" in sentence
    assert "une différence qui peut être due au hasard" in sentence


def test_no_change_at_all_says_so_without_a_degenerate_interval():
    smoking = {
        "indicator": "smoking",
        "label": "Tabagisme quotidien",
        "scale": "binary",
        "primary": True,
        "unit": "",
        "higher_is_better": False,
    }
    unchanged = row(
        indicator="smoking",
        label="Tabagisme quotidien",
        method="mcnemar_exact",
        n=33,
        estimate=0.0,
        ci_low=0.0,
        ci_high=0.0,
        p_value=1.0,
        p_adjusted=1.0,
        effect_size=None,
        effect_size_name="odds_ratio_discordant",
    )
    (sentence,) = summary_sentences(document(unchanged, outcomes=[smoking]))
    assert sentence == (
        "« Tabagisme quotidien » n'a pas changé entre « Rentrée » et « Juin », chez 33 "
        "participants : une différence qui peut être due au hasard."
    )


def wilson(successes, n, z):
    centre = (successes / n + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(successes / n * (1 - successes / n) / n + z * z / (4 * n * n))
    return centre - half / (1 + z * z / n), centre + half / (1 + z * z / n)


def newcombe_paired(both, first_only, second_only, neither, z):
    """Newcombe (Stat Med 1998;17:2635), method 10: square-and-add of Wilson intervals with
    the continuity-corrected correlation φ, for p1 − p2 of paired proportions."""
    n = both + first_only + second_only + neither
    p1, p2 = (both + first_only) / n, (both + second_only) / n
    l1, u1 = wilson(both + first_only, n, z)
    l2, u2 = wilson(both + second_only, n, z)
    a = (both + first_only) * (second_only + neither) * (both + second_only)
    a *= first_only + neither
    b = both * neither - first_only * second_only
    c = b - n / 2 if b > n / 2 else 0 if b >= 0 else b
    phi = c / math.sqrt(a)
    delta = math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    epsilon = math.sqrt((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    return p1 - p2, p1 - p2 - delta, p1 - p2 + epsilon


def test_binary_pre_post_in_percentage_points_checked_against_agresti():
    """Agresti, Categorical Data Analysis (2nd ed.), §10.1.1: approval of the Prime Minister
    in two surveys of the same 1600 people (794 approve twice, 150 approve→disapprove, 86
    disapprove→approve, 570 disapprove twice). Difference of proportions −0,04, 95 % CI
    (−0,06 ; −0,02) (Wald). The run's interval is Newcombe's (method 10), recomputed here
    independently; both agree with Agresti's printed interval, then the sentence reads it in
    percentage points."""
    baseline = [1] * 794 + [1] * 150 + [0] * 86 + [0] * 570
    followup = [1] * 794 + [0] * 150 + [1] * 86 + [0] * 570
    result = stats.mcnemar(baseline=baseline, followup=followup).to_dict()
    z = scipy_stats.norm.ppf(0.975)
    n, b, c = 1600, 86, 150
    wald = (b - c) / n, math.sqrt((b + c) - (b - c) ** 2 / n) / n
    assert round(wald[0], 2) == -0.04
    assert (round(wald[0] - z * wald[1], 2), round(wald[0] + z * wald[1], 2)) == (-0.06, -0.02)
    difference, low, high = newcombe_paired(794, 86, 150, 570, z)  # follow-up first
    assert (round(low, 2), round(high, 2)) == (-0.06, -0.02)
    approval = {
        "indicator": "approve",
        "label": "Approbation",
        "scale": "binary",
        "primary": True,
        "unit": "",
        "higher_is_better": True,
    }
    published = row(indicator="approve", label="Approbation", **result, p_adjusted=None)
    (sentence,) = summary_sentences(document(published, outcomes=[approval]))
    decrease, decrease_low, decrease_high = -100 * difference, -100 * high, -100 * low
    expected = (
        f"a diminué de {decrease:.1f} points de pourcentage "
        f"(IC à 95 % : {decrease_low:.1f} à {decrease_high:.1f}"
    ).replace(".", ",")
    assert expected == "a diminué de 4,0 points de pourcentage (IC à 95 % : 2,1 à 5,9"
    assert expected in sentence
    assert "rapport de cotes 0,57" in sentence  # 86/150 discordant pairs
    assert "chez 1\xa0600 participants" in sentence  # French grouping, no-break space
    (finding,) = summary_of_findings(document(published, outcomes=[approval]))
    assert finding.binary and finding.unit == "points de pourcentage"
    assert finding.change == pytest.approx(100 * difference)
    assert (finding.ci_low, finding.ci_high) == pytest.approx((100 * low, 100 * high))


BREAKFAST = {
    "indicator": "breakfast",
    "label": "Petit-déjeuner quotidien",
    "scale": "binary",
    "primary": True,
    "unit": "",
    "higher_is_better": True,
}


def controlled_binary_row(**values):
    return row(
        indicator="breakfast",
        label="Petit-déjeuner quotidien",
        method="did_logit",
        n=226,
        estimate=0.62,  # log-odds: never shown to readers
        ci_low=0.1,
        ci_high=1.14,
        p_value=0.02,
        p_adjusted=0.02,
        effect_size=1.86,
        effect_size_name="odds_ratio",
        effect_size_ci_low=1.1,
        effect_size_ci_high=3.13,
        participants={"intervention": 60, "comparison": 58},
        **values,
    )


def test_controlled_binary_reads_percentage_points_beside_the_odds_ratio():
    published = controlled_binary_row(
        risk_difference=0.123,
        risk_difference_ci_low=0.021,
        risk_difference_ci_high=0.226,
        odds_ratio=1.86,
        odds_ratio_ci_low=1.1,
        odds_ratio_ci_high=3.13,
    )
    (sentence,) = summary_sentences(
        document(published, design="controlled_pre_post", outcomes=[BREAKFAST])
    )
    assert sentence == (
        "Par rapport au groupe de comparaison, « Petit-déjeuner quotidien » a augmenté de 12 "
        "points de pourcentage (IC à 95 % : 2 à 23 ; rapport de cotes 1,86 (IC à 95 % : 1,10 "
        "à 3,13)) dans le groupe intervention entre « Rentrée » et « Juin », chez 60 "
        "participants du groupe intervention et 58 du groupe de comparaison : une amélioration."
    )
    assert "0,62" not in sentence  # the log-odds difference


def test_controlled_binary_without_risk_difference_shows_the_odds_ratio_only():
    (sentence,) = summary_sentences(
        document(controlled_binary_row(), design="controlled_pre_post", outcomes=[BREAKFAST])
    )
    assert "a augmenté (rapport de cotes 1,86 (IC à 95 % : 1,10 à 3,13))" in sentence
    assert "0,62" not in sentence and "points de pourcentage" not in sentence


def test_people_come_from_the_flow_not_the_observations():
    flow = {
        "groups": ["intervention", "comparison"],
        "stages": [
            {"stage": "analysed", "detail": "sleep", "group": "all", "n": 120},
            {"stage": "analysed", "detail": "sleep", "group": "intervention", "n": 60},
            {"stage": "analysed", "detail": "sleep", "group": "comparison", "n": 60},
        ],
    }
    did = row(method="did_ols", n=226)  # 226 observations of 120 people
    (sentence,) = summary_sentences(document(did, design="controlled_pre_post", flow=flow))
    assert "226" not in sentence
    assert "chez 60 participants du groupe intervention et 60 du groupe de comparaison" in sentence
    assert sentence.startswith("Par rapport au groupe de comparaison, « Sommeil » a augmenté")


def test_repeated_design_names_each_follow_up_wave():
    waves = {"baseline": "Rentrée", "post": "Juin", "m6": "Six mois après"}
    rows = [
        row(method="mixed_model", wave="post", participants={"intervention": 80}),
        row(method="mixed_model", wave="m6", participants={"intervention": 80}),
    ]
    sentences = summary_sentences(
        document(*rows, design="repeated", waves=["baseline", "post", "m6"], wave_labels=waves)
    )
    assert ["entre « Rentrée » et « Juin »" in s for s in sentences] == [True, False]
    assert "entre « Rentrée » et « Six mois après »" in sentences[1]


def test_only_primary_outcomes_are_summarised_and_suppressed_ones_say_why():
    outcomes = [
        {"indicator": "sleep", "label": "Sommeil", "scale": "continuous", "primary": True},
        {"indicator": "mood", "label": "Humeur", "scale": "continuous", "primary": False},
        {"indicator": "pain", "label": "Douleur", "scale": "continuous", "primary": True},
    ]
    rows = [
        row(),
        row(indicator="mood", label="Humeur"),
        row(indicator="pain", label="Douleur", suppressed=True, estimate=None, n=None),
    ]
    sentences = summary_sentences(document(*rows, outcomes=outcomes))
    assert len(sentences) == 2 and "Humeur" not in " ".join(sentences)
    assert sentences[1] == "« Douleur » : résultat masqué : moins de 10 personnes."


def test_levels_per_group_and_wave_in_the_summary_of_findings():
    cells = [
        {"indicator": "sleep", "wave": w, "group": g, "mean": m, "suppressed": False}
        for w, g, m in [
            ("baseline", "intervention", 6.41),
            ("post", "intervention", 6.93),
            ("baseline", "comparison", 6.38),
        ]
    ] + [{"indicator": "sleep", "wave": "post", "group": "comparison", "suppressed": True}]
    (finding,) = summary_of_findings(
        document(row(method="did_ols"), design="controlled_pre_post", descriptives=cells)
    )
    assert finding.baseline_level == "Intervention : 6,4 h ; Comparaison : 6,4 h"
    assert finding.followup_level == "Intervention : 6,9 h ; Comparaison : masqué"
    assert finding.change_text == "+0,50 h (IC à 95 % : 0,25 à 0,75)"
    assert finding.certainty == "high" and finding.certainty_label == "élevée"


def test_readable_rows_use_labels_and_say_why_a_cell_is_hidden():
    rows = [
        row(subgroup={"dimension": "sex", "value": "not_stated"}, p_value=0.0001),
        row(
            subgroup={"dimension": "age_band", "value": "11-14"},
            suppressed=True,
            suppressed_reason="complement",
            estimate=None,
            n=None,
        ),
        row(subgroup={"dimension": "sex", "value": "other"}, suppressed=True, estimate=None),
    ]
    shown = readable_results(document(*rows))
    assert shown[0]["subgroup"] == "Sexe : Non renseigné"
    assert shown[0]["p_value"] == "< 0,001" and shown[0]["method_label"] == "test t apparié"
    assert shown[1]["subgroup"] == "Tranche d'âge : 11–14 ans"
    assert shown[1]["suppressed_text"] == "masqué pour protéger un autre groupe"
    assert shown[2]["suppressed_text"] == "masqué : moins de 10 personnes"


def test_results_json_carries_summary_and_findings():
    import json

    payload = json.loads(results_json(document(row())))
    assert payload["summary"] == summary_sentences(document(row()))
    assert payload["findings"][0]["indicator"] == "sleep"
    # Before/after without comparison starts "low"; locked, precise: it stays there.
    assert payload["findings"][0]["certainty"] == "low"


def test_run_summary_and_workbook_use_labels_and_carry_the_summary():
    from io import BytesIO

    from openpyxl import load_workbook

    run = document(
        row(method="did_ols"),
        design="controlled_pre_post",
        campaign="bouge",
        protocol_version=2,
        protocol_hash="abc",
        generated_at="2026-12-01T10:00:00",
        correction="holm",
        flow={"groups": ["all"], "stages": []},
    )
    facts = dict((str(label), value) for label, value in summary_rows(run))
    assert facts["Plan"] == "Avant/après avec groupe de comparaison"
    assert facts["Vagues"] == "Rentrée, Juin"
    assert facts["Correction des tests multiples"] == "Holm"
    sheet = load_workbook(BytesIO(results_xlsx(run)))["summary"]
    cells = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert summary_sentences(run)[0] in cells
