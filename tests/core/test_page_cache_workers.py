"""An unpublished page is gone for every web worker at once: production shares its page cache.

A real gunicorn with two workers serves the test database under the production settings. The
page is requested until both workers have served (and cached) it; then another process — this
one, with the cache configuration production uses, as a Celery worker or `manage.py` command
would — unpublishes it through Wagtail, and every later request, whichever worker answers it,
is a 404. With a per-process memory cache the workers kept serving their own copy.

The cache is the production default (the database cache) unless this session's broker is Redis
(CI stage 2): then `CACHE_URL` is that Redis database, with keys of their own (removed after).
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from wagtail.models import Locale, Page, Site

from livinglab.cms.models import CampaignIndexPage, HomePage
from tests.conftest import REPO_ROOT, database_url, stop_process

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WORKERS = 2
GETS_AFTER_UNPUBLISH = 10
ACCESS_LINE = re.compile(r'^<(?P<pid>\d+)> "GET (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3})$')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(var_dir: Path, key_prefix: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "livinglab.settings.production",
        "DJANGO_SECRET_KEY": f"test-{secrets.token_urlsafe(40)}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(connection.settings_dict),  # pytest-django's test database
        "LIVINGLAB_VAR_DIR": str(var_dir),  # static files, media, broker folder of this test
        "CACHE_KEY_PREFIX": key_prefix,
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CACHE_URL", None)
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        env["CACHE_URL"] = settings.CELERY_BROKER_URL  # this session's Redis database
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=REPO_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def output_of(command: subprocess.Popen) -> str:
    stdout, stderr = command.communicate(timeout=300)
    assert command.returncode == 0, f"{' '.join(command.args[1:4])}:\n{stdout}\n{stderr}"
    return stdout


# In one start of Django: the deployment steps (README) — the static manifest production pages
# need, the cache table — then CACHES exactly as the production settings build them.
PREPARE = """
import json
from django.conf import settings
from django.core.management import call_command
call_command("createcachetable")
call_command("collectstatic", interactive=False, verbosity=0)
print(json.dumps(settings.CACHES))
"""


def start_gunicorn(env: dict[str, str], port: int, log: Path, access_log: Path):
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "livinglab.wsgi:application",
             "--workers", str(WORKERS), "--preload", "--bind", f"127.0.0.1:{port}",
             "--timeout", "60",
             "--access-logfile", str(access_log), "--access-logformat", '%(p)s "%(r)s" %(s)s',
             "--error-logfile", "-", "--no-control-socket"],
            cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, f"gunicorn exited, see {log}:\n{log.read_text()[-3000:]}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            assert time.monotonic() < deadline, f"gunicorn not answering, see {log}"
            time.sleep(0.1)


def get(url: str) -> tuple[int, str]:
    """Status and X-Page-Cache header of an anonymous GET (no cookie, like a visitor)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - http://127.0.0.1
            return response.status, response.headers.get("X-Page-Cache", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Page-Cache", "")


def pids_serving(access_log: Path, path: str, start_line: int = 0) -> Counter:
    """How many requests for `path` each worker answered, from line `start_line` of the log."""
    served: Counter = Counter()
    for line in access_log.read_text().splitlines()[start_line:]:
        match = ACCESS_LINE.match(line.strip())
        if match and match["path"] == path:
            served[match["pid"]] += 1
    return served


def get_until_every_worker_answered(url, path, access_log, *, at_least: int):
    """Concurrent GETs (a busy sync worker leaves the next one to the other) until each worker
    answered and at least `at_least` answers came back: the statuses and cache headers."""
    start_line = len(access_log.read_text().splitlines())
    answers: list[tuple[int, str]] = []
    deadline = time.monotonic() + 60
    with ThreadPoolExecutor(4) as pool:
        while True:
            answers += pool.map(get, [url] * 4)
            time.sleep(0.2)  # the access log line is written once the answer is sent
            served = pids_serving(access_log, path, start_line)
            if len(served) >= WORKERS and len(answers) >= at_least:
                return answers, served
            assert time.monotonic() < deadline, f"one worker never answered: {served}"


def build_pages() -> CampaignIndexPage:
    """A published home and a published listing page, whatever the flushes left behind."""
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = HomePage(title="Accueil partagé", slug="accueil-partage", locale=locale)
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    listing = CampaignIndexPage(title="Campagnes", slug="campagnes", locale=locale)
    home.add_child(instance=listing)
    listing.save_revision().publish()
    return listing


def forget_redis_keys(caches: dict, key_prefix: str) -> None:
    location = caches["default"]["LOCATION"]
    if "redis" not in caches["default"]["BACKEND"].lower():
        return
    import redis

    client = redis.Redis.from_url(location if isinstance(location, str) else location[0])
    for key in client.scan_iter(match=f"{key_prefix}*"):
        client.delete(key)


def test_an_unpublished_page_is_404_on_every_worker(tmp_path):
    key_prefix = f"test-page-cache-{os.getpid()}-{secrets.token_hex(4)}"
    env = production_env(tmp_path / "var", key_prefix)
    prepare = manage(env, "shell", "--no-imports", "-c", PREPARE)
    try:
        listing = build_pages()  # meanwhile
        caches = json.loads(output_of(prepare).strip().splitlines()[-1])
    finally:
        if prepare.poll() is None:
            stop_process(prepare)
    path = listing.get_url()
    assert path == "/campagnes/", path

    port = free_port()
    log, access_log = tmp_path / "gunicorn.log", tmp_path / "access.log"
    server = start_gunicorn(env, port, log, access_log)
    url = f"http://127.0.0.1:{port}{path}"
    try:
        answers, served = get_until_every_worker_answered(url, path, access_log, at_least=8)
        assert {status for status, _ in answers} == {200}, answers
        assert any(header == "hit" for _, header in answers), answers  # the cache is in use

        # Another process with the production cache configuration unpublishes the page.
        with override_settings(CACHES=caches):
            listing.refresh_from_db()
            listing.unpublish()

        answers, served = get_until_every_worker_answered(
            url, path, access_log, at_least=GETS_AFTER_UNPUBLISH
        )
    finally:
        stop_process(server)
        forget_redis_keys(caches, key_prefix)
    statuses = [status for status, _ in answers]
    assert statuses == [404] * len(statuses), (
        f"after the unpublish, {statuses.count(200)} of {len(statuses)} GETs still answered "
        f"200 (cache: {caches['default']['BACKEND']}; answers per worker: {dict(served)})"
    )
    assert '" 500 ' not in access_log.read_text(), log.read_text()[-3000:]
    # The production default is the database cache; Redis when CACHE_URL says so.
    expected = "RedisCache" if "CACHE_URL" in env else "DatabaseCache"
    assert caches["default"]["BACKEND"].endswith(expected), caches
