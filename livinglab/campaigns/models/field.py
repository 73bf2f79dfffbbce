"""The field: sites, actions, pseudonymous participants and their attendance."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models.campaigns import Campaign
from livinglab.campaigns.models.codesign import Decision
from livinglab.campaigns.models.organisations import Organisation, Setting


class Site(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    setting = models.CharField(_("milieu"), max_length=20, choices=Setting.choices)
    city = models.CharField(_("ville"), max_length=100)
    postcode = models.CharField(
        _("code postal"), max_length=5, validators=[RegexValidator(r"^\d{5}$")]
    )
    department = models.CharField(_("département"), max_length=3, blank=True)
    region = models.CharField(_("région"), max_length=100, blank=True)
    headcount = models.PositiveIntegerField(_("effectif"), null=True, blank=True)
    uai = models.CharField(
        _("code UAI"), max_length=8, blank=True, validators=[RegexValidator(r"^\d{7}[A-Z]$")]
    )
    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, validators=[RegexValidator(r"^\d{14}$")]
    )
    # Only the owner's managers edit or delete the site (its name and codes match the imports
    # of every campaign using it); without an owner, only superusers do.
    owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_sites",
        verbose_name=_("organisation propriétaire"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "postcode"], name="unique_site_name_postcode")
        ]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self):
        return f"{self.name} ({self.city})"

    def clean(self):
        """A UAI or SIRET names one site: imports find sites by it (a twin would stop them)."""
        super().clean()
        errors = {}
        for name in ("uai", "siret"):
            value = getattr(self, name)
            if value and Site.objects.filter(**{name: value}).exclude(pk=self.pk).exists():
                errors[name] = _("ce code est déjà celui d'un autre site")
        if errors:
            raise ValidationError(errors)


class Action(models.Model):
    class Type(models.TextChoices):
        AWARENESS = "awareness", _("Séance de sensibilisation")
        WORKSHOP = "workshop", _("Atelier")
        PEER_EDUCATION = "peer_education", _("Éducation par les pairs")
        SCREENING = "screening", _("Dépistage")
        ENVIRONMENT = "environment", _("Aménagement de l'environnement")
        DIGITAL = "digital", _("Action numérique")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        DELIVERED = "delivered", _("Réalisée")
        CANCELLED = "cancelled", _("Annulée")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="actions", verbose_name=_("campagne")
    )
    title = models.CharField(_("titre"), max_length=200)
    action_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    setting = models.CharField(_("milieu"), max_length=20, choices=Setting.choices)
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("site"),
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    facilitator = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("animée par"),
    )
    planned_attendance = models.PositiveIntegerField(_("participants prévus"), default=0)
    actual_attendance = models.PositiveIntegerField(_("participants réels"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    # Implementation (RE-AIM): when the action took place; `actual_attendance` says how many came.
    delivered_on = models.DateField(_("réalisée le"), null=True, blank=True)
    decisions = models.ManyToManyField(
        Decision, blank=True, related_name="actions", verbose_name=_("met en œuvre")
    )

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return self.title


class Participant(models.Model):
    """A pseudonymous participant: a code, never a name, e-mail, phone, address or birth date."""

    class Group(models.TextChoices):
        INTERVENTION = "intervention", _("Intervention")
        COMPARISON = "comparison", _("Comparaison")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Femme")
        MALE = "male", _("Homme")
        OTHER = "other", _("Autre")
        NOT_STATED = "not_stated", _("Non renseigné")

    class AgeBand(models.TextChoices):
        UNDER_11 = "lt11", _("Moins de 11 ans")
        AGE_11_14 = "11-14", _("11–14 ans")
        AGE_15_17 = "15-17", _("15–17 ans")
        AGE_18_24 = "18-24", _("18–24 ans")
        AGE_25_34 = "25-34", _("25–34 ans")
        AGE_35_44 = "35-44", _("35–44 ans")
        AGE_45_54 = "45-54", _("45–54 ans")
        AGE_55_PLUS = "55+", _("55 ans et plus")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="participants", verbose_name=_("campagne")
    )
    code = models.CharField(
        _("code pseudonyme"),
        max_length=40,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$", _("Lettres, chiffres, - et _ seulement."))],
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("site"),
    )
    group = models.CharField(
        _("groupe"), max_length=20, choices=Group.choices, default=Group.INTERVENTION
    )
    sex = models.CharField(_("sexe"), max_length=20, choices=Sex.choices, default=Sex.NOT_STATED)
    age_band = models.CharField(
        _("tranche d'âge"), max_length=10, choices=AgeBand.choices, blank=True
    )
    consent_date = models.DateField(_("date de consentement"), null=True, blank=True)
    withdrawal_date = models.DateField(_("date de retrait"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="unique_participant_code")
        ]
        indexes = [models.Index(fields=["campaign", "group"])]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self):
        return self.code


class Attendance(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendances"
    )
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="attendances")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "action"], name="unique_attendance")
        ]
        verbose_name = _("présence à une action")
        verbose_name_plural = _("présences aux actions")

    def __str__(self):
        return f"{self.participant} → {self.action}"
