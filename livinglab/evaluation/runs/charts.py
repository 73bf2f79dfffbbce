"""Charts (PNG + SVG) of a run, drawn from the suppressed results document.

The ``*_data`` functions say what a chart shows; they skip every suppressed cell, so a
withheld group is never drawn. Figures are built without pyplot (Agg canvas, thread-safe).
Each figure is drawn once and saved in every format at once; the PDF report embeds the same
PNG (`render_charts`), it never redraws a figure. Titles name the indicator and its unit;
axes and legends show wave and group labels, never codes.
matplotlib is imported when a figure is drawn, not with this module (the admin views import it
for the ``*_data`` functions at start-up).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from livinglab.evaluation.labels import group_label, subgroup_label, wave_label
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
# Resolution of the PNG files: sharp on screen and when embedded in the A4 report.
PNG_DPI = 120
CHART_FORMATS = ("png", "svg")


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    png: bytes
    svg: bytes = b""  # empty when only the PNG was asked for (the PDF of a document)


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
    return subgroup_label(subgroup)


def wave_text(document: dict[str, Any], code: str | None) -> str:
    """A wave as readers know it (`labels.wave_label`: never a bare code)."""
    return wave_label(document, code)


def outcome_title(outcome: dict[str, Any]) -> str:
    """The indicator's label with its unit: "Activité physique (min/jour)"."""
    unit = outcome.get("unit") or ""
    label = outcome["label"]
    if unit and unit not in label:
        return f"{label} ({unit})"
    return label


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
                + (
                    f" ({wave_text(document, row['wave'])})"
                    if len(document.get("waves", [])) > 2
                    else ""
                ),
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
                "stage": stage_label(document, cell),
                "group": cell["group"],
                "text": hidden_count(k) if cell["suppressed"] else f"n = {cell['n']}",
            }
        )
    return boxes


def stage_label(document: dict[str, Any], cell: dict[str, Any]) -> str:
    labels = {
        "withdrawn": _("Retirés"),
        "enrolled": _("Inclus"),
        "answered": _("Ont répondu — « %(detail)s »"),
        "analysed": _("Analysés — %(detail)s"),
    }
    detail = cell.get("detail")
    if cell["stage"] == "answered":
        detail = wave_text(document, detail)
    elif cell["stage"] == "analysed":
        detail = indicator_label(document, detail)
    return labels.get(cell["stage"], cell["stage"]) % {"detail": detail}


def indicator_label(document: dict[str, Any], code: str | None) -> str:
    for outcome in _outcomes(document):
        if outcome["indicator"] == code:
            return outcome["label"]
    return code or ""


def _figure(size=(7, 4.2)) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=size, layout="constrained")


def _save(figure: Figure, name: str, title: str, formats=CHART_FORMATS) -> Chart:
    """Save one drawn figure in every asked format (the figure is not drawn again)."""
    outputs = {}
    for file_format in formats:
        buffer = io.BytesIO()
        figure.savefig(buffer, format=file_format, dpi=PNG_DPI)
        outputs[file_format] = buffer.getvalue()
        # The first save placed the axes (constrained layout, measured in inches, so the same
        # for every format): keep that placement instead of measuring every text again.
        figure.set_layout_engine("none")
    return Chart(name=name, title=title, png=outputs["png"], svg=outputs.get("svg", b""))


