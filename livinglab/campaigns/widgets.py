"""Import widgets that read what people type in spreadsheets and refuse clearly, in French."""

from datetime import date, datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from livinglab.campaigns.models import Organisation, Site


def _text(value) -> str:
    return "" if value is None else str(value).strip()


class ChoiceWidget(widgets.Widget):
    """Accepts a choice's code or its French label; exports the code."""

    def __init__(self, choices, *, empty: str = "", **kwargs):
        super().__init__(**kwargs)
        self.by_text = {}
        for code, label in choices:
            self.by_text[str(code).casefold()] = code
            self.by_text[str(label).casefold()] = code
        self.codes = [code for code, _label in choices]
        self.choices = list(choices)  # shown on the import page: what a cell may say
        self.empty = empty

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return self.empty
        if text.casefold() not in self.by_text:
            raise ValueError(
                _("valeur inconnue « %(value)s » (attendu : %(codes)s)")
                % {"value": text, "codes": ", ".join(self.codes)}
            )
        return self.by_text[text.casefold()]


class FrenchDateWidget(widgets.DateWidget):
    """ISO (2026-03-31) or French (31/03/2026) dates; spreadsheet date cells as they are.

    A slashed date whose day and month could be swapped (05/01/2027: 5 January or May 1st,
    depending on the spreadsheet's language) is refused: ISO dates say it without doubt.
    """

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
        self.formats = ("%Y-%m-%d", "%d/%m/%Y")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if not _text(value):
            return None
        for date_format in self.formats:
            try:
                parsed = datetime.strptime(_text(value), date_format).date()
            except ValueError:
                continue
            if date_format != "%Y-%m-%d" and parsed.day <= 12 and parsed.day != parsed.month:
                raise ValueError(
                    _(
                        "date ambiguë « %(value)s » (jour et mois peuvent être inversés) : "
                        "écrivez-la AAAA-MM-JJ, par exemple %(iso)s"
                    )
                    % {"value": value, "iso": parsed.isoformat()}
                )
            return parsed
        raise ValueError(
            _("date invalide « %(value)s » (attendu AAAA-MM-JJ ou JJ/MM/AAAA)") % {"value": value}
        )


class LookupWidget(widgets.ForeignKeyWidget):
    """A related row found by any of `lookups` (e.g. a site by name, UAI or SIRET)."""

    def __init__(self, model, lookups: tuple[str, ...], unknown_message, **kwargs):
        super().__init__(model, field=lookups[0], **kwargs)
        self.lookups = lookups
        self.unknown_message = unknown_message

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        condition = Q()
        for lookup in self.lookups:
            condition |= Q(**{f"{lookup}__iexact": text})
        matches = list(self.model.objects.filter(condition)[:2])
        if not matches:
            raise ValueError(self.unknown_message % {"value": text})
        if len(matches) > 1:
            raise ValueError(_("« %(value)s » désigne plusieurs lignes") % {"value": text})
        return matches[0]


class CampaignActionWidget(LookupWidget):
    """An action of the import's campaign, found by its title (another campaign's is unknown)."""

    def __init__(self, **kwargs):
        from livinglab.campaigns.models import Action

        super().__init__(Action, ("title",), _('action inconnue dans cette campagne "%(value)s"'))
        self.campaign = None  # set by the resource for the campaign being imported into

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(campaign=self.campaign)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        matches = list(self.get_queryset(value, row).filter(title__iexact=text)[:2])
        if not matches:
            raise ValueError(self.unknown_message % {"value": text})
        if len(matches) > 1:
            raise ValueError(_("« %(value)s » désigne plusieurs lignes") % {"value": text})
        return matches[0]


class EuroWidget(widgets.DecimalWidget):
    """Amounts as spreadsheets write them: 1250.5, "1 250,50", "1 250,50 €"."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return super().clean(value, row, **kwargs)
        text = _text(value).replace("€", "").replace("\u00a0", "").replace("\u202f", "")
        text = text.replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            return super().clean(text, row, **kwargs)
        except Exception as error:
            raise ValueError(
                _("montant invalide « %(value)s » (attendu un nombre d'euros, ex. 1250,50)")
                % {"value": value}
            ) from error


def site_widget() -> LookupWidget:
    return LookupWidget(Site, ("name", "uai", "siret"), _('site inconnu "%(value)s"'))


def organisation_widget() -> LookupWidget:
    return LookupWidget(Organisation, ("name",), _('organisation inconnue "%(value)s"'))


class DigitsWidget(widgets.CharWidget):
    """Codes made of digits (postcodes) that spreadsheets turn into numbers and strip of zeros."""

    def __init__(self, width: int, **kwargs):
        super().__init__(**kwargs)
        self.width = width

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(int(value)).zfill(self.width)
        return _text(value)
