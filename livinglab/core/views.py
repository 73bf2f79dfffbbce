"""Project-level views: the health endpoint used by load balancers and `make run`."""

import os
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from livinglab.celery import app as celery_app


def check_database() -> dict:
    """Run a trivial query so a dead or unreachable database is reported."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down", reported as such
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker(url: str | None = None) -> dict:
    """Open a connection to the Celery broker (or check the filesystem broker's folder)."""
    url = url or celery_app.conf.broker_url or ""
    if url.startswith("filesystem://"):
        folder = Path(celery_app.conf.broker_transport_options["data_folder_in"])
        if folder.is_dir() and os.access(folder, os.W_OK):
            return {"ok": True, "transport": "filesystem"}
        return {"ok": False, "transport": "filesystem", "error": "folder missing"}
    try:
        with celery_app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTHCHECK_BROKER_TIMEOUT)
            transport = conn.transport_cls
    except Exception as error:  # noqa: BLE001 - any failure means "down", reported as such
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "transport": str(transport)}


@never_cache
@require_GET
def healthz(request):
    """Report database and broker reachability; 503 when either is down."""
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


healthz.without_cached_site = True  # livinglab.cms.sitewide.SiteDataMiddleware: no cache needed
