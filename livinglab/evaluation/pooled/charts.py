"""Forest plots of pooled evidence (PNG + SVG, French labels), kept in the private storage."""

from __future__ import annotations

import textwrap
from typing import Any

from django.utils.translation import gettext as _

from livinglab.evaluation.pooled.models import PooledEvidence
from livinglab.evaluation.runs import artifacts
from livinglab.evaluation.runs.charts import CHART_FORMATS, Chart, _figure, _french_ticks, _save
from livinglab.evaluation.runs.findings import decimals_for, format_number

FOLDER = "pooled"
BLUE, GREY, DARK = "#1f6f8b", "#999999", "#333333"


def forest_title(evidence: PooledEvidence) -> str:
    """ "Temps de sommeil (h) — école": the indicator, its unit and the stratum."""
    numbers = evidence.numbers
    title = numbers.get("label") or evidence.indicator.label
    unit = numbers.get("unit")
    if unit and unit not in title:
        title = f"{title} ({unit})"
    if evidence.setting:
        title += f" — {evidence.get_setting_display()}"
    elif evidence.theme_id:
        title += f" — {evidence.theme}"
    return title


def axis_label(numbers: dict[str, Any]) -> str:
    if numbers.get("effect_scale") == PooledEvidence.EffectScale.NATURAL:
        unit = numbers.get("unit")
        return _("changement (%(unit)s)") % {"unit": unit} if unit else _("changement")
    return _("différence moyenne standardisée (d)")


def forest_figure(evidence: PooledEvidence):
    """Campaigns' effects (squares sized by weight) and the pooled diamond with the prediction
    interval under it."""
    numbers = evidence.numbers
    studies = numbers["studies"]
    pooled = numbers.get(numbers.get("primary_method", "pm"))
    labels = [textwrap.fill(study["title"], 40) for study in studies]
    lines = sum(label.count("\n") + 1 for label in labels) + 2
    figure = _figure((8, 1.8 + 0.32 * lines))
    figure.suptitle(forest_title(evidence), fontweight="bold")
    axes = figure.add_subplot()
    count = len(studies)
    positions = [count + 1 - index for index in range(count)]  # first campaign on top
    for position, study in zip(positions, studies, strict=True):
        axes.plot([study["ci_low"], study["ci_high"]], [position, position], color=DARK)
        size = 3 + 9 * (study.get("weight") or 1 / count) ** 0.5  # area grows with weight
        axes.plot([study["estimate"]], [position], "s", color=BLUE, markersize=size)
    ticks, tick_labels = list(positions), list(labels)
    if pooled:
        centre, low, high = pooled["estimate"], pooled["ci_low"], pooled["ci_high"]
        axes.fill(
            [low, centre, high, centre], [0, 0.3, 0, -0.3], color=DARK, label=_("effet groupé")
        )
        limits = _limits(studies, pooled)
        if pooled.get("pi_low") is not None:
            _prediction_interval(axes, pooled["pi_low"], pooled["pi_high"], limits)
        axes.set_xlim(*limits)
        ticks.append(0)
        tick_labels.append(
            _("Effet groupé (%(k)d campagnes, I² = %(i2)s %%)")
            % {"k": pooled["k"], "i2": f"{pooled['i2']:.0f}"}
        )
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, frameon=False, fontsize="small"
        )
    axes.axvline(0, color=GREY, linestyle="--")
    axes.set_yticks(ticks, tick_labels)
    axes.set_ylim(-1.2, count + 1.8)
    _french_ticks(axes.xaxis)
    axes.set_xlabel(axis_label(numbers) + " " + _("et IC à 95 %"))
    return figure


def _limits(studies: list[dict[str, Any]], pooled: dict[str, Any]) -> tuple[float, float]:
    """The campaigns' and the pooled intervals, and zero, with a margin: a prediction interval
    from few campaigns (t with k − 2 df) may be far wider and is then drawn clipped."""
    values = [0.0, pooled["ci_low"], pooled["ci_high"]]
    values += [bound for study in studies for bound in (study["ci_low"], study["ci_high"])]
    low, high = min(values), max(values)
    margin = 0.25 * (high - low or 1)
    return low - margin, high + margin


def _prediction_interval(axes, low: float, high: float, limits: tuple[float, float]) -> None:
    """The prediction interval under the diamond; clipped ends get an arrow and the interval
    is written out."""
    left, right = max(low, limits[0]), min(high, limits[1])
    axes.plot(
        [left, right],
        [-0.6, -0.6],
        color=BLUE,
        linewidth=3,
        solid_capstyle="butt",
        label=_("intervalle de prédiction à 95 %"),
    )
    if left > low:
        axes.plot([left], [-0.6], "<", color=BLUE)
    if right < high:
        axes.plot([right], [-0.6], ">", color=BLUE)
    if left > low or right < high:
        decimals = decimals_for(spread=high - low)
        axes.annotate(
            _("%(low)s à %(high)s")
            % {"low": format_number(low, decimals), "high": format_number(high, decimals)},
            xy=(right, -0.6),
            xytext=(-4, 6),
            textcoords="offset points",
            ha="right",
            fontsize="small",
            color=BLUE,
        )


def forest_plot(evidence: PooledEvidence) -> Chart:
    figure = forest_figure(evidence)
    return _save(figure, "forest", forest_title(evidence))


def file_name(evidence: PooledEvidence, file_format: str) -> str:
    scope = evidence.setting or (f"theme-{evidence.theme_id}" if evidence.theme_id else "all")
    return f"{FOLDER}/{evidence.indicator.code}/{scope}.{file_format}"


def save_forest_plot(evidence: PooledEvidence) -> dict[str, str]:
    """Draw the forest plot once and save PNG and SVG in the private storage; their paths."""
    chart = forest_plot(evidence)
    return {
        file_format: artifacts.save_file(
            file_name(evidence, file_format), chart.png if file_format == "png" else chart.svg
        )
        for file_format in CHART_FORMATS
    }


def write_forest_plot(*, evidence: PooledEvidence) -> dict[str, str]:
    """Draw a stored result's forest plot again (its files were lost) and remember them."""
    evidence.charts = save_forest_plot(evidence)
    PooledEvidence.objects.filter(pk=evidence.pk).update(charts=evidence.charts)
    return evidence.charts
