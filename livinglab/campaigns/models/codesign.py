"""The co-design record: sessions, who attended, contributions, decisions, validation."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models.campaigns import Campaign
from livinglab.campaigns.models.organisations import Organisation


class CodesignSession(models.Model):
    class Format(models.TextChoices):
        WORKSHOP = "workshop", _("Atelier")
        FOCUS_GROUP = "focus_group", _("Focus group")
        HACKATHON = "hackathon", _("Hackathon")
        ONLINE = "online", _("En ligne")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("campagne")
    )
    date = models.DateField(_("date"))
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    agenda = models.TextField(_("ordre du jour"), blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("séance de co-construction")
        verbose_name_plural = _("séances de co-construction")

    def __str__(self):
        return f"{self.get_format_display()} du {self.date:%d/%m/%Y}"


class SessionAttendance(models.Model):
    session = models.ForeignKey(
        CodesignSession, on_delete=models.CASCADE, related_name="attendances"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, verbose_name=_("organisation")
    )
    attendees = models.PositiveIntegerField(_("participants"), default=1)
    user_representatives = models.PositiveIntegerField(_("représentants des usagers"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organisation"], name="unique_session_attendance"
            )
        ]
        verbose_name = _("présence")
        verbose_name_plural = _("présences")

    def __str__(self):
        return f"{self.organisation} : {self.attendees}"


class Contribution(models.Model):
    class Kind(models.TextChoices):
        NEED = "need", _("Besoin")
        IDEA = "idea", _("Idée")
        OBJECTION = "objection", _("Objection")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("campagne")
    )
    session = models.ForeignKey(
        CodesignSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Vide pour la « parole des participants »."),
    )
    voice_of_participants = models.BooleanField(_("parole des participants"), default=False)
    text = models.TextField(_("contribution"))
    votes = models.PositiveIntegerField(_("votes de priorité"), default=0)

    class Meta:
        ordering = ["-votes", "pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self):
        return f"{self.get_kind_display()} : {self.text[:60]}"


class Decision(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("campagne")
    )
    session = models.ForeignKey(
        CodesignSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField(_("décision"))
    rationale = models.TextField(_("justification"), blank=True)
    contributions = models.ManyToManyField(
        Contribution, blank=True, related_name="decisions", verbose_name=_("répond à")
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self):
        return self.text[:80]


class UserValidation(models.Model):
    """The user/patient representatives' validation: "nothing for them without them"."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="validations", verbose_name=_("campagne")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, verbose_name=_("organisation représentative")
    )
    validated_on = models.DateField(_("date de validation"))
    statement = models.TextField(_("avis"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-validated_on"]
        verbose_name = _("validation par les usagers")
        verbose_name_plural = _("validations par les usagers")

    def __str__(self):
        return f"{self.organisation} — {self.validated_on:%d/%m/%Y}"

    def clean(self):
        """Only an organisation representing users or patients may record this validation."""
        super().clean()
        if self.organisation_id is not None and not self.organisation.represents_users:
            raise ValidationError(
                {
                    "organisation": _(
                        "Seule une association de patients ou d'usagers peut enregistrer la "
                        "validation par les représentants des usagers."
                    )
                }
            )
