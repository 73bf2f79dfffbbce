"""Reference data, organisations and their members."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Setting(models.TextChoices):
    SCHOOL = "school", _("École")
    UNIVERSITY = "university", _("Université")
    WORKPLACE = "workplace", _("Entreprise")


class Theme(models.Model):
    """A prevention theme, shared by campaigns and CMS pages."""

    slug = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("nom"), max_length=100)
    name_en = models.CharField(_("nom (anglais)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")

    def __str__(self):
        return self.name


class CampaignSetting(models.Model):
    """One of the three settings (school, university, workplace) as a row, for M2M filtering."""

    code = models.CharField(_("code"), max_length=20, choices=Setting.choices, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("milieu")
        verbose_name_plural = _("milieux")

    def __str__(self):
        return str(Setting(self.code).label)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        PATIENT_ASSOCIATION = "patient_association", _("Association de patients ou d'usagers")
        INSURER = "insurer", _("Mutuelle ou complémentaire santé")
        HEALTH_PROFESSIONALS = "health_professionals", _("Structure de professionnels (CPTS, MSP)")
        PUBLIC_INSTITUTION = (
            "public_institution",
            _("Institution publique (ARS, CPAM, collectivité)"),
        )
        SCHOOL = "school", _("Établissement scolaire")
        UNIVERSITY = "university", _("Université")
        COMPANY = "company", _("Entreprise")
        RESEARCH_TEAM = "research_team", _("Équipe de recherche")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    region = models.CharField(_("région"), max_length=100, blank=True)
    website = models.URLField(_("site web"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def represents_users(self) -> bool:
        """Patient and user associations speak for the people a campaign is for."""
        return self.kind == self.Kind.PATIENT_ASSOCIATION


class Membership(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", _("Gestionnaire")
        MEMBER = "member", _("Membre")
        EVALUATOR = "evaluator", _("Évaluateur")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("utilisateur"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"
