"""Pooled evidence per catalogue indicator, stored so that pages read it without recomputing."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models import Theme
from livinglab.campaigns.models.organisations import Setting
from livinglab.evaluation.measurement.models import Indicator


class PooledEvidence(models.Model):
    """One indicator's meta-analysis, overall (no setting, no theme) or within one stratum."""

    class EffectScale(models.TextChoices):
        NATURAL = "natural", _("unités de l'indicateur")
        STANDARDISED = "standardised", _("effet standardisé")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="pooled_evidence"
    )
    # "" and no theme: every campaign; otherwise one setting or one theme.
    setting = models.CharField(_("milieu"), max_length=20, choices=Setting.choices, blank=True)
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="pooled_evidence"
    )
    effect_scale = models.CharField(max_length=20, choices=EffectScale.choices)
    campaigns = models.PositiveIntegerField(_("campagnes"))
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    # studies (one per campaign), the DerSimonian–Laird and Paule–Mandel fits, unit and labels:
    # see pooled/services.py (`pooled_numbers`).
    numbers = models.JSONField(default=dict)
    charts = models.JSONField(default=dict, blank=True)  # {"png": path, "svg": path}, private
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "setting", "theme"]
        indexes = [models.Index(fields=["indicator", "setting", "theme"])]
        verbose_name = _("résultat groupé")
        verbose_name_plural = _("résultats groupés")

    def __str__(self):
        scope = self.get_setting_display() if self.setting else (self.theme or _("ensemble"))
        return f"{self.indicator} — {scope}"
