"""What an import page tells before the upload: the generic file's expected columns, with the
values each accepts, for the campaign's protocol (and a chosen wave); and the CSV template."""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.measurement.imports.formats import BY_NAME, FALLBACK, FORMATS
from livinglab.evaluation.measurement.models import Protocol, Scale


@dataclass(frozen=True)
class ExpectedColumn:
    name: str
    meaning: str
    allowed: str
    required: bool
    # Coded values the file uses, (code, label): shown as codes beside their labels.
    values: tuple = ()


def format_labels() -> list[str]:
    """The survey tools recognised, as people name them (never their codes)."""
    return [str(survey_format.label) for survey_format in (FALLBACK, *FORMATS)]


def format_label(code: str) -> str:
    survey_format = BY_NAME.get(code)
    return str(survey_format.label) if survey_format else code


def bounds_text(indicator) -> str:
    """ "0 – 16", "1,5 – …": an indicator's range in the reader's number format."""
    low, high = indicator.min_value, indicator.max_value
    if low is None and high is None:
        return ""
    return f"{_number(low)} – {_number(high)}"


def _number(value) -> str:
    if value is None:
        return "…"
    return number_format(int(value) if float(value).is_integer() else value)


def _allowed(indicator) -> str:
    if indicator.scale == Scale.BINARY:
        return str(_("0 ou 1 (non / oui)"))
    bounds = bounds_text(indicator)
    if indicator.scale == Scale.ORDINAL:
        text = _("nombre entier de %(bounds)s") if bounds else _("nombre entier")
    else:
        text = _("nombre de %(bounds)s") if bounds else _("nombre")
    text = str(text) % {"bounds": bounds} if bounds else str(text)
    if indicator.unit:
        text += f" ({indicator.unit})"
    return text + str(_(" ; vide si pas de réponse"))


def expected_columns(campaign: Campaign, protocol: Protocol, wave: str = "") -> list:
    """The generic file's columns for this protocol; without the wave column when one is
    chosen on the page."""
    waves = {item.code: item for item in campaign.waves.filter(code__in=protocol.wave_codes)}
    columns = [
        ExpectedColumn(
            "participant",
            str(_("Code du participant")),
            str(_("le code donné au participant, identique d'une vague à l'autre")),
            True,
        )
    ]
    if not wave:
        columns.append(
            ExpectedColumn(
                "wave",
                str(_("Vague")),
                ", ".join(protocol.wave_codes),
                True,
                tuple(
                    (code, waves[code].label if code in waves else "")
                    for code in protocol.wave_codes
                ),
            )
        )
    groups = (
        _("intervention")
        if protocol.design != Protocol.Design.CONTROLLED_PRE_POST
        else _("intervention ou comparaison")
    )
    columns += [
        ExpectedColumn(
            "group", str(_("Groupe")), str(groups) + str(_(" ; vide : intervention")), False
        ),
        ExpectedColumn(
            "site",
            str(_("Établissement ou lieu")),
            str(_("nom, UAI ou SIRET d'un site enregistré ; facultatif")),
            False,
        ),
    ]
    for outcome in protocol.outcomes.select_related("indicator"):
        indicator = outcome.indicator
        columns.append(
            ExpectedColumn(
                indicator.code,
                f"{outcome} — {indicator.get_scale_display()}",
                _allowed(indicator),
                False,
            )
        )
    return columns


def template_csv(columns: list[ExpectedColumn]) -> bytes:
    """The header line of the generic file (UTF-8 with BOM, read as such by spreadsheets)."""
    from livinglab.core.spreadsheets import escape_formula  # tablib: not at start-up

    header = ",".join(escape_formula(column.name) for column in columns)
    return ("\ufeff" + header + "\r\n").encode()
