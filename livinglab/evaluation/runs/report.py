"""The report of a run, as a PDF (ReportLab platypus) and as the context of the HTML page.

One function, `report_content`, says what the report holds: cover facts, plain-language
summary, summary-of-findings table, the RE-AIM sections, the full results table, charts and
methods, every code turned into a human label and every number into French notation. The PDF
(`report_pdf`) and the HTML report page render that same content.

The charts are those of `charts.render_charts`: a figure is drawn once and its PNG embedded
here; pass the charts already rendered for the run's files to avoid drawing them again.
ReportLab and matplotlib are imported when a report is drawn, not with this module.
"""

from __future__ import annotations

import io
import math
import platform
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from typing import Any
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from livinglab.evaluation.labels import (
    correction_label,
    design_label,
    effect_size_label,
    group_label,
    method_label,
)
from livinglab.evaluation.runs import charts as run_charts
from livinglab.evaluation.runs.charts import (
    Chart,
    outcome_title,
    wave_text,
)
from livinglab.evaluation.runs.document import hidden_count
from livinglab.evaluation.runs.findings import (
    decimals_for,
    format_number,
    readable_results,
    summary_of_findings,
    summary_sentences,
)

DASH = "—"
SOFTWARE = ("Django", "numpy", "scipy", "statsmodels", "pandas", "matplotlib", "reportlab")
RE_AIM_SECTIONS = ("reach", "effectiveness", "adoption", "implementation", "maintenance")


# --- French numbers -----------------------------------------------------------------------


def decimal(value: Any) -> str:
    """A count or a number in French notation (`findings.format_number`), "—" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return format_number(value, decimals_for(value=value))


def percent(part: Any, whole: Any) -> str:
    if not isinstance(part, int | float) or not isinstance(whole, int | float) or not whole:
        return ""
    return format_number(100 * part / whole, 1) + " %"


def generated_text(value: str | None) -> str:
    if not value:
        return DASH
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return formats.date_format(moment, "DATETIME_FORMAT")


# --- What the report holds ----------------------------------------------------------------


@dataclass
class Section:
    """One RE-AIM section: a heading, paragraphs and (label, value) facts."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)


def result_rows(document: dict[str, Any]) -> list[dict[str, str]]:
    """The full results table as text cells (`findings.readable_results`); a withheld row
    says why."""
    rows = []
    for row in readable_results(document):
        p = row["p_value"]
        if p and row["p_adjusted"]:
            p = _("%(p)s (ajustée : %(adjusted)s)") % {"p": p, "adjusted": row["p_adjusted"]}
        effect = " ; ".join(text for text in (row["effect_size"], row["odds_ratio"]) if text)
        rows.append(
            {
                "code": row["indicator"],
                "indicator": row["label"],
                "subgroup": row["subgroup"],
                "waves": row["waves"],
                "method": row["method_label"],
                "participants": row["participants"] or DASH,
                "estimate": row["suppressed_text"] or row["change"] or DASH,
                "p": p,
                "effect_size": effect,
                "suppressed": row["suppressed"],
            }
        )
    return rows


def _flow(document: dict[str, Any]) -> dict[tuple, dict[str, Any]]:
    return {
        (cell["stage"], cell.get("detail"), cell["group"]): cell
        for cell in document["flow"]["stages"]
    }


def _count(flow: dict, k: int, stage: str, detail: str | None = None, group: str = "all"):
    """(text, number or None) of a flow count."""
    cell = flow.get((stage, detail, group))
    if cell is None:
        return DASH, None
    if cell["suppressed"]:
        return hidden_count(k), None
    return decimal(cell["n"]), cell["n"]


def _context_value(document: dict[str, Any], key: str):
    context = document.get("re_aim") or {}
    if key in context.get("suppressed", []):
        return hidden_count(document["min_cell_size"]), None
    value = context.get(key)
    return (decimal(value) if value is not None else _("non renseigné")), value


