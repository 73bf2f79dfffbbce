"""What a campaign costs: budget lines, spent money and valued in-kind contributions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models.campaigns import Campaign
from livinglab.campaigns.models.field import Action
from livinglab.campaigns.models.organisations import Organisation


class BudgetLine(models.Model):
    """One cost of a campaign (or of one of its actions), paid or contributed in kind."""

    class Category(models.TextChoices):
        STAFF = "staff", _("Personnel / temps de travail")
        MATERIALS = "materials", _("Supports et matériel")
        SERVICES = "services", _("Prestations externes")
        TRAVEL = "travel", _("Déplacements")
        COMMUNICATION = "communication", _("Communication")
        EVALUATION = "evaluation", _("Évaluation")
        OTHER = "other", _("Autre")

    class Kind(models.TextChoices):
        # Both count in the total cost; they are shown apart (who paid what, who gave time).
        FINANCIAL = "financial", _("Dépense financière")
        IN_KIND = "in_kind", _("Contribution en nature valorisée")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("campagne")
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("action"),
        help_text=_("Laissez vide pour un coût de la campagne dans son ensemble."),
    )
    label = models.CharField(_("libellé"), max_length=200)
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    kind = models.CharField(
        _("nature"), max_length=20, choices=Kind.choices, default=Kind.FINANCIAL
    )
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "En euros. Pour une contribution en nature, sa valeur estimée (par exemple les "
            "heures de bénévolat × un taux horaire)."
        ),
    )
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_budget_lines",
        verbose_name=_("financeur"),
        help_text=_("L'organisation qui paie ou qui apporte la contribution en nature."),
    )

    class Meta:
        ordering = ["campaign", "category", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budget_line_amount_not_negative"
            )
        ]
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")

    def __str__(self):
        return self.label

    def clean(self):
        """An action's cost belongs to the action's own campaign."""
        super().clean()
        if self.action_id and self.campaign_id and self.action.campaign_id != self.campaign_id:
            raise ValidationError(
                {
                    "action": _(
                        "« Action » : cette action appartient à une autre campagne ; "
                        "choisissez une action de la campagne de la ligne budgétaire."
                    )
                }
            )
