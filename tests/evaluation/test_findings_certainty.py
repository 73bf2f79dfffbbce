"""Certainty of the evidence: each rule of docs/certainty.md flips the rating on its own."""

import copy

from livinglab.evaluation.runs.findings import certainty_of, summary_of_findings
from tests.evaluation.test_findings import document, row


def controlled(**extra):
    """A controlled, locked, precise result with little attrition: certainty "high"."""
    attrition = {
        "by_group": {
            "intervention": {"baseline": 60, "completed": 54, "rate": 0.10, "suppressed": False},
            "comparison": {"baseline": 60, "completed": 55, "rate": 0.083, "suppressed": False},
        },
        "differential": 0.017,
        "completers_vs_dropouts": [],
        "baseline_imbalance": [{"indicator": "sleep", "label": "Sommeil", "smd": 0.05}],
    }
    base = document(row(method="did_ols"), design="controlled_pre_post", attrition=attrition)
    for key, value in extra.items():
        base[key] = value
    return base


def rating(doc):
    return certainty_of(doc, doc["results"][0])


def test_the_reference_case_is_high():
    assert rating(controlled()).level == "high"
    assert rating(controlled()).label == "élevée"


def test_uncontrolled_before_after_starts_low():
    doc = controlled(design="pre_post")
    result = rating(doc)
    assert result.level == "low" and result.rules == ["uncontrolled"]
    assert "sans groupe de comparaison" in result.reasons[0]


def test_an_unlocked_protocol_downgrades_one_level():
    result = rating(controlled(protocol_locked=False))
    assert result.level == "moderate" and result.rules == ["not_locked"]
    assert "protocole non verrouillé" in result.reasons[-1]


def attrition_of(doc, rate):
    changed = copy.deepcopy(doc["attrition"])
    changed["by_group"]["intervention"]["rate"] = rate
    return changed


def test_attrition_over_20_percent_downgrades_one_level():
    doc = controlled()
    assert rating(controlled(attrition=attrition_of(doc, 0.20))).level == "high"  # not over
    doc = controlled(attrition=attrition_of(doc, 0.21))
    result = rating(doc)
    assert result.level == "moderate" and result.rules == ["attrition"]
    assert "21 % des participants perdus de vue" in result.reasons[-1]


def test_attrition_over_40_percent_downgrades_two_levels():
    doc = controlled()
    result = rating(controlled(attrition=attrition_of(doc, 0.45)))
    assert result.level == "low" and result.rules == ["attrition_very_serious"]
    assert result.reasons[-1].endswith("(\u22122)")


def test_withheld_attrition_figures_do_not_count():
    doc = controlled()
    hidden = attrition_of(doc, None)
    hidden["by_group"]["intervention"]["suppressed"] = True
    assert rating(controlled(attrition=hidden)).level == "high"


def test_differential_attrition_over_10_points_downgrades_one_level():
    doc = controlled()
    changed = copy.deepcopy(doc["attrition"])
    changed["differential"] = -0.12
    result = rating(controlled(attrition=changed))
    assert result.level == "moderate" and result.rules == ["differential_attrition"]
    assert "12 points" in result.reasons[-1]


def test_baseline_imbalance_over_0_2_downgrades_one_level():
    doc = controlled()
    changed = copy.deepcopy(doc["attrition"])
    changed["baseline_imbalance"] = [{"indicator": "sleep", "smd": -0.31}]
    result = rating(controlled(attrition=changed))
    assert result.level == "moderate" and result.rules == ["baseline_imbalance"]
    assert "\u22120,31" in result.reasons[-1]
    # Another outcome's imbalance does not count against this one.
    changed["baseline_imbalance"] = [{"indicator": "mood", "smd": 0.9}]
    assert rating(controlled(attrition=changed)).level == "high"


def test_an_interval_including_no_effect_is_imprecise():
    doc = controlled()
    doc["results"] = [row(method="did_ols", ci_low=-0.05, ci_high=1.05)]
    result = rating(doc)
    assert result.level == "moderate" and result.rules == ["imprecision_zero"]
    assert "inclut l'absence d'effet" in result.reasons[-1]


def test_an_interval_wider_than_the_minimal_important_difference_is_imprecise():
    doc = controlled()
    assert rating(doc).level == "high"  # no minimal important difference: not judged
    doc["outcomes"][0]["minimal_important_difference"] = 0.6  # CI 0,25 à 0,75 is 0,5 wide
    assert rating(doc).level == "high"
    doc["outcomes"][0]["minimal_important_difference"] = 0.4
    result = rating(doc)
    assert result.level == "moderate" and result.rules == ["imprecision_mid"]
    assert (
        "largeur 0,5 h) est plus large que la différence minimale importante (0,4 h)"
        in result.reasons[-1]
    )


def test_rules_add_up_and_stop_at_very_low():
    doc = controlled(protocol_locked=False, design="pre_post")
    doc["results"] = [row(ci_low=-0.1, ci_high=1.1)]
    result = rating(doc)
    assert result.level == "very_low" and result.label == "très faible"
    assert result.rules == ["uncontrolled", "not_locked", "imprecision_zero"]


def test_the_summary_of_findings_carries_the_rating_and_reasons():
    (finding,) = summary_of_findings(controlled(protocol_locked=False))
    assert finding.certainty == "moderate" and finding.certainty_label == "modérée"
    assert len(finding.reasons) == 2 and finding.certainty_rules == ["not_locked"]
    withheld = controlled()
    withheld["results"] = [row(suppressed=True, estimate=None, ci_low=None, ci_high=None)]
    (finding,) = summary_of_findings(withheld)
    assert finding.certainty == "" and finding.suppressed_text == "masqué : moins de 10 personnes"