def re_aim_sections(document: dict[str, Any]) -> list[Section]:
    """Reach, Effectiveness, Adoption, Implementation, Maintenance, in French."""
    k = document["min_cell_size"]
    flow = _flow(document)
    groups = [group for group in document["flow"].get("groups", []) if group != "all"]
    waves = document.get("waves") or []

    enrolled_text, enrolled = _count(flow, k, "enrolled")
    target_text, target = _context_value(document, "target_population")
    withdrawn_text, _withdrawn = _count(flow, k, "withdrawn")
    reach = Section("reach", _("Portée (Reach)"))
    reach.paragraphs.append(
        _(
            "La portée décrit qui l'action a touché : %(enrolled)s participants inclus "
            "(hors retraits), pour une population cible %(target)s."
        )
        % {
            "enrolled": enrolled_text,
            "target": _("de %(n)s personnes") % {"n": target_text}
            if target
            else _("non renseignée dans la campagne"),
        }
    )
    reach.facts.append((_("Participants inclus"), enrolled_text))
    if len(groups) > 1:
        for group in groups:
            reach.facts.append(
                (
                    _("Participants inclus — groupe %(group)s") % {"group": group_label(group)},
                    _count(flow, k, "enrolled", None, group)[0],
                )
            )
    reach.facts.append((_("Population cible"), target_text if target else _("non renseignée")))
    if target and enrolled:
        reach.facts.append((_("Part de la population cible incluse"), percent(enrolled, target)))
    reach.facts.append((_("Participants retirés de l'étude"), withdrawn_text))

    effectiveness = Section("effectiveness", _("Efficacité (Effectiveness)"))
    effectiveness.paragraphs.append(
        _(
            "L'efficacité compare les indicateurs avant et après l'action. Plan d'évaluation : "
            "%(design)s. Le résumé et le tableau de synthèse ci-dessus donnent les résultats "
            "principaux ; le tableau complet ci-dessous détaille chaque analyse, sous-groupe et "
            "vague."
        )
        % {"design": design_label(document["design"])}
    )
    for outcome in document.get("outcomes") or []:
        text, _n = _count(flow, k, "analysed", outcome["indicator"])
        effectiveness.facts.append(
            (
                _("Participants analysés — %(indicator)s") % {"indicator": outcome_title(outcome)},
                text,
            )
        )

    approached_text, approached = _context_value(document, "sites_approached")
    participating_text, participating = _context_value(document, "sites_participating")
    adoption = Section("adoption", _("Adoption"))
    adoption.paragraphs.append(
        _(
            "L'adoption décrit les lieux qui ont pris part à l'action : %(participating)s lieux "
            "comptent des participants inclus ; %(approached)s lieux ont accueilli au moins une "
            "action de la campagne."
        )
        % {"participating": participating_text, "approached": approached_text}
    )
    adoption.facts += [
        (_("Lieux comptant des participants"), participating_text),
        (_("Lieux ayant accueilli une action"), approached_text),
    ]

    planned_text, planned = _context_value(document, "actions_planned")
    delivered_text, delivered = _context_value(document, "actions_delivered")
    implementation = Section("implementation", _("Mise en œuvre (Implementation)"))
    if planned:
        implementation.paragraphs.append(
            _(
                "La mise en œuvre compare ce qui était prévu à ce qui a été fait : "
                "%(delivered)s actions réalisées sur %(planned)s prévues (%(rate)s)."
            )
            % {
                "delivered": delivered_text,
                "planned": planned_text,
                "rate": percent(delivered, planned) or DASH,
            }
        )
    else:
        implementation.paragraphs.append(
            _(
                "Aucune action n'est enregistrée dans la campagne : la mise en œuvre n'est pas "
                "documentée."
            )  # fmt: skip
        )
    attended_text, attended = _context_value(document, "actual_attendance")
    expected_text, expected = _context_value(document, "planned_attendance")
    implementation.facts += [
        (_("Actions prévues"), planned_text),
        (_("Actions réalisées"), delivered_text),
        (_("Actions annulées"), _context_value(document, "actions_cancelled")[0]),
        (_("Participation prévue (places)"), expected_text),
        (_("Participation réelle"), attended_text),
        (_("Taux de participation"), percent(attended, expected) or DASH),
        (
            _("Participants ayant assisté à au moins une action"),
            _context_value(document, "participants_attending")[0],
        ),
    ]

    maintenance = Section("maintenance", _("Maintien (Maintenance)"))
    for wave in waves:
        text, answered = _count(flow, k, "answered", wave)
        share = percent(answered, enrolled)
        maintenance.facts.append(
            (
                _("Réponses — %(wave)s") % {"wave": wave_text(document, wave)},
                f"{text} ({share})" if share else text,
            )
        )
    if len(waves) > 2:
        maintenance.paragraphs.append(
            _(
                "Avec %(count)d vagues, le maintien se lit dans l'évolution des effets d'une "
                "vague de suivi à l'autre (tableau complet et graphiques) et dans la part des "
                "participants qui répondent encore."
            )
            % {"count": len(waves)}
        )
    else:
        maintenance.paragraphs.append(
            _(
                "Ce protocole mesure deux vagues : le maintien des effets au-delà de la "
                "dernière mesure n'est pas évalué. Les réponses par vague indiquent combien de "
                "participants sont restés dans l'étude."
            )
        )
    return [reach, effectiveness, adoption, implementation, maintenance]


