"""Forms of the protocol builder: the protocol's settings, its waves and its outcomes (Django
formsets), and a new catalogue indicator. They produce the JSON definition that
`protocols.protocol_import` validates and saves — the same path as the JSON file."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.measurement.imports.guide import bounds_text
from livinglab.evaluation.measurement.models import (
    Indicator,
    Protocol,
    Scale,
    SubgroupDimension,
)
from livinglab.evaluation.measurement.protocols import ProtocolError, indicator_check

PRIMARY, SECONDARY = "primary", "secondary"
DEFAULT_WAVES = (
    {"code": "baseline", "label": _("Avant l'intervention")},
    {"code": "post", "label": _("Après l'intervention")},
)


class ProtocolForm(forms.Form):
    design = forms.ChoiceField(
        label=_("Plan d'évaluation"), choices=Protocol.Design.choices, widget=forms.RadioSelect
    )
    alpha = forms.FloatField(
        label=_("Seuil alpha"),
        initial=0.05,
        localize=True,
        help_text=_("Risque de conclure à un effet qui n'existe pas ; 0,05 le plus souvent."),
    )
    correction = forms.ChoiceField(
        label=_("Correction des tests multiples"),
        choices=Protocol.Correction.choices,
        initial=Protocol.Correction.HOLM,
    )
    min_cell_size = forms.IntegerField(
        label=_("Effectif minimal par case"),
        min_value=5,
        initial=10,
        help_text=_("Aucun résultat n'est publié pour moins de personnes (jamais moins de 5)."),
    )
    subgroups = forms.MultipleChoiceField(
        label=_("Sous-groupes analysés"),
        choices=SubgroupDimension.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deviation = forms.CharField(
        label=_("Raison de la nouvelle version"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "La version précédente est verrouillée : l'écart est publié avec les résultats."
        ),
    )

    def __init__(self, *args, deviation_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deviation"].required = deviation_required
        if not deviation_required:
            del self.fields["deviation"]


class WaveForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Tel qu'il figure dans les fichiers.")
    )
    label = forms.CharField(label=_("Libellé"), max_length=100, required=False)
    opens_on = forms.DateField(label=_("Ouverture"), required=False, widget=AdminDateInput)
    closes_on = forms.DateField(label=_("Fermeture"), required=False, widget=AdminDateInput)

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("La fermeture précède l'ouverture."))
        return cleaned


def indicator_choice_label(indicator: Indicator) -> str:
    """What a reader needs to pick an indicator: its label, scale, unit, bounds and direction."""
    details = [str(indicator.get_scale_display())]
    if indicator.unit:
        details.append(indicator.unit)
    if bounds_text(indicator):
        details.append(bounds_text(indicator))
    details.append(
        str(_("plus haut = mieux") if indicator.higher_is_better else _("plus bas = mieux"))
    )
    return f"{indicator.label} ({indicator.code}) — {', '.join(details)}"


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return indicator_choice_label(obj)


class OutcomeForm(forms.Form):
    indicator = IndicatorChoiceField(
        label=_("Indicateur du catalogue"),
        queryset=Indicator.objects.order_by("label"),
        to_field_name="code",
        empty_label=_("— choisir —"),
    )
    label = forms.CharField(
        label=_("Libellé dans les résultats"),
        max_length=200,
        required=False,
        help_text=_("Vide : le libellé de l'indicateur."),
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[(PRIMARY, _("Critère principal")), (SECONDARY, _("Critère secondaire"))],
        initial=SECONDARY,
    )
    family = forms.CharField(
        label=_("Famille (tests multiples)"),
        max_length=60,
        required=False,
        help_text=_("Vide : la famille suit le rôle (principal ou secondaire)."),
    )


class BaseOrderedFormSet(forms.BaseFormSet):
    """Rows in the order given (the ORDER column), deleted and empty rows left out."""

    def rows(self) -> list[dict]:
        return [form.cleaned_data for form in self.ordered_forms]


WaveFormSet = forms.formset_factory(
    WaveForm, formset=BaseOrderedFormSet, extra=1, can_order=True, can_delete=True
)
OutcomeFormSet = forms.formset_factory(
    OutcomeForm, formset=BaseOrderedFormSet, extra=2, can_order=True, can_delete=True
)


def builder_definition(
    *, campaign: Campaign, form: ProtocolForm, waves: WaveFormSet, outcomes: OutcomeFormSet
) -> dict:
    """The bound, valid builder as the JSON definition the import reads (DESIGN.md §4)."""
    wave_rows, outcome_rows = waves.rows(), outcomes.rows()
    data = form.cleaned_data
    return {
        "campaign": {"slug": campaign.slug, "title": campaign.title},
        "design": data["design"],
        "waves": [row["code"] for row in wave_rows],
        "wave_windows": {
            row["code"]: [
                row["opens_on"].isoformat() if row.get("opens_on") else None,
                row["closes_on"].isoformat() if row.get("closes_on") else None,
            ]
            for row in wave_rows
        },
        "wave_labels": {row["code"]: row.get("label", "") for row in wave_rows},
        "outcomes": [
            {
                "indicator": row["indicator"].code,
                "label": row.get("label", ""),
                "scale": row["indicator"].scale,
                "primary": row["role"] == PRIMARY,
                **({"family": row["family"]} if row.get("family") else {}),
            }
            for row in outcome_rows
        ],
        "alpha": data["alpha"],
        "correction": data["correction"],
        "min_cell_size": data["min_cell_size"],
        "subgroups": list(data["subgroups"]),
    }


def builder_initial(definition: dict | None) -> dict:
    """Initial values of the three parts from a definition (a copy of the current version)."""
    if definition is None:
        return {
            "form": {"design": Protocol.Design.PRE_POST},
            "waves": [dict(wave, ORDER=rank) for rank, wave in enumerate(DEFAULT_WAVES, 1)],
            "outcomes": [],
        }
    windows = definition.get("wave_windows", {})
    labels = definition.get("wave_labels", {})
    return {
        "form": {
            key: definition[key]
            for key in ("design", "alpha", "correction", "min_cell_size", "subgroups")
        },
        "waves": [
            {
                "code": code,
                "label": labels.get(code, ""),
                "opens_on": _date((windows.get(code) or [None, None])[0]),
                "closes_on": _date((windows.get(code) or [None, None])[1]),
                "ORDER": rank,
            }
            for rank, code in enumerate(definition["waves"], 1)
        ],
        "outcomes": [
            {
                "indicator": outcome["indicator"],
                "label": outcome.get("label", ""),
                "role": PRIMARY if outcome.get("primary") else SECONDARY,
                "family": outcome.get("family", ""),
                "ORDER": rank,
            }
            for rank, outcome in enumerate(definition["outcomes"], 1)
        ],
    }


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class IndicatorCreateForm(forms.ModelForm):
    """A catalogue indicator an outcome needs, with its unit, bounds and direction."""

    class Meta:
        model = Indicator
        fields = ["code", "label", "question", "scale", "unit", "min_value", "max_value",
                  "higher_is_better"]  # fmt: skip
        widgets = {"question": forms.Textarea(attrs={"rows": 2})}
        localized_fields = ["min_value", "max_value"]

    def clean(self):
        cleaned = super().clean()
        scale = cleaned.get("scale")
        if scale and scale != Scale.BINARY:
            for name in ("min_value", "max_value"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(
                        name, _("Donnez la borne : les imports refusent les valeurs hors bornes.")
                    )
        if self.errors:
            return cleaned
        try:
            checked = indicator_check({**cleaned, "indicator": cleaned.get("code")})
        except ProtocolError as error:
            raise ValidationError(str(error)) from error
        cleaned["min_value"], cleaned["max_value"] = checked["min_value"], checked["max_value"]
        return cleaned
