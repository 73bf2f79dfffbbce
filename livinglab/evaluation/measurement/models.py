"""Measurement: indicators, versioned protocols, waves, responses, online submissions."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models import Campaign, Participant, Theme


class Scale(models.TextChoices):
    CONTINUOUS = "continuous", _("Continue")
    ORDINAL = "ordinal", _("Ordinale")
    BINARY = "binary", _("Binaire (oui/non)")


class Indicator(models.Model):
    """An entry of the shared catalogue: what is measured, on which scale, how it is scored."""

    code = models.SlugField(_("code"), unique=True, max_length=60)
    label = models.CharField(_("libellé"), max_length=200)
    label_en = models.CharField(_("libellé (anglais)"), max_length=200, blank=True)
    question = models.TextField(_("question posée"), blank=True)
    scale = models.CharField(_("échelle"), max_length=20, choices=Scale.choices)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    min_value = models.FloatField(_("valeur minimale"), null=True, blank=True)
    max_value = models.FloatField(_("valeur maximale"), null=True, blank=True)
    higher_is_better = models.BooleanField(_("plus haut = mieux"), default=True)
    minimal_important_difference = models.FloatField(
        _("différence minimale importante"),
        null=True,
        blank=True,
        help_text=_(
            "Plus petit changement qui compte pour les personnes concernées, dans l'unité de "
            "l'indicateur (en points de pourcentage pour un indicateur oui/non). Sert à juger "
            "la précision des résultats (docs/certainty.md)."
        ),
    )
    instrument = models.CharField(_("instrument"), max_length=200, blank=True)
    reference = models.TextField(_("référence"), blank=True)
    scoring = models.JSONField(
        _("calcul du score"),
        default=dict,
        blank=True,
        help_text=_(
            'Ex. {"method": "sum", "items": 5, "item_min": 0, "item_max": 5, '
            '"reverse": [], "multiplier": 4}'
        ),
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="indicators")

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")

    def __str__(self):
        return f"{self.label} ({self.code})"


def new_access_key() -> str:
    """A random key for a wave's invitation link (22 URL-safe characters, 128 bits)."""
    return secrets.token_urlsafe(16)


class Wave(models.Model):
    """A questionnaire wave of a campaign; the first in order is the baseline."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="waves")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("libellé"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    opens_on = models.DateField(_("ouverture"), null=True, blank=True)
    closes_on = models.DateField(_("fermeture"), null=True, blank=True)
    access_key = models.CharField(
        _("clé d'accès au questionnaire"),
        max_length=64,
        default=new_access_key,
        editable=False,
        help_text=_("Exigée dans le lien d'invitation (?cle=…) quand la campagne le demande."),
    )

    class Meta:
        ordering = ["campaign", "order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="unique_wave_code")
        ]
        verbose_name = _("vague")
        verbose_name_plural = _("vagues")

    def __str__(self):
        return self.label or self.code


class Protocol(models.Model):
    """One version of a campaign's evaluation protocol; locking freezes it (pre-registration)."""

    class Design(models.TextChoices):
        PRE_POST = "pre_post", _("Avant/après")
        CONTROLLED_PRE_POST = "controlled_pre_post", _("Avant/après avec groupe de comparaison")
        REPEATED = "repeated", _("Mesures répétées (3 vagues ou plus)")

    class Correction(models.TextChoices):
        HOLM = "holm", _("Holm")
        FDR_BH = "fdr_bh", _("Benjamini–Hochberg")
        NONE = "none", _("Aucune")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="protocols")
    version = models.PositiveIntegerField(_("version"), default=1)
    design = models.CharField(_("plan"), max_length=30, choices=Design.choices)
    alpha = models.FloatField(_("seuil alpha"), default=0.05)
    correction = models.CharField(
        _("correction des tests multiples"),
        max_length=10,
        choices=Correction.choices,
        default=Correction.HOLM,
    )
    min_cell_size = models.PositiveSmallIntegerField(_("effectif minimal par case"), default=10)
    subgroup_dimensions = models.JSONField(_("sous-groupes"), default=list, blank=True)
    wave_codes = models.JSONField(_("vagues"), default=list)
    locked_at = models.DateTimeField(_("verrouillé le"), null=True, blank=True)
    lock_hash = models.CharField(_("empreinte"), max_length=64, blank=True)
    deviation = models.TextField(_("écart au protocole verrouillé"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["campaign", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="unique_protocol_version"),
            models.CheckConstraint(
                condition=models.Q(min_cell_size__gte=5), name="min_cell_size_at_least_5"
            ),
        ]
        verbose_name = _("protocole")
        verbose_name_plural = _("protocoles")

    def __str__(self):
        return f"{self.campaign} — v{self.version}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Outcome(models.Model):
    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="outcomes")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    primary = models.BooleanField(_("critère principal"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["protocol", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["protocol", "indicator"], name="unique_outcome")
        ]
        verbose_name = _("critère de jugement")
        verbose_name_plural = _("critères de jugement")

    def __str__(self):
        return self.label or self.indicator.label


class ResponseSet(models.Model):
    """A batch of responses: one import file or one online submission."""

    class Source(models.TextChoices):
        IMPORT = "import", _("Import")
        ONLINE = "online", _("Questionnaire en ligne")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="response_sets")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_format = models.CharField(_("format"), max_length=20, blank=True)
    filename = models.CharField(_("fichier"), max_length=255, blank=True)
    rows = models.PositiveIntegerField(_("lignes"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lot de réponses")
        verbose_name_plural = _("lots de réponses")

    def __str__(self):
        return f"{self.get_source_display()} {self.filename} ({self.created_at:%d/%m/%Y})"


class Response(models.Model):
    """One value: participant × wave × indicator."""

    response_set = models.ForeignKey(
        ResponseSet, on_delete=models.CASCADE, related_name="responses"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="responses")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="responses")
    value = models.FloatField(_("valeur"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "wave", "indicator"], name="unique_response"
            )
        ]
        # Covering index of the evaluation's hot query (one outcome, some waves → participant,
        # value): answered from the index alone, without visiting the table.
        indexes = [
            models.Index(
                fields=["indicator", "wave", "participant", "value"], name="response_covering"
            )
        ]
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")

    def __str__(self):
        return f"{self.participant_id}/{self.wave_id}/{self.indicator_id}={self.value}"


