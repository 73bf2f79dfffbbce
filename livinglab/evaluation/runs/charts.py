"""Charts (PNG + SVG) of a run, drawn from the suppressed results document.

The ``*_data`` functions say what a chart shows; they skip every suppressed cell, so a
withheld group is never drawn. Figures are built without pyplot (Agg canvas, thread-safe).
matplotlib is imported when a figure is drawn, not with this module (the admin views import it
for the ``*_data`` functions at start-up).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from livinglab.evaluation.runs.document import hidden_count

if TYPE_CHECKING:
    from matplotlib.figure import Figure

STANDARDISED = {
    "cohens_dz",
    "standardised_did",
    "standardised_change",
    "rank_biserial_r",
    "standardised_ancova_difference",
}
GROUP_COLOURS = {"all": "#1f6f8b", "intervention": "#1f6f8b", "comparison": "#d9822b"}


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    png: bytes
    svg: bytes


def _outcomes(document: dict[str, Any]) -> list[dict[str, Any]]:
    return document.get("outcomes") or []


def _visible_cells(document: dict[str, Any], indicator: str) -> list[dict[str, Any]]:
    """Descriptive cells of one outcome that may be drawn: published, per group when split."""
    cells = [
        cell
        for cell in document["descriptives"]
        if cell["indicator"] == indicator and not cell["suppressed"]
    ]
    split = any(cell["group"] != "all" for cell in document["descriptives"])
    return [cell for cell in cells if (cell["group"] != "all") == split]


def distribution_data(document: dict[str, Any], indicator: str) -> list[dict[str, Any]]:
    """Boxes (median, quartiles, mean) per wave and group; suppressed cells are absent."""
    return [
        {
            "wave": cell["wave"],
            "group": cell["group"],
            "median": cell["median"],
            "q1": cell["q1"],
            "q3": cell["q3"],
            "mean": cell["mean"],
            "n": cell["n"],
        }
        for cell in _visible_cells(document, indicator)
        if cell.get("median") is not None
    ]


def proportion_data(document: dict[str, Any], indicator: str) -> list[dict[str, Any]]:
    """Proportions per wave and group of a yes/no outcome; suppressed cells are absent."""
    return [
        {"wave": cell["wave"], "group": cell["group"], "proportion": cell["proportion"]}
        for cell in _visible_cells(document, indicator)
        if cell.get("proportion") is not None
    ]


def change_data(document: dict[str, Any], indicator: str) -> dict[str, list[tuple[str, float]]]:
    """Mean per wave, one line per group (the paired change); suppressed cells are absent."""
    lines: dict[str, list[tuple[str, float]]] = {}
    for cell in _visible_cells(document, indicator):
        value = cell.get("mean", cell.get("proportion"))
        if value is not None:
            lines.setdefault(cell["group"], []).append((cell["wave"], value))
    return lines


def subgroup_text(subgroup: Any) -> str:
    if subgroup == "all":
        return _("ensemble")
    return f"{subgroup['dimension']} = {subgroup['value']}"


def forest_data(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Primary effects with intervals, whole sample then subgroups; suppressed rows absent.

    Standardised effect sizes where the method has one, else the estimate itself.
    """
    rows = []
    for row in document["results"]:
        if row["suppressed"] or row["analysis"] != "primary" or row["estimate"] is None:
            continue
        standardised = row["effect_size_name"] in STANDARDISED and row["effect_size"] is not None
        value, low, high = (
            (row["effect_size"], row["effect_size_ci_low"], row["effect_size_ci_high"])
            if standardised
            else (row["estimate"], row["ci_low"], row["ci_high"])
        )
        rows.append(
            {
                "label": f"{row['label']} — {subgroup_text(row['subgroup'])}"
                + (f" ({row['wave']})" if len(document.get("waves", [])) > 2 else ""),
                "value": value,
                "low": low,
                "high": high,
                "scale": row["effect_size_name"] if standardised else row["method"],
            }
        )
    return rows


def flow_data(document: dict[str, Any]) -> list[dict[str, str]]:
    """Boxes of the flow diagram: a stage and its count, "< k" when withheld."""
    k = document["min_cell_size"]
    boxes = []
    for cell in document["flow"]["stages"]:
        if cell["group"] != "all" and len(document["flow"]["groups"]) < 2:
            continue
        boxes.append(
            {
                "stage": _stage_label(cell),
                "group": cell["group"],
                "text": hidden_count(k) if cell["suppressed"] else f"n = {cell['n']}",
            }
        )
    return boxes


def _stage_label(cell: dict[str, Any]) -> str:
    labels = {
        "withdrawn": _("Retirés"),
        "enrolled": _("Inclus"),
        "answered": _("Ont répondu — vague %(detail)s"),
        "analysed": _("Analysés — %(detail)s"),
    }
    return labels.get(cell["stage"], cell["stage"]) % {"detail": cell.get("detail")}


def _figure(size=(7, 4.2)) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=size, layout="constrained")


def _save(figure: Figure, name: str, title: str) -> Chart:
    outputs = {}
    for file_format in ("png", "svg"):
        buffer = io.BytesIO()
        figure.savefig(buffer, format=file_format, dpi=110)
        outputs[file_format] = buffer.getvalue()
    return Chart(name=name, title=title, png=outputs["png"], svg=outputs["svg"])


def _empty_note(axes, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes)
    axes.set_axis_off()


