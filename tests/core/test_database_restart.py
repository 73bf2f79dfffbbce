"""PostgreSQL restarts between two requests: the next request succeeds (no 500).

A real gunicorn (one sync worker) serves the test database with persistent connections
(CONN_MAX_AGE); the test restarts the PostgreSQL cluster, which kills every connection, and
asks again. CONN_HEALTH_CHECKS makes Django notice the dead connection and open a new one.
Restarting the server breaks every connection of the machine: the test runs last (marker) and
reconnects this process afterwards.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from tests.conftest import REPO_ROOT, RESTARTS_DATABASE, database_url, stop_process

IS_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")

pytestmark = [
    pytest.mark.skipif(
        IS_SQLITE,
        reason="PostgreSQL only: a SQLite file has no server to restart "
        "(runs in CI stage 2, DATABASE_URL=postgres://...)",
    ),
    pytest.mark.django_db(transaction=True),  # the server process must see the test's rows
    getattr(pytest.mark, RESTARTS_DATABASE),
]

PASSWORD = "restart-test-password"
# Not the dashboard (/admin/): it needs Wagtail's root page, which transactional tests flush.
ADMIN_PAGE = "/admin/evaluation-runs/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def local_cluster(port: int) -> tuple[str, str]:
    """(version, name) of the Debian cluster listening on `port`, or skip with the reason."""
    if not shutil.which("pg_lsclusters") or not shutil.which("pg_ctlcluster"):
        pytest.skip("needs Debian's pg_lsclusters/pg_ctlcluster to restart PostgreSQL")
    if os.geteuid() != 0:
        pytest.skip("needs root to restart the PostgreSQL cluster (pg_ctlcluster)")
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_ = line.split()
        if int(cluster_port) == port:
            return version, name
    pytest.skip(f"no local PostgreSQL cluster on port {port} (the database is elsewhere)")


def restart_postgresql(version: str, name: str, host: str, port: int) -> float:
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart", "-m", "fast"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while subprocess.run(["pg_isready", "-q", "-h", host, "-p", str(port)]).returncode != 0:
        assert time.monotonic() < deadline, "PostgreSQL did not come back within 30 s"
        time.sleep(0.2)
    return time.monotonic() - started


class Browser:
    """Cookies and CSRF like a browser, with urllib, against the server on 127.0.0.1 only."""

    def __init__(self, base: str):
        assert base.startswith("http://127.0.0.1:")
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310 - http://127.0.0.1

    def post(self, path: str, fields: dict) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=data, method="POST")  # noqa: S310
        return self._open(request)

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def login(self, username: str, password: str) -> None:
        status, page = self.get("/admin/login/")
        assert status == 200, page[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, page = self.post(
            "/admin/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token,
             "next": ADMIN_PAGE},
        )  # fmt: skip
        assert status == 200 and "/admin/logout/" in page, page[:500]


def start_server(port: int, log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "livinglab.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),  # pytest-django's test database
        "DATABASE_CONN_MAX_AGE": "600",  # persistent: the connection outlives the requests
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "livinglab.wsgi:application",
             "--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
             "--access-logfile", "-", "--error-logfile", "-", "--no-control-socket"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, f"gunicorn exited, see {log_path}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            assert time.monotonic() < deadline, f"gunicorn not answering, see {log_path}"
            time.sleep(0.1)


def server_connections() -> list[int]:
    """Backend pids connected to the test database, other than this process's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY pid"
        )
        return [row[0] for row in cursor.fetchall()]


def assert_pages_work(browser: Browser, log_path: Path) -> None:
    status, body = browser.get("/healthz")
    assert status == 200, f"/healthz {status}: {body[:300]} (log: {log_path})"
    assert json.loads(body)["checks"]["database"] == {"ok": True, "vendor": "postgresql"}
    status, page = browser.get(ADMIN_PAGE)  # session, user, campaigns: all SQL
    assert status == 200, f"admin {status}: {page[:300]} (log: {log_path})"
    assert "Évaluations" in page and "/admin/logout/" in page


def test_the_next_request_after_a_postgresql_restart_succeeds(django_user_model, tmp_path):
    db = connection.settings_dict
    assert db["NAME"].startswith("test_"), db["NAME"]  # pytest-django's database, not the real one
    host, port = db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)
    version, name = local_cluster(port)
    django_user_model.objects.create_superuser("ops", "ops@example.org", PASSWORD)

    log_path = Path(settings.VAR_DIR) / "test-database-restart-gunicorn.log"
    server_port = free_port()
    server = start_server(server_port, log_path)
    try:
        browser = Browser(f"http://127.0.0.1:{server_port}")
        browser.login("ops", PASSWORD)
        assert_pages_work(browser, log_path)
        before = server_connections()
        assert before, "the server keeps no connection: CONN_MAX_AGE is not in effect"

        downtime = restart_postgresql(version, name, host, port)
        connections.close_all()  # this process's connection died too; the next query reopens
        assert not set(server_connections()) & set(before)  # the server's connection is gone

        assert_pages_work(browser, log_path)  # first request after the restart: no 500
        assert_pages_work(browser, log_path)
        assert server_connections(), "the server reconnected and keeps its new connection"
    finally:
        stop_process(server)
        connections.close_all()
    log = log_path.read_text()
    assert '" 500 ' not in log, log[-3000:]
    assert django_user_model.objects.filter(username="ops").exists()  # usable here too
    print(f"PostgreSQL restarted in {downtime:.1f} s")
