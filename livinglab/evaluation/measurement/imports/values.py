"""Cell values: numbers (with French decimal commas), yes/no words, groups; range checks."""

import math

from django.utils.translation import gettext as _

from livinglab.campaigns.models import Participant
from livinglab.evaluation.measurement.models import Indicator, Scale

GROUP_VALUES = {
    "intervention": Participant.Group.INTERVENTION,
    "comparison": Participant.Group.COMPARISON,
    "comparaison": Participant.Group.COMPARISON,
    "controle": Participant.Group.COMPARISON,
    "contrôle": Participant.Group.COMPARISON,
}
BINARY_VALUES = {
    "0": 0.0, "1": 1.0, "non": 0.0, "oui": 1.0, "no": 0.0, "yes": 1.0,
    "false": 0.0, "true": 1.0, "faux": 0.0, "vrai": 1.0, "n": 0.0, "y": 1.0,
}  # fmt: skip


def parse_value(raw, indicator: Indicator) -> tuple[float | None, str | None]:
    """The cell as a float (None when empty), or the reason it is refused."""
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        raw = int(raw)
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip()
        try:  # the common case, a plain number: same result as the cleaning below
            value = float(text)
        except ValueError:
            value, reason = _parse_text(text, indicator)
            if reason or value is None:
                return value, reason
    return _check(value, indicator)


def _parse_text(text: str, indicator: Indicator) -> tuple[float | None, str | None]:
    """A cell that is not a plain number: empty, NA, a yes/no word, a decimal comma."""
    if text == "" or text.upper() in {"NA", "N/A"}:
        return None, None
    if indicator.scale == Scale.BINARY and text.casefold() in BINARY_VALUES:
        return BINARY_VALUES[text.casefold()], None
    try:
        value = float(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        return None, _("n'est pas un nombre")
    return value, None


def _check(value: float, indicator: Indicator) -> tuple[float | None, str | None]:
    if math.isnan(value) or math.isinf(value):
        return None, _("n'est pas un nombre")
    if indicator.scale == Scale.BINARY and value not in (0.0, 1.0):
        return None, _("valeur binaire attendue (0/1, oui/non)")
    if indicator.scale == Scale.ORDINAL and not value.is_integer():
        return None, _("valeur entière attendue")
    low, high = indicator.min_value, indicator.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        return None, _("hors de la plage autorisée [%(low)s ; %(high)s]") % {
            "low": _format(low),
            "high": _format(high),
        }
    return value, None


def _format(number) -> str:
    if number is None:
        return "…"
    return str(int(number)) if float(number).is_integer() else str(number)


def cell_at(row: list, index: int | None):
    if index is None or index >= len(row):
        return None
    return row[index]


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
