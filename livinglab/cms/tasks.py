"""Celery task of the page cache: render the public pages after a publish (`warming.py`)."""

from celery import shared_task

from livinglab.cms import warming


@shared_task(name="cms.warm_pages", ignore_result=True)
def warm_pages_task() -> dict:
    report = warming.warm_pages()
    if report.failed:
        warming.logger.warning("pages not warmed: %s", "; ".join(report.failed))
    warming.logger.info(
        "pages warmed: %s stored, %s already cached, in %.1f s%s",
        report.warmed, report.already, report.seconds, " (stopped)" if report.stopped else "",
    )  # fmt: skip
    return {"warmed": report.warmed, "already": report.already, "stopped": report.stopped}
