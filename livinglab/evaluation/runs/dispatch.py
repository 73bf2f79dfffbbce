"""Getting runs to a worker and keeping them alive: send, claim, heartbeat, recover, re-send.

The run row is the job's state (status, percent, step, heartbeat); Celery only carries its id.
A run that a dead worker left behind is re-queued (or failed after MAX_ATTEMPTS), one whose
send failed is sent again within seconds, one whose message was lost after two minutes.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from livinglab.evaluation.runs.models import EvaluationRun

logger = logging.getLogger(__name__)

Status = EvaluationRun.Status
MAX_ATTEMPTS = 3
# Seconds slept after each progress step: lets tests (and demos) watch or kill a run midway.
STEP_DELAY_ENV = "LIVINGLAB_EVALUATION_STEP_DELAY"
WORKER_KEY = "_worker"
# Set in a queued run's artifacts when sending it to the broker failed; cleared once sent.
DISPATCH_FAILED_KEY = "_dispatch_failed"
# A run whose sending failed is sent again this soon (by the progress endpoint or beat).
DISPATCH_RETRY_AFTER = timedelta(seconds=5)
# A run that was sent but is still waiting is sent again after this silence (lost message).
QUEUED_RESEND_AFTER = timedelta(minutes=2)


class RunTakenOver(Exception):
    """Another process owns the run now (it was recovered or finished elsewhere)."""


def stale_after() -> timedelta:
    """A running run without a heartbeat for this long is considered orphaned."""
    return timedelta(minutes=getattr(settings, "EVALUATION_RUN_STALE_MINUTES", 15))


def evaluation_run_enqueue(*, run_id: int, queue: str | None = None) -> bool:
    """Send the run to the workers; when the broker is down the run waits, saying so.

    A failed send is marked in the run (``DISPATCH_FAILED_KEY``) so that the progress endpoint
    and the periodic recovery send it again within seconds, without waiting for it to age.
    """
    from livinglab.evaluation.runs.tasks import evaluation_run_task

    try:
        # No retry and no result subscription: the user waits on this call (see celery.py).
        evaluation_run_task.apply_async(args=[run_id], retry=False, queue=queue)
    except Exception as error:  # noqa: BLE001 - any broker failure: the run stays queued
        logger.warning("broker unreachable, run %s stays queued", run_id, exc_info=True)
        _set_dispatch_failed(run_id, error)
        return False
    _set_dispatch_failed(run_id, None)
    return True


def _set_dispatch_failed(run_id: int, error: Exception | None) -> None:
    """Record on a still queued run whether its last send failed, with the matching step."""
    row = EvaluationRun.objects.filter(pk=run_id, status=Status.QUEUED).values("artifacts").first()
    if row is None:
        return  # claimed (or finished) meanwhile: the worker owns the row now
    artifacts = dict(row["artifacts"] or {})
    if error is None:
        artifacts.pop(DISPATCH_FAILED_KEY, None)
        step = _("En attente d'un processus de calcul")
    else:
        previous = artifacts.get(DISPATCH_FAILED_KEY) or {}
        artifacts[DISPATCH_FAILED_KEY] = {
            "at": timezone.now().isoformat(),
            "count": int(previous.get("count") or 0) + 1,
            "error": error.__class__.__name__,
        }
        step = _(
            "File d'attente injoignable : l'évaluation attend et sera relancée "
            "automatiquement dès que le service de calcul sera disponible."
        )
    EvaluationRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        artifacts=artifacts, step=step, heartbeat_at=timezone.now()
    )


def dispatch_failed(run: EvaluationRun) -> bool:
    """True for a queued run whose last send to the broker failed."""
    return run.status == Status.QUEUED and bool((run.artifacts or {}).get(DISPATCH_FAILED_KEY))


def evaluation_run_redispatch(*, run_id: int, after: timedelta = DISPATCH_RETRY_AFTER) -> bool:
    """Send again a queued run whose send failed, at most once per ``after`` across processes.

    Called by the progress endpoint the user's open page polls, by the periodic recovery and
    by a new click on "start". True when the run was sent now.
    """
    limit = timezone.now() - after
    candidates = EvaluationRun.objects.filter(
        pk=run_id, status=Status.QUEUED, artifacts__has_key=DISPATCH_FAILED_KEY
    )
    # Take the turn atomically: of the pages polling together, one sends, the others wait.
    if not candidates.filter(_silent_since(limit)).update(heartbeat_at=timezone.now()):
        return False
    return evaluation_run_enqueue(run_id=run_id)


def _owner_alive(run: EvaluationRun) -> bool:
    """True when the process that marked the run running is still at work.

    A silent heartbeat means dead wherever the owner runs; on this machine a vanished
    process id also means dead, without waiting for the heartbeat to age.
    """
    if not run.heartbeat_at or timezone.now() - run.heartbeat_at >= stale_after():
        return False
    owner = (run.artifacts or {}).get(WORKER_KEY) or {}
    if owner.get("host") == socket.gethostname() and owner.get("pid"):
        return owner["pid"] != os.getpid() and process_alive(owner["pid"])
    return True


def process_alive(pid: int) -> bool:
    """True for a running process of this machine; a zombie (killed, not reaped) is dead."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True  # no /proc (macOS): os.kill said it exists


