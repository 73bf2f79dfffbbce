"""A published run's aggregates as open data: a Frictionless data package (ZIP of CSV files and a
``datapackage.json`` with a Table Schema per file), following schema.data.gouv.fr's conventions.

Written with plain ``csv``/``json`` from the results document alone, which is already
suppressed: a withheld cell has empty numbers, ``suppressed`` true and its reason. Each count's
schema requires at least ``min_cell_size`` people, so validating the package also checks that no
published count describes fewer people. The tests validate packages with ``frictionless``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from livinglab.core.spreadsheets import escape_formula
from livinglab.evaluation.labels import (
    ANALYSES,
    analysis_label,
    flow_stage_label,
    group_label,
    method_label,
    subgroup_label,
    wave_label,
)
from livinglab.evaluation.runs.findings import CERTAINTY_LEVELS, summary_of_findings

LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
}
GROUPS = ("intervention", "comparison")
# suppressed_reason of result rows; the descriptive and flow cells say "primary"/"complementary".
REASONS = {
    "primary": "small",
    "complementary": "complement",
    "small": "small",
    "complement": "complement",
}


@dataclass(frozen=True)
class Field:
    """One column: its Table Schema descriptor and how a cell is read from a source row."""

    name: str
    type: str
    title: str
    description: str
    constraints: dict[str, Any] | None = None

    def descriptor(self) -> dict[str, Any]:
        described = {
            "name": self.name,
            "type": self.type,
            "title": self.title,
            "description": self.description,
        }
        if self.constraints:
            described["constraints"] = self.constraints
        return described


def _string(name, title, description, *, required=False, enum=None) -> Field:
    constraints = {"required": True} if required else {}
    if enum:
        constraints["enum"] = list(enum)
    return Field(name, "string", title, description, constraints or None)


def _number(name, title, description, **constraints) -> Field:
    return Field(name, "number", title, description, constraints or None)


def _count(name, title, description, *, minimum: int = 0) -> Field:
    return Field(name, "integer", title, description, {"minimum": minimum})


def _flag() -> Field:
    return Field(
        "suppressed",
        "boolean",
        _("Masqué"),
        _("Vrai quand les nombres de la ligne sont masqués (secret statistique)."),
        {"required": True},
    )


def _reason() -> Field:
    return _string(
        "suppressed_reason",
        _("Motif du masquage"),
        _(
            "small : moins de personnes que l'effectif minimal ; complement : masqué pour qu'une "
            "autre case masquée ne puisse pas être recalculée ; vide si rien n'est masqué."
        ),
        enum=("small", "complement"),
    )


def _participants() -> list[Field]:
    return [
        _count(
            f"participants_{group}",
            _("Participants (%(group)s)") % {"group": group_label(group)},
            _("Personnes distinctes du groupe %(group)s prises en compte.")
            % {"group": group_label(group)},
        )
        for group in GROUPS
    ]


def result_fields(k: int) -> list[Field]:
    p = {"minimum": 0, "maximum": 1}
    return [
        _string("indicator", _("Indicateur"), _("Code de l'indicateur."), required=True),
        _string("label", _("Libellé"), _("Libellé de l'indicateur.")),
        _string(
            "analysis",
            _("Analyse"),
            _("primary : principale ; secondary : secondaire ; sensitivity : sensibilité."),
            required=True,
            enum=tuple(ANALYSES),
        ),
        _string("analysis_label", _("Analyse (libellé)"), _("L'analyse en clair.")),
        _string(
            "subgroup",
            _("Sous-groupe"),
            _("all pour l'ensemble des participants, sinon la dimension du sous-groupe."),
            required=True,
        ),
        _string("subgroup_value", _("Valeur du sous-groupe"), _("Vide pour l'ensemble.")),
        _string("subgroup_label", _("Sous-groupe (libellé)"), _("Le sous-groupe en clair.")),
        _string("wave", _("Vague"), _("Code de la vague de suivi comparée à la mesure initiale.")),
        _string("method", _("Méthode"), _("Code de la méthode statistique.")),
        _string("method_label", _("Méthode (libellé)"), _("La méthode statistique en clair.")),
        _count(
            "n",
            _("Effectif"),
            _("Nombre de personnes analysées ; vide quand la ligne est masquée."),
            minimum=k,
        ),
        _number("estimate", _("Estimation"), _("Changement estimé, en unités de l'indicateur.")),
        _number("ci_low", _("IC bas"), _("Borne basse de l'intervalle de confiance à 95 %.")),
        _number("ci_high", _("IC haut"), _("Borne haute de l'intervalle de confiance à 95 %.")),
        _number("statistic", _("Statistique"), _("Statistique du test.")),
        _number("df", _("Degrés de liberté"), _("Degrés de liberté du test.")),
        _number("p_value", _("p"), _("Valeur p du test."), **p),
        _number(
            "p_adjusted",
            _("p ajusté"),
            _("Valeur p ajustée pour tests multiples (analyses principales)."),
            **p,
        ),
        _number("effect_size", _("Taille d'effet"), _("Taille d'effet standardisée.")),
        _string("effect_size_name", _("Type de taille d'effet"), _("Code de la taille d'effet.")),
        _number("effect_size_ci_low", _("Taille d'effet, IC bas"), _("Borne basse (95 %).")),
        _number("effect_size_ci_high", _("Taille d'effet, IC haut"), _("Borne haute (95 %).")),
        _string("groups", _("Groupes"), _("Groupes comparés, séparés par des virgules.")),
        _string("waves", _("Vagues"), _("Vagues utilisées, séparées par des virgules.")),
        *_participants(),
        _number(
            "risk_difference",
            _("Différence de risque"),
            _("Critères oui/non : différence de proportions (entre 0 et 1 en valeur absolue)."),
        ),
        _number("risk_difference_ci_low", _("Différence de risque, IC bas"), _("95 %.")),
        _number("risk_difference_ci_high", _("Différence de risque, IC haut"), _("95 %.")),
        _number("odds_ratio", _("Rapport de cotes"), _("Critères oui/non."), minimum=0),
        _number("odds_ratio_ci_low", _("Rapport de cotes, IC bas"), _("95 %."), minimum=0),
        _number("odds_ratio_ci_high", _("Rapport de cotes, IC haut"), _("95 %."), minimum=0),
        _flag(),
        _reason(),
    ]


def descriptive_fields(k: int) -> list[Field]:
    return [
        _string("indicator", _("Indicateur"), _("Code de l'indicateur."), required=True),
        _string("label", _("Libellé"), _("Libellé de l'indicateur.")),
        _string("wave", _("Vague"), _("Code de la vague."), required=True),
        _string("wave_label", _("Vague (libellé)"), _("La vague en clair.")),
        _string("group", _("Groupe"), _("all, intervention ou comparison."), required=True),
        _count("n", _("Effectif"), _("Réponses renseignées ; vide si masqué."), minimum=k),
        _count("n_missing", _("Manquants"), _("Réponses manquantes.")),
        _number("mean", _("Moyenne"), _("Moyenne.")),
        _number("sd", _("Écart-type"), _("Écart-type."), minimum=0),
        _number("median", _("Médiane"), _("Médiane.")),
        _number("q1", _("Premier quartile"), _("Premier quartile.")),
        _number("q3", _("Troisième quartile"), _("Troisième quartile.")),
        _count("count", _("Oui"), _("Critères oui/non : nombre de « oui ».")),
        _number("proportion", _("Proportion"), _("Critères oui/non : part de « oui »."), minimum=0),
        _flag(),
        _reason(),
    ]


def flow_fields(k: int) -> list[Field]:
    return [
        _string(
            "stage",
            _("Étape"),
            _("withdrawn, enrolled, answered (une vague) ou analysed (un indicateur)."),
            required=True,
        ),
        _string("stage_label", _("Étape (libellé)"), _("L'étape en clair.")),
        _string("detail", _("Précision"), _("La vague ou l'indicateur de l'étape.")),
        _string("group", _("Groupe"), _("all, intervention ou comparison."), required=True),
        _count("n", _("Effectif"), _("Nombre de personnes ; vide si masqué."), minimum=k),
        _flag(),
        _reason(),
    ]


def finding_fields(k: int) -> list[Field]:
    return [
        _string("indicator", _("Indicateur"), _("Code du critère principal."), required=True),
        _string("label", _("Libellé"), _("Libellé du critère principal.")),
        _string("unit", _("Unité"), _("Unité du critère.")),
        _string("wave", _("Vague"), _("Code de la vague de suivi.")),
        _string("wave_label", _("Vague (libellé)"), _("La vague de suivi en clair.")),
        _string("baseline_level", _("Mesure initiale"), _("Niveau de départ, tel qu'affiché.")),
        _string("followup_level", _("Suivi"), _("Niveau au suivi, tel qu'affiché.")),
        _number(
            "change",
            _("Changement"),
            _("En unités naturelles (points de pourcentage pour un critère oui/non)."),
        ),
        _number("ci_low", _("IC bas"), _("Borne basse de l'intervalle de confiance à 95 %.")),
        _number("ci_high", _("IC haut"), _("Borne haute de l'intervalle de confiance à 95 %.")),
        _string("change_text", _("Changement (texte)"), _("Le changement tel qu'affiché.")),
        *_participants(),
        _string(
            "certainty",
            _("Certitude des preuves"),
            _("high, moderate, low ou very_low (règles GRADE du projet)."),
            enum=CERTAINTY_LEVELS,
        ),
        _string("certainty_label", _("Certitude (libellé)"), _("La certitude en clair.")),
        _string("certainty_reasons", _("Motifs"), _("Raisons de la certitude, séparées par ;.")),
        _flag(),
        _reason(),
    ]


# Readers -----------------------------------------------------------------------------------


def _participant_cells(participants: dict[str, Any] | None) -> dict[str, Any]:
    return {f"participants_{g}": (participants or {}).get(g) for g in GROUPS}


def _joined(values: Any) -> str:
    return ", ".join(str(value) for value in values or [])


def _result_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in document["results"]:
        whole = row["subgroup"] == "all"
        rows.append(
            {
                **row,
                "subgroup": "all" if whole else row["subgroup"]["dimension"],
                "subgroup_value": "" if whole else row["subgroup"]["value"],
                "subgroup_label": subgroup_label(row["subgroup"]),
                "method_label": method_label(row.get("method")),
                "analysis_label": analysis_label(row.get("analysis")),
                "groups": _joined(row.get("groups")),
                "waves": _joined(row.get("waves")),
                **_participant_cells(row.get("participants")),
                "suppressed_reason": REASONS.get(row.get("suppressed_reason") or "", ""),
            }
        )
    return rows


def _cell_rows(cells: list[dict[str, Any]], document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            **cell,
            "wave_label": wave_label(document, cell.get("wave")),
            "stage_label": flow_stage_label(cell.get("stage")),
            "suppressed_reason": REASONS.get(cell.get("suppression") or "", ""),
        }
        for cell in cells
    ]


def _finding_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for finding in summary_of_findings(document):
        shown = finding.as_dict()
        rows.append(
            {
                **shown,
                **_participant_cells(shown.get("participants")),
                "certainty_reasons": " ; ".join(shown.get("reasons") or []),
                "suppressed_reason": REASONS.get(shown.get("suppressed_reason") or "", ""),
            }
        )
    return rows


def _cell(value: Any, field: Field) -> str:
    """A CSV cell: empty for a missing or non-finite number, true/false, formulas escaped."""
    if value is None:
        return ""
    if field.type == "boolean":
        return "true" if value else "false"
    if field.type in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return ""
        if not math.isfinite(value):
            return ""
        return str(int(value)) if field.type == "integer" else repr(float(value))
    return escape_formula(str(value))


def _csv(rows: list[dict[str, Any]], fields: list[Field]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([field.name for field in fields])
    for row in rows:
        writer.writerow([_cell(row.get(field.name), field) for field in fields])
    return buffer.getvalue().encode("utf-8")


# The package -------------------------------------------------------------------------------


def _resources(document: dict[str, Any]) -> list[tuple[str, str, str, list[Field], list[dict]]]:
    k = document["min_cell_size"]
    return [
        (
            "resultats",
            _("Résultats"),
            _(
                "Résultats principaux et secondaires, sur l'ensemble des participants et par "
                "sous-groupe. Une ligne sur moins de %(k)d personnes est masquée : ses nombres "
                "sont vides."
            )
            % {"k": k},
            result_fields(k),
            _result_rows(document),
        ),
        (
            "statistiques-descriptives",
            _("Statistiques descriptives"),
            _("Par indicateur, vague et groupe ; cases de moins de %(k)d personnes masquées.")
            % {"k": k},
            descriptive_fields(k),
            _cell_rows(document.get("descriptives") or [], document),
        ),
        (
            "flux-participants",
            _("Flux des participants"),
            _("Inscrits, répondants par vague, analysés par indicateur ; retraits.")
            + " "
            + _("Cases de moins de %(k)d personnes masquées.") % {"k": k},
            flow_fields(k),
            _cell_rows((document.get("flow") or {}).get("stages") or [], document),
        ),
        (
            "synthese-resultats",
            _("Synthèse des résultats"),
            _(
                "Une ligne par critère principal (ensemble des participants) : changement, "
                "intervalle de confiance et certitude des preuves."
            ),
            finding_fields(k),
            _finding_rows(document),
        ),
    ]


def package_name(slug: str, run_id: int) -> str:
    """The package's name: lowercase letters, digits and hyphens."""
    return f"livinglab-{slug}-evaluation-{run_id}".lower().replace("_", "-")


