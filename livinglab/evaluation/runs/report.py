"""The PDF report of a run (RE-AIM sections, statistics table, charts), from the document.

matplotlib is imported when a report is drawn, not with this module.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from livinglab.evaluation.runs.charts import figures, subgroup_text
from livinglab.evaluation.runs.document import SUPPRESSED, hidden_count, summary_rows

if TYPE_CHECKING:
    from matplotlib.backends.backend_pdf import PdfPages

ROWS_PER_PAGE = 22
A4_LANDSCAPE = (11.69, 8.27)


def _number(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def effectiveness_rows(document: dict[str, Any]) -> list[list[str]]:
    """The statistics table of the report; a suppressed row reads "< k" and "supprimé"."""
    k = document["min_cell_size"]
    table = []
    for row in document["results"]:
        if row["suppressed"]:
            numbers = [hidden_count(k), SUPPRESSED, "", "", ""]
        else:
            interval = f"[{_number(row['ci_low'])} ; {_number(row['ci_high'])}]"
            numbers = [
                _number(row["n"]),
                _number(row["estimate"]),
                interval,
                _number(row["p_value"], 4),
                _number(row["p_adjusted"], 4),
            ]
        table.append(
            [
                textwrap.shorten(row["label"], 32),
                textwrap.shorten(subgroup_text(row["subgroup"]), 28),
                row["wave"] or "",
                row["method"],
                *numbers,
            ]
        )
    return table


def _text_page(pdf: PdfPages, title: str, lines: list[str]) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=A4_LANDSCAPE)
    figure.text(0.05, 0.93, title, fontsize=18, weight="bold")
    wrapped = []
    for line in lines:
        wrapped += textwrap.wrap(str(line), 110) or [""]
    figure.text(0.05, 0.86, "\n".join(wrapped), fontsize=11, va="top", linespacing=1.5)
    pdf.savefig(figure)


def _table_pages(pdf: PdfPages, title: str, header: list[str], rows: list[list[str]]) -> None:
    from matplotlib.figure import Figure

    for start in range(0, max(len(rows), 1), ROWS_PER_PAGE):
        figure = Figure(figsize=A4_LANDSCAPE)
        figure.text(0.05, 0.93, title, fontsize=16, weight="bold")
        axes = figure.add_axes((0.03, 0.05, 0.94, 0.83))
        axes.set_axis_off()
        chunk = rows[start : start + ROWS_PER_PAGE] or [[""] * len(header)]
        table = axes.table(cellText=chunk, colLabels=header, loc="upper center", cellLoc="left")
        table.auto_set_font_size(False)
        table.set_fontsize(7.5)
        table.scale(1, 1.3)
        pdf.savefig(figure)


def report_pdf(document: dict[str, Any]) -> bytes:
    """The RE-AIM report: protocol page, Reach, Effectiveness, Adoption, Implementation,
    Maintenance, then the charts."""
    from matplotlib.backends.backend_pdf import PdfPages

    k = document["min_cell_size"]
    context = document.get("re_aim") or {}
    flow = {
        (cell["stage"], cell.get("detail"), cell["group"]): cell
        for cell in document["flow"]["stages"]
    }

    def count(stage: str, detail: str | None = None) -> str:
        cell = flow.get((stage, detail, "all"))
        if cell is None:
            return "—"
        return hidden_count(k) if cell["suppressed"] else str(cell["n"])

    def context_value(key: str) -> str:
        if key in context.get("suppressed", []):
            return hidden_count(k)
        return _number(context.get(key))

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": f"Évaluation — {document['campaign']}"}) as pdf:
        _text_page(
            pdf,
            _("Rapport d'évaluation — %(title)s") % {"title": document.get("campaign_title", "")},
            [f"{label} : {value}" for label, value in summary_rows(document)]
            + [
                "",
                _("Les cases de moins de %(k)d personnes sont supprimées (« < %(k)d »).")
                % {"k": k},
            ],
        )
        target = context.get("target_population")
        _text_page(
            pdf,
            _("Portée (Reach)"),
            [
                _("Participants inclus : %(n)s") % {"n": count("enrolled")},
                _("Population cible : %(n)s") % {"n": target if target else _("non renseignée")},
                _("Participants retirés : %(n)s") % {"n": count("withdrawn")},
            ],
        )
        _table_pages(
            pdf,
            _("Efficacité (Effectiveness)"),
            [
                _("critère"),
                _("sous-groupe"),
                _("vague"),
                _("méthode"),
                "n",
                _("estimation"),
                _("IC"),
                "p",
                _("p ajustée"),
            ],
            effectiveness_rows(document),
        )
        _text_page(
            pdf,
            _("Adoption"),
            [
                _("Sites participants : %(n)s") % {"n": context_value("sites_participating")},
                _("Sites sollicités (lieux des actions) : %(n)s")
                % {"n": context_value("sites_approached")},
            ],
        )
        _text_page(
            pdf,
            _("Mise en œuvre (Implementation)"),
            [
                _("Actions prévues : %(n)s") % {"n": context_value("actions_planned")},
                _("Actions réalisées : %(n)s") % {"n": context_value("actions_delivered")},
                _("Actions annulées : %(n)s") % {"n": context_value("actions_cancelled")},
                _("Participation prévue : %(n)s") % {"n": context_value("planned_attendance")},
                _("Participation réelle : %(n)s") % {"n": context_value("actual_attendance")},
                _("Participants ayant assisté à une action : %(n)s")
                % {"n": context_value("participants_attending")},
            ],
        )
        _text_page(
            pdf,
            _("Maintien (Maintenance)"),
            [
                _("Réponses à la vague %(wave)s : %(n)s")
                % {"wave": wave, "n": count("answered", wave)}
                for wave in document.get("waves", [])
            ],
        )
        for _name, _title, figure in figures(document):
            pdf.savefig(figure)
    return buffer.getvalue()
