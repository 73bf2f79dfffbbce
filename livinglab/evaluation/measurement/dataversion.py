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

Once such a transaction commits, `data_committed` is sent (``campaign_ids``, ``bulk``: True for
a response import): the runs app listens and has a worker write the dataset's columnar snapshot
for the new version, so that the first run after an import does not read a million rows
through the DB-API (measurement does not import runs, hence the signal).
"""

from __future__ import annotations

from functools import partial

from django.db import models, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models import Campaign, Participant, Site

# Participant fields a run reads (`runs.dataset.load_participants`) or filters on, by attname.
ANALYSED_PARTICIPANT_FIELDS = ("campaign_id", "group", "site_id", "sex", "age_band",
                               "withdrawal_date")  # fmt: skip
ANALYSED_SITE_FIELDS = ("setting",)
UNKNOWN = object()  # a field deferred when the instance was loaded


class DataVersion(models.Model):
    """Incremented by every change of the campaign's analysed data; 0 before the first one."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="+"
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


# Sent after the commit of a transaction that bumped data versions: `campaign_ids` (a tuple),
# `bulk` (True when the change is a response import, worth a snapshot at once).
data_committed = Signal()


def _announce(campaign_ids: tuple[int, ...], bulk: bool) -> None:
    data_committed.send(sender=DataVersion, campaign_ids=campaign_ids, bulk=bulk)


def data_changed(*campaign_ids: int, bulk: bool = False) -> None:
    """Bump the data version of the campaigns, inside the caller's transaction.

    `bulk` (a response import) asks for the dataset snapshot right after the commit; other
    changes ask for it after a settling delay, and only for campaigns already large.
    """
    for campaign_id in set(campaign_ids):
        bump = DataVersion.objects.filter(campaign_id=campaign_id)
        if not bump.update(version=F("version") + 1):
            # First change of this campaign: create its row (get_or_create survives a
            # concurrent creation), then bump it like any other time.
            DataVersion.objects.get_or_create(campaign_id=campaign_id)
            bump.update(version=F("version") + 1)
    if campaign_ids:
        # After the bumps (outside a transaction on_commit runs at once). robust: a receiver's
        # failure (a broker down) is logged, the committed write stands.
        transaction.on_commit(partial(_announce, tuple(sorted(set(campaign_ids))), bulk),
                              robust=True)  # fmt: skip


def _snapshot(instance, fields: tuple[str, ...]) -> tuple:
    return tuple(instance.__dict__.get(name, UNKNOWN) for name in fields)


def _remember(sender, instance, **kwargs):
    """post_init: the analysed values as loaded, to bump only when a save changes them."""
    fields = ANALYSED_SITE_FIELDS if sender is Site else ANALYSED_PARTICIPANT_FIELDS
    instance._analysed_as_loaded = _snapshot(instance, fields)


def _changed(instance, fields: tuple[str, ...], created: bool, update_fields) -> bool:
    before = getattr(instance, "_analysed_as_loaded", None)
    now = _snapshot(instance, fields)
    instance._analysed_as_loaded = now
    if created or before is None or UNKNOWN in before:
        return True
    if update_fields is not None:
        named = {instance._meta.get_field(name).attname for name in update_fields}
        if not named & set(fields):
            return False
    return before != now


def _participant_saved(sender, instance: Participant, created=False, update_fields=None,
                       raw=False, **kwargs):  # fmt: skip
    if raw:  # loading fixtures
        return
    if _changed(instance, ANALYSED_PARTICIPANT_FIELDS, created, update_fields):
        data_changed(instance.campaign_id)


def _participant_deleted(sender, instance: Participant, **kwargs):
    data_changed(instance.campaign_id)


def _site_saved(sender, instance: Site, created=False, update_fields=None, raw=False, **kwargs):
    if raw or created:  # a new site splits nobody yet
        return
    if not _changed(instance, ANALYSED_SITE_FIELDS, created, update_fields):
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
    from django.db.models.signals import post_delete, post_init, post_save

    post_init.connect(_remember, sender=Participant, dispatch_uid="dataversion-p-init")
    post_init.connect(_remember, sender=Site, dispatch_uid="dataversion-site-init")
    post_save.connect(_participant_saved, sender=Participant, dispatch_uid="dataversion-p-save")
    post_delete.connect(
        _participant_deleted, sender=Participant, dispatch_uid="dataversion-p-delete"
    )
    post_save.connect(_site_saved, sender=Site, dispatch_uid="dataversion-site-save")