def software_versions() -> list[tuple[str, str]]:
    versions = [("Python", platform.python_version())]
    for name in SOFTWARE:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, _("non installé")))
    return versions


def methods_paragraphs(document: dict[str, Any]) -> list[str]:
    """How the numbers were computed, in French."""
    methods = sorted({method_label(row["method"]) for row in document["results"]})
    effect_sizes = sorted(
        {effect_size_label(row["effect_size_name"]) for row in document["results"]} - {""}
    )
    waves = ", ".join(wave_text(document, wave) for wave in document.get("waves") or [])
    paragraphs = [
        _("Plan d'évaluation : %(design)s ; vagues de mesure : %(waves)s.")
        % {"design": design_label(document["design"]), "waves": waves or DASH},
        _("Méthodes statistiques : %(methods)s.") % {"methods": " ; ".join(methods) or DASH},
        _(
            "Intervalles de confiance à 95 %%, seuil de signification %(alpha)s ; correction "
            "des tests multiples : %(correction)s."
        )
        % {
            "alpha": decimal(document.get("alpha")),
            "correction": correction_label(document.get("correction")) or DASH,
        },
        _(
            "Confidentialité : toute case de moins de %(k)d personnes est supprimée (« < %(k)d »), "
            "ainsi que les cases qui permettraient de la recalculer."
        )
        % {"k": document["min_cell_size"]},
    ]
    if effect_sizes:
        paragraphs.append(_("Tailles d'effet : %(names)s.") % {"names": " ; ".join(effect_sizes)})
    paragraphs.append(
        _("Protocole verrouillé (pré-enregistré) avant l'analyse.")
        if document.get("protocol_locked")
        else _("Protocole non verrouillé avant l'analyse.")
    )
    for deviation in document.get("deviations") or []:
        paragraphs.append(_("Écart au protocole : %(text)s") % {"text": deviation})
    for notice in document.get("notices") or []:
        paragraphs.append(_("Remarque : %(text)s") % {"text": notice})
    return paragraphs


def finding_rows(document: dict[str, Any]) -> list[dict[str, str]]:
    """The summary-of-findings table as text cells (`findings.summary_of_findings`)."""
    outcomes = {outcome["indicator"]: outcome for outcome in document.get("outcomes") or []}
    rows = []
    for finding in summary_of_findings(document):
        outcome = outcomes.get(finding.indicator, {"unit": finding.unit})
        change = finding.suppressed_text or finding.change_text or DASH
        if finding.odds_ratio_text and not finding.suppressed_text:
            change = f"{change} ; {finding.odds_ratio_text}"
        certainty = finding.certainty_label or DASH
        if finding.reasons:
            certainty = f"{certainty} : {' ; '.join(finding.reasons)}"
        rows.append(
            {
                "indicator": outcome_title({**outcome, "label": finding.label}),
                "waves": _("%(first)s → %(then)s")
                % {"first": finding.baseline_wave_label, "then": finding.wave_label},
                "baseline": finding.baseline_level or DASH,
                "followup": finding.followup_level or DASH,
                "change": change,
                "p": finding.p_value_text if not finding.suppressed_text else "",
                "participants": finding.people_text or DASH,
                "certainty": certainty,
                "suppressed": bool(finding.suppressed_text),
            }
        )
    return rows


