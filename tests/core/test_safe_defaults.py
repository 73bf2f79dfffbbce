"""Safe defaults: a worker started without settings refuses to run in development mode, and
every import refuses duplicate column headers (issue: attacking the product)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.http import HttpRequest

from livinglab.core.client import client_address
from livinglab.core.tabular import FileRejected, read_table

ROOT = Path(__file__).resolve().parents[2]


def test_a_celery_worker_without_settings_does_not_run_with_debug_and_the_dev_key():
    """`celery -A livinglab worker` with no DJANGO_SETTINGS_MODULE must not come up with
    DEBUG on and the development secret key: it gets the production settings, which refuse to
    start without DJANGO_SECRET_KEY."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    probe = (
        "from livinglab.celery import app; app.loader.import_default_modules(); "
        "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY[:12])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0, result.stdout
    assert "DJANGO_SECRET_KEY" in result.stderr


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"participant,wave,steps,group,steps\nP1,baseline,10,intervention,12\n", "dup.csv"),
        (
            xlsx([["participant", "wave", "steps", "group", "steps"], ["P1", "baseline", 10]]),
            "d.xlsx",
        ),
    ],
    ids=["csv", "xlsx"],
)
def test_duplicate_column_headers_are_refused_naming_both_columns(content, filename):
    with pytest.raises(FileRejected) as refused:
        read_table(content, filename=filename)
    message = str(refused.value)
    assert "« steps »" in message and "colonnes 3 et 5" in message


def test_a_decompression_bomb_is_refused_by_its_ratio_with_default_limits():
    """A 6 MB sheet packed into a few kilobytes: refused before openpyxl parses a row."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from bench_upload_limits import bomb_xlsx
    finally:
        sys.path.pop(0)
    content = bomb_xlsx(6_000_000)
    assert len(content) < 60_000
    with pytest.raises(FileRejected) as refused:
        read_table(content, filename="bomb.xlsx")
    assert "taux de compression" in str(refused.value)


def test_client_address_ignores_forwarded_headers_unless_proxies_are_trusted(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="198.51.100.2")
    assert client_address(request) == "198.51.100.2"  # a forged header changes nothing
    # TRUSTED_PROXY_COUNT=1 (one nginx), as settings/base.py derives it:
    settings.IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.IPWARE_META_PROXY_COUNT = 0
    behind_proxy = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert client_address(behind_proxy) == "203.0.113.7"
    forged = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert client_address(forged) == "203.0.113.7"  # what the client wrote is ignored


def test_client_address_is_none_without_an_address():
    """django-axes stores the address in an address column: never a made-up string."""
    assert client_address(HttpRequest()) is None