def _french_ticks(axis) -> None:
    """Tick numbers with a decimal comma and a true minus sign ("−0,25")."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(
        FuncFormatter(lambda value, _position: f"{value:g}".replace(".", ",").replace("-", "−"))
    )


def _empty_note(axes, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes)
    axes.set_axis_off()


def _outcome_figure(document: dict[str, Any], outcome: dict[str, Any], items, draw) -> Figure:
    """A chart of one outcome, titled with its label and unit; when every cell is withheld it
    only says so."""
    figure = _figure()
    figure.suptitle(outcome_title(outcome), fontweight="bold")
    axes = figure.add_subplot()
    if items:
        draw(axes, items)
        _french_ticks(axes.yaxis)
    else:
        _empty_note(
            axes, _("Données supprimées (effectifs < %(k)d)") % {"k": document["min_cell_size"]}
        )
    return figure


def _tick(document: dict[str, Any], item: dict[str, Any]) -> str:
    wave = wave_text(document, item["wave"])
    return f"{wave}\n{group_label(item['group'])}" if item["group"] != "all" else wave


def _colour(group: str) -> str:
    return GROUP_COLOURS.get(group, "#888888")


def distribution_figure(document: dict[str, Any], outcome: dict[str, Any]) -> Figure:
    def draw(axes, boxes):
        stats = [
            {"label": _tick(document, box), "med": box["median"], "q1": box["q1"], "q3": box["q3"],
             "whislo": box["q1"], "whishi": box["q3"], "mean": box["mean"], "fliers": []}
            for box in boxes
        ]  # fmt: skip
        artists = axes.bxp(stats, showmeans=True, patch_artist=True)
        for patch, box in zip(artists["boxes"], boxes, strict=True):
            patch.set_facecolor(_colour(box["group"]))
            patch.set_alpha(0.6)
        axes.set_ylabel(outcome.get("unit") or outcome["label"])
        axes.set_title(_("Distribution par vague (médiane, quartiles, ▲ moyenne)"))

    return _outcome_figure(
        document, outcome, distribution_data(document, outcome["indicator"]), draw
    )


def proportion_figure(document: dict[str, Any], outcome: dict[str, Any]) -> Figure:
    def draw(axes, bars):
        axes.bar(
            [_tick(document, bar) for bar in bars],
            [100 * bar["proportion"] for bar in bars],
            color=[_colour(bar["group"]) for bar in bars],
        )
        axes.set_ylim(0, 100)
        axes.set_ylabel(_("Part de « oui » (%)"))
        axes.set_title(_("Proportions par vague"))

    return _outcome_figure(document, outcome, proportion_data(document, outcome["indicator"]), draw)


def change_figure(document: dict[str, Any], outcome: dict[str, Any]) -> Figure:
    def draw(axes, lines):
        for group, points in lines.items():
            axes.plot(
                [wave_text(document, wave) for wave, _value in points],
                [value for _wave, value in points],
                marker="o",
                color=_colour(group),
                label=group_label(group),
            )
        axes.legend()
        axes.set_xlabel(_("vague"))
        axes.set_ylabel(
            _("moyenne (%(unit)s)") % {"unit": outcome["unit"]}
            if outcome.get("unit")
            else _("moyenne")
        )
        axes.set_title(_("Évolution moyenne entre les vagues"))

    return _outcome_figure(document, outcome, change_data(document, outcome["indicator"]), draw)


def forest_figure(document: dict[str, Any]) -> Figure:
    rows = forest_data(document)
    labels = [textwrap.fill(row["label"], 48) for row in rows]  # wrapped, never cut
    lines = sum(label.count("\n") + 1 for label in labels)
    figure = _figure((8, 1.2 + 0.3 * max(lines, len(rows), 1)))
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
    _french_ticks(axes.xaxis)
    axes.set_yticks(positions, labels)
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
        group = "" if box["group"] == "all" else f" [{group_label(box['group'])}]"
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


def chart_plan(document: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(file name, title, drawing function) of every chart of a run, nothing drawn yet."""
    plan = [("flow", str(_("Flux des participants")), lambda: flow_figure(document))]
    for outcome in _outcomes(document):
        code, title = outcome["indicator"], outcome_title(outcome)
        if outcome["scale"] == "binary":
            plan.append(
                (
                    f"{code}-proportions",
                    _("%(title)s — proportions") % {"title": title},
                    lambda outcome=outcome: proportion_figure(document, outcome),
                )
            )
        else:
            plan.append(
                (
                    f"{code}-distribution",
                    _("%(title)s — distribution") % {"title": title},
                    lambda outcome=outcome: distribution_figure(document, outcome),
                )
            )
            plan.append(
                (
                    f"{code}-change",
                    _("%(title)s — évolution") % {"title": title},
                    lambda outcome=outcome: change_figure(document, outcome),
                )
            )
    plan.append(("forest", str(_("Effets estimés")), lambda: forest_figure(document)))
    return plan


def figures(document: dict[str, Any]) -> list[tuple[str, str, Figure]]:
    """(file name, title, figure) of every chart of a run."""
    return [(name, title, draw()) for name, title, draw in chart_plan(document)]


def render_charts(document: dict[str, Any], formats=CHART_FORMATS) -> list[Chart]:
    """Every chart, each figure drawn once and saved in ``formats`` (PNG always)."""
    formats = ("png", *(f for f in formats if f != "png"))
    return [_save(draw(), name, title, formats) for name, title, draw in chart_plan(document)]
