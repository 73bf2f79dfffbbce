"""Evaluation runs' lifecycle: start, execute (in a worker or in-process), publish, withdraw.

Executing is idempotent: a finished run is never recomputed, a redelivered one is taken over
(`dispatch.py` claims runs and keeps their heartbeat).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from livinglab.campaigns import audit, permissions
from livinglab.campaigns.models import Campaign
from livinglab.evaluation.measurement.dataversion import data_version
from livinglab.evaluation.measurement.models import Protocol
from livinglab.evaluation.measurement.protocols import current_protocol, protocol_hash
from livinglab.evaluation.runs import dispatch
from livinglab.evaluation.runs.analysis import AnalysisPlan, NothingToAnalyse, analyse
from livinglab.evaluation.runs.analysis.plan import outcome_family
from livinglab.evaluation.runs.dataset import load_dataset, load_re_aim_context
from livinglab.evaluation.runs.models import EvaluationRun
from livinglab.evaluation.runs.signals import results_published, results_withdrawn

logger = logging.getLogger(__name__)

Status = EvaluationRun.Status


class EvaluationError(Exception):
    """A run cannot be started; the message says why, in French."""


def analysis_plan(protocol: Protocol) -> AnalysisPlan:
    return AnalysisPlan(
        design=protocol.design,
        wave_codes=list(protocol.wave_codes),
        alpha=protocol.alpha,
        correction=protocol.correction,
        min_cell_size=protocol.min_cell_size,
        subgroup_dimensions=list(protocol.subgroup_dimensions or []),
        families={
            outcome.indicator.code: outcome_family(outcome)
            for outcome in protocol.outcomes.select_related("indicator")
        },
    )


def evaluation_run_start(
    *, campaign: Campaign, user=None, force: bool = False, enqueue: bool = True
) -> EvaluationRun:
    """Create (or reuse) a run of the campaign's current protocol and queue it after commit.

    A succeeded run with the same protocol fingerprint and data version is returned as is, and
    so is a run of the same protocol still waiting or running, unless ``force``. No response is
    read here: the campaign's data version (bumped by every write of its data) stands for the
    data, and the worker computes the data hash when it loads them, once.
    """
    protocol = current_protocol(campaign)
    if protocol is None:
        raise EvaluationError(_("La campagne n'a pas de protocole d'évaluation."))
    fingerprint = protocol_hash(protocol)
    version = data_version(campaign.pk)
    if not force:
        # A finished run on the same data, or one still on its way, answers the request.
        reusable = (
            campaign.runs.filter(protocol=protocol, protocol_hash=fingerprint, data_version=version)
            .exclude(status=Status.FAILED)
            .first()
        )
        if reusable is not None:
            if enqueue and dispatch.dispatch_failed(reusable):
                # Asked again while the broker was unreachable: try to send it now.
                dispatch.evaluation_run_redispatch(run_id=reusable.pk, after=timedelta(0))
                reusable.refresh_from_db()
            return reusable
    with transaction.atomic():
        run = EvaluationRun.objects.create(
            campaign=campaign,
            protocol=protocol,
            protocol_version=protocol.version,
            protocol_hash=fingerprint,
            data_version=version,
            requested_by=user if getattr(user, "is_authenticated", False) else None,
            step=_("En attente d'un processus de calcul"),
            heartbeat_at=timezone.now(),
        )
        audit.record(
            campaign,
            "livinglab.evaluation",
            user=user if getattr(user, "is_authenticated", False) else None,
            data={"run": run.pk, "protocol_version": protocol.version, "force": force},
        )
        if enqueue:
            transaction.on_commit(lambda: dispatch.evaluation_run_enqueue(run_id=run.pk))
    return run


def evaluation_run_execute(*, run_id: int) -> EvaluationRun | None:
    """Compute a run: statistics, results document, files. Safe to call twice."""
    run = dispatch.claim(run_id)
    if run is None:
        return EvaluationRun.objects.filter(pk=run_id).first()
    try:
        document = _compute(run)
        dispatch.heartbeat(run, 70, _("Écriture des résultats, graphiques et rapport"))
        from livinglab.evaluation.runs.artifacts import write_artifacts

        artifacts = write_artifacts(run_id=run.pk, document=document)
        now = timezone.now()
        with transaction.atomic():
            updated = EvaluationRun.objects.filter(pk=run.pk, status=Status.RUNNING).update(
                status=Status.SUCCEEDED,
                percent=100,
                step=_("Terminée"),
                result=document,
                artifacts=artifacts,
                data_hash=document["data_hash"],
                finished_at=now,
                heartbeat_at=now,
            )
        if not updated:
            raise dispatch.RunTakenOver(run.pk)
    except dispatch.RunTakenOver:
        logger.info("run %s was taken over by another process", run_id)
    except NothingToAnalyse as error:
        dispatch.mark_failed(run, _("Rien n'a pu être analysé : %(why)s") % {"why": error})
    except SoftTimeLimitExceeded:
        dispatch.mark_failed(run, _("Le calcul a dépassé la durée maximale autorisée."))
    except Exception as error:  # noqa: BLE001 - whatever breaks, the run must not stay running
        logger.exception("evaluation run %s failed", run_id)
        dispatch.mark_failed(
            run, _("Erreur inattendue pendant le calcul : %(error)s") % {"error": error}
        )
    return EvaluationRun.objects.get(pk=run_id)


def _compute(run: EvaluationRun) -> dict[str, Any]:
    """Build the results document of DESIGN.md §4 for a claimed run."""
    protocol = run.protocol
    campaign = run.campaign
    dispatch.heartbeat(run, 5, _("Lecture des réponses"))
    dataset = load_dataset(protocol=protocol)
    plan = analysis_plan(protocol)
    numbers = analyse(
        dataset=dataset,
        plan=plan,
        progress=lambda percent, step: dispatch.heartbeat(run, percent, step),
    )
    return {
        "campaign": campaign.slug,
        "campaign_title": campaign.title,
        "protocol_version": protocol.version,
        "protocol_hash": run.protocol_hash,
        "protocol_locked": protocol.is_locked,
        "design": protocol.design,
        "generated_at": timezone.now().isoformat(),
        "run_id": run.pk,
        "data_hash": dataset.data_hash(),
        "alpha": plan.alpha,
        "correction": plan.correction,
        "min_cell_size": plan.min_cell_size,
        "waves": plan.wave_codes,
        "wave_labels": {
            wave.code: wave.label or wave.code
            for wave in campaign.waves.filter(code__in=plan.wave_codes)
        },
        "outcomes": [
            {
                "indicator": outcome.indicator,
                "label": outcome.label,
                "scale": outcome.scale,
                "primary": outcome.primary,
                "unit": outcome.unit,
                "higher_is_better": outcome.higher_is_better,
                "minimal_important_difference": outcome.minimal_important_difference,
            }
            for outcome in dataset.outcomes
        ],
        "flow": numbers["flow"],
        "descriptives": numbers["descriptives"],
        "results": numbers["results"],
        "attrition": numbers["attrition"],
        "deviations": deviations(protocol=protocol, fingerprint=run.protocol_hash),
        "notices": numbers["notices"],
        "re_aim": _suppress_context(load_re_aim_context(campaign=campaign), plan.min_cell_size),
    }


def deviations(*, protocol: Protocol, fingerprint: str) -> list[str]:
    """Differences from the pre-registered (locked) protocol, in French."""
    found = []
    if not protocol.is_locked:
        found.append(_("Protocole non verrouillé avant l'analyse (pas de pré-enregistrement)."))
    elif protocol.lock_hash != fingerprint:
        found.append(_("Le protocole a changé depuis son verrouillage."))
    if protocol.deviation:
        found.append(protocol.deviation)
    return found


def _suppress_context(context: dict[str, Any], min_cell_size: int) -> dict[str, Any]:
    """Attendance counts describe people: withheld under k, like every other count."""
    hidden = [
        key
        for key in ("actual_attendance", "participants_attending")
        if 0 < (context.get(key) or 0) < min_cell_size
    ]
    return {
        **{key: (None if key in hidden else value) for key, value in context.items()},
        "suppressed": hidden,
    }


# Results are public once the campaign has reached its evaluation (DESIGN: lifecycle).
PUBLISHABLE_CAMPAIGN_STATES = (Campaign.Status.EVALUATION, Campaign.Status.CLOSED)


def publish_blocker(campaign: Campaign) -> str | None:
    """Why results of `campaign` cannot be published in its current state, or None."""
    if campaign.status in PUBLISHABLE_CAMPAIGN_STATES:
        return None
    return _(
        "Les résultats ne peuvent être publiés qu'une fois la campagne en évaluation ou "
        "clôturée ; elle est « %(status)s »."
    ) % {"status": campaign.get_status_display()}


def evaluation_run_publish(*, run: EvaluationRun, user) -> EvaluationRun:
    """Make a succeeded run's aggregated results public (campaign managers only), once the
    campaign is in evaluation or closed."""
    if not permissions.can_export_rows(user, run.campaign):
        raise PermissionDenied(_("Seuls les gestionnaires de la campagne publient les résultats."))
    if run.status != Status.SUCCEEDED:
        raise EvaluationError(_("Seule une évaluation terminée peut être publiée."))
    campaign = Campaign.objects.only("status").get(pk=run.campaign_id)  # the current state
    if reason := publish_blocker(campaign):
        raise EvaluationError(reason)
    run.published_at = timezone.now()
    run.withdrawn_at, run.withdrawal_reason = None, ""
    run.save(update_fields=["published_at", "withdrawn_at", "withdrawal_reason"])
    audit.record(
        run.campaign,
        "livinglab.publish_results",
        user=user,
        data={"run": run.pk, "protocol_version": run.protocol_version},
    )
    results_published.send(sender=EvaluationRun, run=run, user=user)
    return run


def evaluation_run_withdraw(*, run: EvaluationRun, user, reason: str) -> EvaluationRun:
    """Take a published run's results off the public site (campaign managers only, as for
    publishing), with the reason written in the audit trail; the campaign's previous published
    run, if any, is what the public reads again."""
    if not permissions.can_export_rows(user, run.campaign):
        raise PermissionDenied(
            _("Seuls les gestionnaires de la campagne retirent la publication des résultats.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError(_("Indiquez le motif du retrait."))
    with transaction.atomic():
        # Locked and re-read: two withdrawals at once write one audit entry and one signal.
        run = EvaluationRun.objects.select_for_update().select_related("campaign").get(pk=run.pk)
        if run.published_at is None:
            raise EvaluationError(_("Les résultats de cette évaluation ne sont pas publiés."))
        published_at = run.published_at
        run.published_at = None
        run.withdrawn_at = timezone.now()
        run.withdrawal_reason = reason
        run.save(update_fields=["published_at", "withdrawn_at", "withdrawal_reason"])
        audit.record(
            run.campaign,
            "livinglab.withdraw_results",
            user=user,
            data={"run": run.pk, "published_at": published_at.isoformat(), "reason": reason},
        )
    results_withdrawn.send(
        sender=EvaluationRun, run=run, user=user, reason=reason, published_at=published_at
    )
    return run