# (key, header, share of the PDF's text width) of the two tables, for the PDF and the page.
FINDING_COLUMNS = (
    ("indicator", _lazy("Indicateur"), 0.13),
    ("waves", _lazy("Vagues comparées"), 0.11),
    ("baseline", _lazy("Niveau initial"), 0.11),
    ("followup", _lazy("Niveau au suivi"), 0.11),
    ("change", _lazy("Changement (IC à 95 %)"), 0.16),
    ("p", _lazy("p"), 0.08),
    ("participants", _lazy("Participants"), 0.12),
    ("certainty", _lazy("Certitude des preuves"), 0.18),
)
RESULT_COLUMNS = (
    ("subgroup", _lazy("Sous-groupe"), 0.15),
    ("waves", _lazy("Vagues comparées"), 0.13),
    ("method", _lazy("Méthode"), 0.15),
    ("participants", _lazy("Participants"), 0.14),
    ("estimate", _lazy("Changement (IC à 95 %)"), 0.18),
    ("p", _lazy("p (ajustée)"), 0.11),
    ("effect_size", _lazy("Taille d'effet"), 0.14),
)


def text_table(columns, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Headers, widths and rows of cells in column order; the first cell heads its row."""
    total = sum(width for _key, _header, width in columns)
    return {
        "headers": [str(header) for _key, header, _width in columns],
        "widths": [width / total for _key, _header, width in columns],
        "rows": [
            {
                "cells": [row[key] for key, _header, _width in columns],
                "suppressed": row["suppressed"],
            }
            for row in rows
        ],
    }


def result_tables(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The full results, one table per indicator (waves shown when there are more than two)."""
    columns = [
        column
        for column in RESULT_COLUMNS
        if column[0] != "waves" or len(document.get("waves") or []) > 2
    ]
    rows = result_rows(document)
    tables = []
    for outcome in document.get("outcomes") or []:
        own = [row for row in rows if row["code"] == outcome["indicator"]]
        if own:
            tables.append({"title": outcome_title(outcome), "table": text_table(columns, own)})
    return tables


def flow_table(document: dict[str, Any]) -> dict[str, Any]:
    """The participant flow (CONSORT-style) as a table: one row per stage, one column per
    group; withheld counts read "< k"."""
    k = document["min_cell_size"]
    groups = ["all"] + [group for group in document["flow"].get("groups", []) if group != "all"]
    if len(groups) < 3:
        groups = ["all"]
    stages: dict[tuple, dict[str, Any]] = {}
    for cell in document["flow"]["stages"]:
        stage = stages.setdefault(
            (cell["stage"], cell.get("detail")),
            {"label": run_charts.stage_label(document, cell), "counts": {}},
        )
        stage["counts"][cell["group"]] = (
            hidden_count(k) if cell["suppressed"] else decimal(cell["n"])
        )
    headers = [_("Étape")] + [
        _("Ensemble") if group == "all" else group_label(group) for group in groups
    ]
    return {
        "headers": [str(header) for header in headers],
        "widths": [0.55] + [0.45 / len(groups)] * len(groups),
        "rows": [
            {
                "cells": [stage["label"], *(stage["counts"].get(group, DASH) for group in groups)],
                "suppressed": False,
            }
            for stage in stages.values()
        ],
    }


def report_content(
    document: dict[str, Any],
    chart_list: list[Chart] | None = None,
    *,
    costs: dict[str, Any] | None = None,
) -> dict:
    """Everything the report says, as French text; the PDF and the HTML page render it.

    ``chart_list`` is only needed by the PDF (the HTML page links the stored charts);
    ``costs`` is the "Coûts" section (`runs.costs.report_costs`), read from the campaign's
    budget when the report is drawn: absent when the campaign records no cost.
    """
    title = document.get("campaign_title") or document["campaign"]
    return {
        "title": _("Rapport d'évaluation — %(title)s") % {"title": title},
        "campaign_title": title,
        "cover": [
            (_("Campagne"), title),
            (_("Plan d'évaluation"), design_label(document["design"])),
            (_("Version du protocole"), str(document["protocol_version"])),
            (_("Empreinte du protocole"), document["protocol_hash"]),
            (_("Empreinte des données"), document.get("data_hash") or DASH),
            (_("Calculé le"), generated_text(document.get("generated_at"))),
        ],
        "summary": summary_sentences(document),
        "findings": text_table(FINDING_COLUMNS, finding_rows(document)),
        "sections": re_aim_sections(document),
        "flow": flow_table(document),
        "results": result_tables(document),
        "methods": methods_paragraphs(document),
        "software": software_versions(),
        "charts": chart_list or [],
        "costs": costs,
    }


# --- PDF ----------------------------------------------------------------------------------

FONT = "LivingLabSans"
FONT_BOLD = "LivingLabSans-Bold"


def _register_fonts() -> tuple[str, str]:
    """DejaVu Sans (bundled with matplotlib) for full Unicode; Helvetica when it is absent."""
    from pathlib import Path

    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT, FONT_BOLD
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
    return FONT, FONT_BOLD


def _styles(font: str, bold: str) -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=13.5, spaceAfter=5)
    return {
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=22, leading=27,
                                spaceAfter=14, textColor=colors.HexColor("#1f4e5f")),
        "h1": ParagraphStyle("h1", base, fontName=bold, fontSize=15, leading=19, spaceBefore=8,
                             spaceAfter=8, textColor=colors.HexColor("#1f4e5f")),
        "h2": ParagraphStyle("h2", base, fontName=bold, fontSize=12, leading=15, spaceBefore=8,
                             spaceAfter=5),
        "body": base,
        "bullet": ParagraphStyle("bullet", base, leftIndent=12, bulletIndent=2),
        "cell": ParagraphStyle("cell", base, fontSize=7.5, leading=9.2, spaceAfter=0),
        "head": ParagraphStyle("head", base, fontName=bold, fontSize=7.5, leading=9.2,
                               spaceAfter=0, textColor=colors.white),
        "small": ParagraphStyle("small", base, fontSize=8, leading=10),
        "caption": ParagraphStyle("caption", base, fontName=bold, fontSize=10, leading=13,
                                  spaceBefore=6, spaceAfter=3),
    }  # fmt: skip


