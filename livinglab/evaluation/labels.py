"""Human labels for every code a reader may meet in results: designs, methods, scales, groups,
waves, subgroups, effect sizes, analysis roles, corrections, flow stages.

One place, used by the admin results pages, the public pages, the charts and the reports, so
that no raw code (``not_stated``, ``did_ols``, ``baseline``…) reaches a French reader. Each
function returns the code itself when it does not know it (a new code shows up, it is not lost).
Measurement does not import this module (its models carry their own choices); runs, cms and
the demo do.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models import Participant, Setting
from livinglab.evaluation.measurement.models import Protocol, Scale

METHODS = {
    "paired_t": _("test t apparié"),
    "wilcoxon_signed_rank": _("test des rangs signés de Wilcoxon"),
    "mcnemar": _("test de McNemar"),
    "mcnemar_exact": _("test de McNemar exact"),
    "mcnemar_chi2": _("test de McNemar (khi-deux corrigé)"),
    "did_ols": _("différence de différences (régression linéaire)"),
    "did_logit": _("différence de différences (régression logistique)"),
    "ancova": _("ANCOVA (ajustée sur la valeur initiale)"),
    "mixed_model": _("modèle mixte (mesures répétées)"),
}
EFFECT_SIZES = {
    "cohens_dz": _("d de Cohen (apparié)"),
    "rank_biserial_r": _("r rang-bisérial"),
    "odds_ratio": _("rapport de cotes"),
    "odds_ratio_discordant": _("rapport de cotes des paires discordantes"),
    "standardised_did": _("différence de différences standardisée"),
    "standardised_ancova_difference": _("différence ANCOVA standardisée"),
    "standardised_change": _("changement standardisé"),
    "risk_difference": _("différence de proportions"),
}
ANALYSES = {
    "primary": _("analyse principale"),
    "secondary": _("analyse secondaire"),
    "sensitivity": _("analyse de sensibilité"),
}
GROUPS = {
    "all": _("tous les participants"),
    **{choice.value: choice.label for choice in Participant.Group},
}
SUBGROUP_DIMENSIONS = {
    "setting": _("Milieu"),
    "site_type": _("Type de lieu"),
    "sex": _("Sexe"),
    "age_band": _("Tranche d'âge"),
}
SUBGROUP_VALUES = {
    "setting": {choice.value: choice.label for choice in Setting},
    "site_type": {choice.value: choice.label for choice in Setting},
    "sex": {choice.value: choice.label for choice in Participant.Sex},
    "age_band": {choice.value: choice.label for choice in Participant.AgeBand},
}
NOT_STATED = _("Non renseigné")
DESIGNS = {choice.value: choice.label for choice in Protocol.Design}
CORRECTIONS = {choice.value: choice.label for choice in Protocol.Correction}
SCALES = {choice.value: choice.label for choice in Scale}
# Usual wave codes, for waves the protocol left without a label of their own.
WAVES = {
    "baseline": _("mesure initiale"),
    "pre": _("avant l'intervention"),
    "post": _("fin de l'intervention"),
    "followup": _("suivi"),
}
FLOW_STAGES = {
    "withdrawn": _("Retirés"),
    "enrolled": _("Inclus"),
    "answered": _("Ont répondu"),
    "analysed": _("Analysés"),
}


def _lookup(table: dict, code: Any) -> str:
    if code is None or code == "":
        return ""
    return str(table.get(code, code))


def method_label(code: str | None) -> str:
    return _lookup(METHODS, code)


def effect_size_label(code: str | None) -> str:
    return _lookup(EFFECT_SIZES, code)


def analysis_label(code: str | None) -> str:
    return _lookup(ANALYSES, code)


def group_label(code: str | None) -> str:
    return _lookup(GROUPS, code)


def design_label(code: str | None) -> str:
    return _lookup(DESIGNS, code)


def correction_label(code: str | None) -> str:
    return _lookup(CORRECTIONS, code)


def scale_label(code: str | None) -> str:
    return _lookup(SCALES, code)


def flow_stage_label(code: str | None) -> str:
    return _lookup(FLOW_STAGES, code)


def subgroup_label(subgroup: Any) -> str:
    """ "all" → "tous les participants"; {"dimension": "sex", "value": "not_stated"} →
    "Sexe : Non renseigné"."""
    if subgroup in (None, "all"):
        return str(GROUPS["all"])
    dimension, value = subgroup["dimension"], subgroup["value"]
    if value in ("", "not_stated"):
        shown = str(NOT_STATED)
    else:
        shown = _lookup(SUBGROUP_VALUES.get(dimension, {}), value)
    return f"{_lookup(SUBGROUP_DIMENSIONS, dimension)} : {shown}"


def wave_label(document: dict[str, Any], code: str | None) -> str:
    """A wave's label as the protocol names it (the document's ``wave_labels``); a wave left
    unlabelled reads as its usual name ("baseline" → "mesure initiale") or its code in words."""
    if code is None or code == "":
        return ""
    label = (document.get("wave_labels") or {}).get(code) or code
    if label != code:
        return str(label)
    return str(WAVES.get(code, code.replace("-", " ").replace("_", " ")))
