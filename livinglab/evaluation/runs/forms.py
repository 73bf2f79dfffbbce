"""Forms of the runs admin."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SampleSizeForm(forms.Form):
    design = forms.ChoiceField(
        label=_("Plan"),
        choices=[("paired", _("Avant/après (paires)")), ("two_group", _("Deux groupes"))],
    )
    effect_size = forms.FloatField(label=_("Taille d'effet (d de Cohen)"), initial=0.5)
    power = forms.FloatField(label=_("Puissance"), initial=0.8, min_value=0.01, max_value=0.99)
    alpha = forms.FloatField(label=_("Seuil alpha"), initial=0.05, min_value=0.001, max_value=0.5)
    icc = forms.FloatField(label=_("Corrélation intra-grappe (ICC)"), initial=0, min_value=0)
    cluster_size = forms.IntegerField(label=_("Taille des grappes"), initial=1, min_value=1)


class WithdrawForm(forms.Form):
    """Withdrawing published results: the reason is required (it goes to the audit trail)."""

    reason = forms.CharField(
        label=_("Motif du retrait"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Par exemple : erreur dans les données importées, analyse à refaire."),
    )