def _numbered_canvas(font: str):
    """A canvas that writes "Page n / total" once the number of pages is known."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, 8)
                width, _height = self._pagesize
                self.drawRightString(
                    width - 15 * mm,
                    10 * mm,
                    _("Page %(page)d / %(total)d") % {"page": self._pageNumber, "total": total},
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def _table(rows: list[list[Any]], widths: list[float], styles: dict, header: bool = True):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    cells = [
        [
            value
            if not isinstance(value, str)
            else Paragraph(
                escape(value).replace("&lt; ", "&lt;\u00a0"),  # "< 0,001" on one line
                styles["head" if header and index == 0 else "cell"],
            )
            for value in row
        ]
        for index, row in enumerate(rows)
    ]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c7ce")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f4e5f")),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f6f8")]),
        ]
    table.setStyle(TableStyle(commands))
    return table


def _text_table(table: dict[str, Any], width: float, styles: dict):
    return _table(
        [table["headers"], *[row["cells"] for row in table["rows"]]],
        [share * width for share in table["widths"]],
        styles,
    )


def _chart_image(chart: Chart, max_width: float, max_height: float):
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    width, height = ImageReader(io.BytesIO(chart.png)).getSize()
    scale = min(max_width / width, max_height / height)
    return Image(io.BytesIO(chart.png), width=width * scale, height=height * scale)


def report_pdf(
    document: dict[str, Any],
    chart_list: list[Chart] | None = None,
    *,
    costs: dict[str, Any] | None = None,
) -> bytes:
    """The A4 report: cover, summary, summary of findings, RE-AIM sections, full results,
    charts, methods and software versions; "Page n / total" at the foot of every page.

    ``chart_list``: the run's charts already rendered (`charts.render_charts`); drawn here
    (PNG only) when not given.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer

    if chart_list is None:
        chart_list = run_charts.render_charts(document, formats=("png",))
    content = report_content(document, chart_list, costs=costs)
    font, bold = _register_fonts()
    styles = _styles(font, bold)
    width = A4[0] - 30 * mm

    def paragraph(text: str, style: str = "body"):
        return Paragraph(escape(str(text)), styles[style])

    story: list[Any] = [
        Spacer(1, 30 * mm),
        paragraph(_("Rapport d'évaluation"), "title"),
        paragraph(content["campaign_title"], "h1"),
        Spacer(1, 8 * mm),
        _table(
            [[str(label), str(value)] for label, value in content["cover"]],
            [0.32 * width, 0.68 * width],
            styles,
            header=False,
        ),
        Spacer(1, 8 * mm),
        paragraph(
            _(
                "Les résultats sont agrégés ; toute case de moins de %(k)d personnes est "
                "supprimée (« < %(k)d »)."
            )
            % {"k": document["min_cell_size"]},
            "small",
        ),
        PageBreak(),
        paragraph(_("Résumé en langage clair"), "h1"),
    ]
    story += [paragraph(sentence, "bullet") for sentence in content["summary"]] or [
        paragraph(_("Aucun résultat principal."))
    ]
    story.append(paragraph(_("Synthèse des résultats principaux"), "h1"))
    story.append(_text_table(content["findings"], width, styles))
    story.append(PageBreak())
    for section in content["sections"]:
        story.append(paragraph(section.title, "h1"))
        story += [paragraph(text) for text in section.paragraphs]
        if section.facts:
            story.append(
                _table(
                    [[str(label), str(value)] for label, value in section.facts],
                    [0.6 * width, 0.4 * width],
                    styles,
                    header=False,
                )
            )
        if section.key == "reach":
            story.append(paragraph(_("Flux des participants"), "h2"))
            story.append(_text_table(content["flow"], width, styles))
        if section.key == "effectiveness":
            story.append(paragraph(_("Tableau complet des résultats"), "h2"))
            for result_table in content["results"]:
                story.append(paragraph(result_table["title"], "caption"))
                story.append(_text_table(result_table["table"], width, styles))
            for chart in content["charts"]:
                if chart.name == "flow":
                    continue
                story.append(
                    KeepTogether(
                        [paragraph(chart.title, "caption"), _chart_image(chart, width, 95 * mm)]
                    )
                )
    if content["costs"]:
        story.append(paragraph(_("Coûts"), "h1"))
        story.append(
            _table(
                [[str(label), str(value)] for label, value in content["costs"]["facts"]],
                [0.6 * width, 0.4 * width],
                styles,
                header=False,
            )
        )
        story += [paragraph(text, "bullet") for text in content["costs"]["sentences"]]
        story.append(paragraph(content["costs"]["definitions"], "small"))
    story.append(paragraph(_("Méthodes"), "h1"))
    story += [paragraph(text) for text in content["methods"]]
    story.append(paragraph(_("Logiciels"), "h2"))
    story.append(
        _table(
            [[name, version] for name, version in content["software"]],
            [0.4 * width, 0.3 * width],
            styles,
            header=False,
        )
    )

    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=content["title"],
        author="LivingLab Prévention",
        lang="fr",
    )
    pdf.build(story, canvasmaker=_numbered_canvas(font))
    return buffer.getvalue()
