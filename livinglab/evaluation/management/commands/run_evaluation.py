"""Run an evaluation of a campaign (DESIGN.md §4): on Celery, or in-process with --sync."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.models import EvaluationRun
from livinglab.evaluation.runs import artifacts, dispatch, services

Status = EvaluationRun.Status


class Command(BaseCommand):
    help = "Queues an evaluation run (or runs it in-process with --sync) and writes its outputs."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="campaign slug")
        parser.add_argument("--sync", action="store_true", help="compute in this process")
        parser.add_argument("--force", action="store_true", help="recompute even if unchanged")
        parser.add_argument(
            "--no-wait", action="store_true", help="queue and print the run id, do not wait"
        )
        parser.add_argument("--json", type=Path, help="write the results JSON here")
        parser.add_argument("--xlsx", type=Path, help="write the results workbook here")
        parser.add_argument("--pdf", type=Path, help="write the PDF report here")
        parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait")

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"Campagne « {options['campaign']} » introuvable.")
        try:
            run = services.evaluation_run_start(
                campaign=campaign, force=options["force"], enqueue=not options["sync"]
            )
        except services.EvaluationError as error:
            raise CommandError(str(error)) from error
        if options["sync"]:
            run = services.evaluation_run_execute(run_id=run.pk)
        elif options["no_wait"]:
            self.stdout.write(str(run.pk))
            return
        else:
            dispatch.evaluation_runs_recover()
            run = self._wait(run, options["timeout"])
        if run.status != Status.SUCCEEDED:
            raise CommandError(f"Évaluation {run.pk} en échec : {run.error or run.step}")
        self.stdout.write(self.style.SUCCESS(f"Évaluation {run.pk} terminée."))
        for file_format in ("json", "xlsx", "pdf"):
            target = options[file_format]
            if target:
                target.write_bytes(artifacts.render(run.result, file_format))
                self.stdout.write(f"{file_format.upper()} : {target}")

    def _wait(self, run: EvaluationRun, timeout: float) -> EvaluationRun:
        """Poll the run row, printing progress, until it finishes or the timeout passes."""
        deadline = time.monotonic() + timeout
        shown = None
        while True:
            run.refresh_from_db()
            state = (run.status, run.percent, run.step)
            if state != shown:
                self.stdout.write(f"[{run.percent:3d} %] {run.get_status_display()} — {run.step}")
                shown = state
            if run.status in (Status.SUCCEEDED, Status.FAILED):
                return run
            if time.monotonic() > deadline:
                raise CommandError(f"Évaluation {run.pk} toujours en cours après {timeout:.0f} s.")
            time.sleep(0.5)
