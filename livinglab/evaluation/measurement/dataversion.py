"""A version number per campaign for what an evaluation run analyses (issue #15).

Every write that can change a run's dataset — a response import, an online submission, a
merge or replacement of answers, a withdrawal, the retention purge, a participant's analysed
attribute or a site's setting — calls `data_changed` **in its own transaction**, so that the
version and the data commit (or roll back) together. Starting a run keys its reuse on
(protocol hash, data version) and reads no response in the web request; the worker computes the
real data hash when it loads the dataset.

The version lives in its own table rather than on `Campaign`, so that a campaign saved from a
stale form can never put an older number back. Bumping more often than needed only costs a
recomputation; missing a bump would reuse a run on older data, hence the signal receivers below
for the writes made through model instances (admin forms, the participants import).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models import Campaign, Participant, Site

# Participant fields a run reads (`runs.dataset.load_participants`) or filters on.
ANALYSED_PARTICIPANT_FIELDS = frozenset(
    {"campaign", "campaign_id", "group", "site", "site_id", "sex", "age_band", "withdrawal_date"}
)


class DataVersion(models.Model):
    """Incremented by every change of the campaign's analysed data; 0 before the first one."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="data_version"
    )
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        app_label = "evaluation"
        verbose_name = _("version des données")
        verbose_name_plural = _("versions des données")

    def __str__(self):
        return f"{self.campaign_id}: {self.version}"


def data_version(campaign_id: int) -> int:
    """The campaign's current data version (one primary-key lookup)."""
    found = DataVersion.objects.filter(campaign_id=campaign_id).values_list("version", flat=True)
    return next(iter(found), 0)


def data_changed(*campaign_ids: int) -> None:
    """Bump the data version of the campaigns, inside the caller's transaction."""
    for campaign_id in set(campaign_ids):
        bump = DataVersion.objects.filter(campaign_id=campaign_id)
        if not bump.update(version=F("version") + 1):
            # First change of this campaign: create its row (get_or_create survives a
            # concurrent creation), then bump it like any other time.
            DataVersion.objects.get_or_create(campaign_id=campaign_id)
            bump.update(version=F("version") + 1)


def _participant_saved(sender, instance: Participant, update_fields=None, raw=False, **kwargs):
    if raw:  # loading fixtures
        return
    if update_fields is not None and not ANALYSED_PARTICIPANT_FIELDS & set(update_fields):
        return
    data_changed(instance.campaign_id)


def _participant_deleted(sender, instance: Participant, **kwargs):
    data_changed(instance.campaign_id)


def _site_saved(sender, instance: Site, created=False, raw=False, **kwargs):
    if raw or created:  # a new site splits nobody yet
        return
    campaigns = (
        Participant.objects.filter(site_id=instance.pk)
        .order_by()
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    data_changed(*campaigns)


def connect_receivers() -> None:
    """Called from the evaluation app's `ready()`."""
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_participant_saved, sender=Participant, dispatch_uid="dataversion-p-save")
    post_delete.connect(
        _participant_deleted, sender=Participant, dispatch_uid="dataversion-p-delete"
    )
    post_save.connect(_site_saved, sender=Site, dispatch_uid="dataversion-site-save")
