"""Forms of the measurement part: the online questionnaire (a code builder, then one field per
outcome), the responses upload, the questionnaire settings and decisions on duplicates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models import Site
from livinglab.evaluation.measurement.models import QuestionnaireSettings, Scale
from livinglab.evaluation.measurement.questionnaires import QuestionnaireContext


def outcome_field(outcome) -> forms.Field:
    """The right widget per scale: number, 0..k radio buttons, or yes/no."""
    indicator = outcome.indicator
    label = outcome.label or indicator.label
    help_text = indicator.question
    if indicator.scale == Scale.BINARY:
        return forms.TypedChoiceField(
            label=label,
            help_text=help_text,
            choices=[(1, _("Oui")), (0, _("Non"))],
            coerce=float,
            widget=forms.RadioSelect,
        )
    if indicator.scale == Scale.ORDINAL:
        low, high = int(indicator.min_value or 0), int(indicator.max_value or 10)
        return forms.TypedChoiceField(
            label=label,
            help_text=help_text,
            choices=[(value, str(value)) for value in range(low, high + 1)],
            coerce=float,
            widget=forms.RadioSelect(attrs={"class": "scale"}),
        )
    return forms.FloatField(
        label=label,
        help_text=help_text,
        min_value=indicator.min_value,
        max_value=indicator.max_value,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )


class QuestionnaireForm(forms.Form):
    consent = forms.BooleanField(
        label=_("J'ai lu les informations ci-dessus et j'accepte de répondre."), required=True
    )
    parent_first_name = forms.CharField(
        label=_("Les deux premières lettres du prénom de votre mère (ou d'un parent)"),
        max_length=40,
        help_text=_(
            "Seules deux lettres servent à fabriquer votre code ; rien d'autre n'est gardé."
        ),
    )
    birth_day = forms.IntegerField(
        label=_("Votre jour de naissance (1 à 31)"), min_value=1, max_value=31
    )
    birth_town = forms.CharField(
        label=_("Les deux premières lettres de votre ville de naissance"), max_length=60
    )

    def __init__(self, *args, context: QuestionnaireContext, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.context = context
        if sites:
            self.fields["site"] = forms.ModelChoiceField(
                label=_("Votre établissement"), queryset=sites, empty_label=_("— choisir —")
            )
        self.outcome_fields = {}
        for outcome in context.outcomes:
            name = f"outcome_{outcome.indicator_id}"
            self.fields[name] = outcome_field(outcome)
            self.outcome_fields[name] = outcome.indicator_id

    def code_fields(self):
        return [self[name] for name in ("parent_first_name", "birth_day", "birth_town")]

    def question_fields(self):
        return [self[name] for name in self.outcome_fields]

    def values(self) -> dict[int, float]:
        return {
            indicator_id: float(self.cleaned_data[name])
            for name, indicator_id in self.outcome_fields.items()
            if self.cleaned_data.get(name) not in (None, "")
        }

    def site(self) -> Site | None:
        return self.cleaned_data.get("site")


class ResponsesUploadForm(forms.Form):
    file = forms.FileField(label=_("Fichier de réponses (CSV, XLSX ou ZIP d'ODK Central)"))
    wave = forms.ChoiceField(
        label=_("Vague"),
        required=False,
        help_text=_("Seulement si le fichier n'a pas de colonne vague."),
    )
    create_participants = forms.BooleanField(
        label=_("Créer les participants inconnus (avec leur groupe et leur site)"), required=False
    )

    def __init__(self, *args, waves=(), **kwargs):
        """``waves``: the protocol's waves, (code, label) in order."""
        super().__init__(*args, **kwargs)
        self.fields["wave"].choices = [("", _("— d'après la colonne « wave » du fichier —"))] + [
            (code, label or code) for code, label in waves
        ]


class DuplicateDecisionForm(forms.Form):
    """A manager's decision on an online submission kept apart as a duplicate."""

    KEEP, REPLACE = "keep", "replace"
    decision = forms.ChoiceField(
        choices=[
            (KEEP, _("Garder les réponses enregistrées")),
            (REPLACE, _("Remplacer par la réponse en double")),
        ]
    )

    @property
    def replace(self) -> bool:
        return self.cleaned_data["decision"] == self.REPLACE


class QuestionnaireSettingsForm(forms.ModelForm):
    class Meta:
        model = QuestionnaireSettings
        fields = ["is_open", "require_access_key", "consent_text"]
        widgets = {"consent_text": forms.Textarea(attrs={"rows": 4})}
