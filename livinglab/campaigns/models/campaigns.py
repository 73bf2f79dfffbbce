"""Campaigns and their partners."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models.organisations import CampaignSetting, Organisation, Theme


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        CODESIGN = "codesign", _("Co-construction")
        VALIDATED = "validated", _("Validée")
        RUNNING = "running", _("En cours")
        EVALUATION = "evaluation", _("Évaluation")
        CLOSED = "closed", _("Clôturée")
        CANCELLED = "cancelled", _("Annulée")

    slug = models.SlugField(_("identifiant"), unique=True, max_length=80)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"), blank=True)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="campaigns", verbose_name=_("thèmes")
    )
    settings = models.ManyToManyField(
        CampaignSetting, blank=True, related_name="campaigns", verbose_name=_("milieux")
    )
    region = models.CharField(_("région"), max_length=100, blank=True)
    department = models.CharField(_("département"), max_length=3, blank=True)
    target_population = models.PositiveIntegerField(
        _("population cible"), null=True, blank=True, help_text=_("Pour mesurer la portée.")
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_campaigns",
        verbose_name=_("organisation porteuse"),
    )
    partners = models.ManyToManyField(
        Organisation, through="CampaignPartner", related_name="partner_campaigns", blank=True
    )
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    retention_months = models.PositiveSmallIntegerField(
        _("durée de conservation (mois)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_(
            "Après la date de fin, les participants et leurs réponses sont effacés au bout de "
            "ce nombre de mois ; les résultats agrégés publiés sont conservés."
        ),
    )
    data_erased_at = models.DateTimeField(
        _("données effacées le"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")

    def __str__(self):
        return self.title


class CampaignPartner(models.Model):
    class Role(models.TextChoices):
        FUNDER = "funder", _("Financeur")
        CODESIGNER = "codesigner", _("Co-concepteur")
        HOST = "host", _("Structure d'accueil")
        EVALUATOR = "evaluator", _("Évaluateur")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("campagne")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "role"], name="unique_partner_role"
            )
        ]
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"