def _outcome_figure(document: dict[str, Any], items, draw) -> Figure:
    """A chart of one outcome; when every cell is withheld it only says so."""
    figure = _figure()
    axes = figure.add_subplot()
    if items:
        draw(axes, items)
    else:
        _empty_note(
            axes, _("Données supprimées (effectifs < %(k)d)") % {"k": document["min_cell_size"]}
        )
    return figure


def _tick(item: dict[str, Any]) -> str:
    return f"{item['wave']}\n{item['group']}" if item["group"] != "all" else item["wave"]


def _colour(group: str) -> str:
    return GROUP_COLOURS.get(group, "#888888")


def distribution_figure(document: dict[str, Any], outcome: dict[str, Any]) -> Figure:
    def draw(axes, boxes):
        stats = [
            {"label": _tick(box), "med": box["median"], "q1": box["q1"], "q3": box["q3"],
             "whislo": box["q1"], "whishi": box["q3"], "mean": box["mean"], "fliers": []}
            for box in boxes
        ]  # fmt: skip
        artists = axes.bxp(stats, showmeans=True, patch_artist=True)
        for patch, box in zip(artists["boxes"], boxes, strict=True):
            patch.set_facecolor(_colour(box["group"]))
            patch.set_alpha(0.6)
        axes.set_ylabel(outcome.get("unit") or outcome["label"])
        axes.set_title(_("Distribution avant/après (médiane, quartiles, ◆ moyenne)"))

    return _outcome_figure(document, distribution_data(document, outcome["indicator"]), draw)


def proportion_figure(document: dict[str, Any], outcome: dict[str, Any]) -> Figure:
    def draw(axes, bars):
        axes.bar(
            [_tick(bar) for bar in bars],
            [100 * bar["proportion"] for bar in bars],
            color=[_colour(bar["group"]) for bar in bars],
        )
        axes.set_ylim(0, 100)
        axes.set_ylabel(_("Part de « oui » (%)"))
        axes.set_title(_("Proportions par vague"))

    return _outcome_figure(document, proportion_data(document, outcome["indicator"]), draw)


def change_figure(document: dict[str, Any], outcome: dict[str, Any]) -> Figure:
    def draw(axes, lines):
        for group, points in lines.items():
            axes.plot(
                [wave for wave, _value in points],
                [value for _wave, value in points],
                marker="o",
                color=_colour(group),
                label=group,
            )
        axes.legend()
        axes.set_ylabel(_("moyenne"))
        axes.set_title(_("Évolution moyenne entre les vagues"))

    return _outcome_figure(document, change_data(document, outcome["indicator"]), draw)


def forest_figure(document: dict[str, Any]) -> Figure:
    rows = forest_data(document)
    figure = _figure((8, 1.2 + 0.38 * max(len(rows), 1)))
    axes = figure.add_subplot()
    if not rows:
        _empty_note(axes, _("Aucun effet publiable"))
        return figure
    positions = list(range(len(rows)))[::-1]
    for position, row in zip(positions, rows, strict=True):
        low = row["low"] if row["low"] is not None else row["value"]
        high = row["high"] if row["high"] is not None else row["value"]
        axes.plot([low, high], [position, position], color="#333333")
        axes.plot([row["value"]], [position], "s", color="#1f6f8b")
    axes.axvline(0, color="#999999", linestyle="--")
    axes.set_yticks(positions, [textwrap.shorten(row["label"], 60) for row in rows])
    axes.set_xlabel(_("effet (taille d'effet standardisée, sinon estimation) et IC"))
    axes.set_title(_("Effets estimés (suivi − référence)"))
    return figure


def flow_figure(document: dict[str, Any]) -> Figure:
    boxes = flow_data(document)
    figure = _figure((8, 1 + 0.45 * max(len(boxes), 1)))
    axes = figure.add_subplot()
    axes.set_axis_off()
    for index, box in enumerate(boxes):
        y = 1 - (index + 0.5) / max(len(boxes), 1)
        group = "" if box["group"] == "all" else f" [{box['group']}]"
        axes.text(
            0.5,
            y,
            f"{box['stage']}{group} : {box['text']}",
            ha="center",
            va="center",
            bbox={"boxstyle": "round", "facecolor": "#eef5f8", "edgecolor": "#1f6f8b"},
            transform=axes.transAxes,
        )
    axes.set_title(_("Flux des participants"))
    return figure


def figures(document: dict[str, Any]) -> list[tuple[str, str, Figure]]:
    """(file name, title, figure) of every chart of a run."""
    result = [("flow", str(_("Flux des participants")), flow_figure(document))]
    for outcome in _outcomes(document):
        code = outcome["indicator"]
        if outcome["scale"] == "binary":
            result.append(
                (
                    f"{code}-proportions",
                    f"{outcome['label']} — proportions",
                    proportion_figure(document, outcome),
                )
            )
        else:
            result.append(
                (
                    f"{code}-distribution",
                    f"{outcome['label']} — distribution",
                    distribution_figure(document, outcome),
                )
            )
            result.append(
                (
                    f"{code}-change",
                    f"{outcome['label']} — évolution",
                    change_figure(document, outcome),
                )
            )
    result.append(("forest", str(_("Effets estimés")), forest_figure(document)))
    return result


def render_charts(document: dict[str, Any]) -> list[Chart]:
    return [_save(figure, name, title) for name, title, figure in figures(document)]
