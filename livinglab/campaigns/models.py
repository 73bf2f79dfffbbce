"""Organisations, campaigns and their co-design record, sites, actions and participants."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
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
    themes = models.ManyToManyField(Theme, blank=True, related_name="campaigns")
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

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partnerships"
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


class CodesignSession(models.Model):
    class Format(models.TextChoices):
        WORKSHOP = "workshop", _("Atelier")
        FOCUS_GROUP = "focus_group", _("Focus group")
        HACKATHON = "hackathon", _("Hackathon")
        ONLINE = "online", _("En ligne")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sessions")
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
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
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

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contributions")
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
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="decisions")
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

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="validations")
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

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "postcode"], name="unique_site_name_postcode")
        ]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self):
        return f"{self.name} ({self.city})"


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

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("titre"), max_length=200)
    action_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    setting = models.CharField(_("milieu"), max_length=20, choices=Setting.choices)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
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

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    code = models.CharField(
        _("code pseudonyme"),
        max_length=40,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$", _("Lettres, chiffres, - et _ seulement."))],
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="participants"
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