class ColumnMapping(models.Model):
    """How a survey tool's columns map to indicators, saved per campaign and format."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="column_mappings")
    source_format = models.CharField(_("format"), max_length=20)
    mapping = models.JSONField(_("correspondances"), default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "source_format"], name="unique_column_mapping"
            )
        ]
        verbose_name = _("correspondance de colonnes")
        verbose_name_plural = _("correspondances de colonnes")

    def __str__(self):
        return f"{self.campaign} — {self.source_format}"


class QuestionnaireSettings(models.Model):
    """Online questionnaire options of a campaign."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="questionnaire"
    )
    is_open = models.BooleanField(_("questionnaire en ligne ouvert"), default=True)
    require_access_key = models.BooleanField(
        _("exiger la clé d'accès de la vague dans le lien"),
        default=False,
        help_text=_(
            "Seuls les liens d'invitation (et leurs QR codes) donnés par l'équipe ouvrent alors "
            "le questionnaire."
        ),
    )
    consent_text = models.TextField(_("texte de consentement"), blank=True)

    class Meta:
        verbose_name = _("questionnaire en ligne")
        verbose_name_plural = _("questionnaires en ligne")

    def __str__(self):
        return str(self.campaign)


class Submission(models.Model):
    """One online submission per participant code and wave."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="submissions")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="submissions"
    )
    response_set = models.OneToOneField(ResponseSet, on_delete=models.CASCADE)
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "participant"], name="unique_submission")
        ]
        verbose_name = _("réponse en ligne")
        verbose_name_plural = _("réponses en ligne")

    def __str__(self):
        return f"{self.participant} — {self.wave}"


class PendingSubmission(models.Model):
    """An online submission kept apart: answers were already stored for this code and wave.

    Its values are JSON, never `Response` rows: no evaluation, export or quality count reads
    them. A campaign manager keeps the stored answers (this row is deleted) or replaces them
    with these values (`reconciliation.pending_resolve`); both decisions are audited.
    """

    class Reason(models.TextChoices):
        ONLINE = "online", _("déjà répondu en ligne")
        IMPORTED = "imported", _("réponses importées")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="pending_submissions"
    )
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="pending_submissions")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="pending_submissions"
    )
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    values = models.JSONField(_("valeurs envoyées"), default=dict)  # {indicator id: value}
    submitted_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("réponse en ligne en double")
        verbose_name_plural = _("réponses en ligne en double")

    def __str__(self):
        return f"{self.participant} — {self.wave} ({self.submitted_at:%d/%m/%Y %H:%M})"


class CodeMatch(models.Model):
    """A follow-up code with no baseline that is one character from a baseline code."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À vérifier")
        CONFIRMED = "confirmed", _("Confirmé (fusionné)")
        REJECTED = "rejected", _("Rejeté")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="code_matches")
    unmatched = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="match_candidates_as_unmatched"
    )
    unmatched_code = models.CharField(_("code non apparié"), max_length=40)
    candidate = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="match_candidates_as_candidate"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unmatched", "candidate"], name="unique_code_match")
        ]
        verbose_name = _("rapprochement de codes")
        verbose_name_plural = _("rapprochements de codes")

    def __str__(self):
        return f"{self.unmatched} ≈ {self.candidate}"