def datapackage_files(
    document: dict[str, Any], *, run_id: int, slug: str, url: str = ""
) -> dict[str, bytes]:
    """File name → bytes: ``datapackage.json`` and one CSV per resource."""
    title = document.get("campaign_title") or slug
    files: dict[str, bytes] = {}
    resources = []
    for name, resource_title, description, fields, rows in _resources(document):
        path = f"{name}.csv"
        files[path] = _csv(rows, fields)
        resources.append(
            {
                "name": name,
                "path": path,
                "title": resource_title,
                "description": description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": {
                    "fields": [field.descriptor() for field in fields],
                    "missingValues": [""],
                },
            }
        )
    descriptor = {
        "profile": "tabular-data-package",
        "name": package_name(slug, run_id),
        "title": _("Évaluation de la campagne « %(title)s »") % {"title": title},
        "description": _(
            "Résultats agrégés et publiés de l'évaluation (LivingLab Prévention). Secret "
            "statistique : aucun nombre ne décrit moins de %(k)d personnes."
        )
        % {"k": document["min_cell_size"]},
        "version": str(document.get("protocol_version") or "1"),
        "created": str(document.get("generated_at") or ""),
        "licenses": [LICENCE],
        "keywords": ["prévention", "évaluation", "santé publique"],
        "resources": resources,
    }
    if url:
        descriptor["homepage"] = url
    if not descriptor["created"]:
        del descriptor["created"]
    files["datapackage.json"] = json.dumps(descriptor, ensure_ascii=False, indent=2).encode()
    return files


def datapackage_zip(document: dict[str, Any], *, run_id: int, slug: str, url: str = "") -> bytes:
    """The package as one ZIP (``datapackage.json`` at its root)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in datapackage_files(document, run_id=run_id, slug=slug, url=url).items():
            archive.writestr(name, content)
    return buffer.getvalue()
