"""Evaluation runs: the job's state, its inputs' fingerprints and the results document."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.measurement.models import Protocol


class EvaluationRun(models.Model):
    """One evaluation of a campaign: its state, progress, inputs' fingerprints and results."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        SUCCEEDED = "succeeded", _("Terminée")
        FAILED = "failed", _("Échec")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="runs")
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="runs")
    protocol_version = models.PositiveIntegerField()
    protocol_hash = models.CharField(max_length=64)
    # The campaign's data version when the run was asked for (reuse key, read in the request)
    # and the hash of the values the worker analysed (written when it loads them).
    data_version = models.PositiveBigIntegerField(null=True, blank=True)
    data_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    percent = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    artifacts = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # A withdrawn publication: `published_at` is cleared (nothing public reads the run any
    # more), these say when and why; publishing the run again clears them.
    withdrawn_at = models.DateTimeField(_("publication retirée le"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("motif du retrait"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["campaign", "status"])]
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")

    def __str__(self):
        return f"{self.campaign} — {self.created_at:%d/%m/%Y %H:%M} ({self.get_status_display()})"