def claim(run_id: int) -> EvaluationRun | None:
    """Mark the run running for this process, or None when there is nothing to do."""
    with transaction.atomic():
        run = EvaluationRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status in (Status.SUCCEEDED, Status.FAILED):
            return None
        if run.status == Status.RUNNING and _owner_alive(run):
            return None
        now = timezone.now()
        if run.attempts >= MAX_ATTEMPTS:
            mark_failed(
                run,
                _("Évaluation abandonnée après %(n)d tentatives interrompues.")
                % {"n": run.attempts},
            )
            return None
        run.status = Status.RUNNING
        run.attempts += 1
        run.started_at = now
        run.heartbeat_at = now
        run.percent = 0
        run.error = ""
        run.step = _("Démarrage (tentative %(n)d)") % {"n": run.attempts}
        run.artifacts = {WORKER_KEY: {"pid": os.getpid(), "host": socket.gethostname()}}
        run.save()
        return run


def heartbeat(run: EvaluationRun, percent: int, step: str) -> None:
    """Record progress and a heartbeat; stop if the run was taken over meanwhile."""
    updated = EvaluationRun.objects.filter(pk=run.pk, status=Status.RUNNING).update(
        percent=percent, step=str(step)[:200], heartbeat_at=timezone.now()
    )
    if not updated:
        raise RunTakenOver(run.pk)
    delay = float(os.environ.get(STEP_DELAY_ENV) or 0)
    if delay:
        time.sleep(delay)


def mark_failed(run: EvaluationRun, message: str) -> None:
    now = timezone.now()
    EvaluationRun.objects.filter(pk=run.pk).update(
        status=Status.FAILED, error=message, step=_("Échec"), finished_at=now, heartbeat_at=now
    )
    run.status, run.error = Status.FAILED, message


def evaluation_runs_requeue_stale(*, older_than: timedelta | None = None) -> int:
    """Send again the runs still waiting: soon after a failed send, later after a lost one."""
    limit = timezone.now() - (older_than if older_than is not None else QUEUED_RESEND_AFTER)
    queued = EvaluationRun.objects.filter(status=Status.QUEUED)
    failed = queued.filter(artifacts__has_key=DISPATCH_FAILED_KEY)
    count = 0
    for run_id in failed.values_list("pk", flat=True):
        count += evaluation_run_redispatch(run_id=run_id)
    # Sent, but nobody took it for a while: the message may be lost (e.g. a restarted broker).
    waiting = queued.exclude(artifacts__has_key=DISPATCH_FAILED_KEY).filter(_silent_since(limit))
    for run_id in waiting.values_list("pk", flat=True):
        count += evaluation_run_enqueue(run_id=run_id)
    return count


def _silent_since(limit) -> Q:
    return Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True)


def evaluation_runs_recover(*, stale: timedelta | None = None) -> dict[str, int]:
    """Orphaned running runs (dead worker): re-queue them, or fail them after 3 attempts."""
    limit = timezone.now() - (stale if stale is not None else stale_after())
    requeued = failed = 0
    running = EvaluationRun.objects.filter(status=Status.RUNNING)
    silent = set(running.filter(_silent_since(limit)).values_list("pk", flat=True))
    orphans = [run for run in running if run.pk in silent or not _owner_alive(run)]
    for run in orphans:
        if run.attempts < MAX_ATTEMPTS:
            updated = EvaluationRun.objects.filter(pk=run.pk, status=Status.RUNNING).update(
                status=Status.QUEUED,
                step=_("Relancée après l'arrêt inattendu d'un processus de calcul"),
                heartbeat_at=timezone.now(),
            )
            if updated:
                requeued += 1
                evaluation_run_enqueue(run_id=run.pk)
        else:
            mark_failed(
                run,
                _(
                    "Le processus de calcul s'est arrêté %(n)d fois ; évaluation abandonnée. "
                    "Relancez-la ou contactez l'administrateur."
                )
                % {"n": run.attempts},
            )
            failed += 1
    resent = evaluation_runs_requeue_stale()
    return {"requeued": requeued, "failed": failed, "resent": resent}
