"""`make loadtest`: gunicorn + PostgreSQL + Redis + a Celery worker under 50 locust users.

1. recreate the PostgreSQL database `livinglab_loadtest` and flush Redis db 5: migrated and
   loaded with the demo (`load_demo`), or copied from `livinglab_loadtest_template` when that
   template was built from the same code (fingerprint of livinglab/**/*.py, fixtures/ and the
   requirements; LOADTEST_FRESH=1 rebuilds it); static files are collected only when the
   static folders, settings or requirements changed;
2. start one Celery worker and gunicorn on a free 127.0.0.1 port (production settings);
3. let the worker run what the preparation queued, warm every gunicorn worker up, render the
   public pages into the page cache (`manage.py warm_pages`, as a deploy does), then run locust
   headless (50 users, 60 s);
4. stop the servers, then check the database (`dbcheck.py verify`) and print the summary.

Exits non-zero on any server error, unexpected 4xx, locust failure, or a questionnaire
submission lost, duplicated or stored without being sent. Everything stays on loopback; every
process started here is stopped on exit (Ctrl-C included). Outputs land in var/loadtest/.
Environment knobs: LOADTEST_USERS (50), LOADTEST_SPAWN_RATE (10), LOADTEST_DURATION (60s),
LOADTEST_WORKERS (4), LOADTEST_THREADS (2), LOADTEST_PG (postgres://postgres@127.0.0.1:5432),
LOADTEST_DB (livinglab_loadtest), LOADTEST_REDIS (redis://127.0.0.1:6379/5), LOADTEST_FRESH,
LOADTEST_DOUBLE_CLICK (share of participants posting their baseline twice at once; 0.1),
LOADTEST_WORKER_LOGLEVEL (WARNING; INFO lists the worker's tasks in var/loadtest/celery.log).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
OUT = ROOT / "var" / "loadtest"

USERS = os.environ.get("LOADTEST_USERS", "50")
SPAWN_RATE = os.environ.get("LOADTEST_SPAWN_RATE", "10")
DURATION = os.environ.get("LOADTEST_DURATION", "60s")
WORKERS = os.environ.get("LOADTEST_WORKERS", "4")
THREADS = os.environ.get("LOADTEST_THREADS", "2")
PG = os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("LOADTEST_DB", "livinglab_loadtest")
REDIS = os.environ.get("LOADTEST_REDIS", "redis://127.0.0.1:6379/5")
TEMPLATE_DB = f"{DB_NAME}_template"
WORKER_LOGLEVEL = os.environ.get("LOADTEST_WORKER_LOGLEVEL", "WARNING")  # INFO lists its tasks
FRESH = os.environ.get("LOADTEST_FRESH", "") not in ("", "0")
MEDIA = OUT / "var" / "media"
STATIC = OUT / "var" / "static"
TEMPLATE_MEDIA = OUT / "template-media"

PROCESSES: list[tuple[str, subprocess.Popen, signal.Signals]] = []  # servers and locust
COMMANDS: set[subprocess.Popen] = set()  # preparation commands running right now


def log(message: str) -> None:
    print(f"[loadtest {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="livinglab.settings.production",
        DJANGO_SECRET_KEY="loadtest-only-not-a-secret-7d1e0c9b5a3f2e8d6c4b2a0f9e7d5c3b1a",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"{PG}/{DB_NAME}",
        CACHE_URL=REDIS,
        CELERY_BROKER_URL=REDIS,
        CELERY_RESULT_BACKEND=REDIS,
        CELERY_QUEUE="livinglab-loadtest",
        LIVINGLAB_VAR_DIR=str(OUT / "var"),
        WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{port}",
        # Every virtual participant posts from 127.0.0.1: a per-address limit would refuse them.
        LIVINGLAB_QUESTIONNAIRE_PER_10_MIN="1000000000",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def run(args: list[str], env: dict, logfile: Path) -> None:
    """Run a preparation command to the end (stopped early if we are interrupted)."""
    with logfile.open("a") as handle:
        handle.write(f"$ {' '.join(args)}\n")
        handle.flush()
        command = subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        COMMANDS.add(command)
        try:
            returncode = command.wait()
        finally:
            COMMANDS.discard(command)
    if returncode:
        tail = "\n".join(logfile.read_text(errors="replace").splitlines()[-25:])
        raise SystemExit(f"`{' '.join(args[1:4])}…` failed (see {logfile}):\n{tail}")


def fingerprint(kind: str) -> str:
    """What the prepared database ("db": the Python code, fixtures) or the collected static
    files ("static": the static folders, settings) depend on, with the requirements."""
    digest = hashlib.sha256(f"loadtest-prepare-v1-{kind}".encode())
    files = [ROOT / "requirements.txt", ROOT / "requirements-dev.txt"]
    if kind == "db":
        files += sorted((ROOT / "livinglab").rglob("*.py"))
        files += sorted(p for p in (ROOT / "fixtures").rglob("*") if p.is_file())
    else:
        files += sorted((ROOT / "livinglab" / "settings").glob("*.py"))
        for folder in sorted((ROOT / "livinglab").rglob("static")):
            files += sorted(p for p in folder.rglob("*") if p.is_file())
    for path in files:
        if "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def pg(*statements: str, fetch: bool = False):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        for statement in statements:
            cursor = connection.execute(statement)
        return cursor.fetchall() if fetch else None


def template_fingerprint() -> str | None:
    rows = pg(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
        f"WHERE datname = '{TEMPLATE_DB}'",
        fetch=True,
    )
    stamp = TEMPLATE_MEDIA / ".fingerprint"
    if not rows or not stamp.exists() or stamp.read_text() != rows[0][0]:
        return None
    return rows[0][0]


def prepare_database(env: dict, stamp: str) -> None:
    """The demo database: copied from the template when it matches the code, else built."""
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    drop = f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'
    shutil.rmtree(MEDIA, ignore_errors=True)
    if not FRESH and template_fingerprint() == stamp:
        pg(drop, f'CREATE DATABASE "{DB_NAME}" TEMPLATE "{TEMPLATE_DB}"')
        shutil.copytree(TEMPLATE_MEDIA, MEDIA)
        log(f"database {DB_NAME} copied from {TEMPLATE_DB} (same code fingerprint)")
        return
    pg(drop, f'CREATE DATABASE "{DB_NAME}"')
    manage = [PYTHON, "manage.py"]
    run([*manage, "migrate", "--no-input", "-v0"], env, OUT / "prepare-db.log")
    run([*manage, "load_demo", "--force"], env, OUT / "prepare-db.log")
    shutil.rmtree(TEMPLATE_MEDIA, ignore_errors=True)
    shutil.copytree(MEDIA, TEMPLATE_MEDIA)
    pg(
        f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)',
        f'CREATE DATABASE "{TEMPLATE_DB}" TEMPLATE "{DB_NAME}"',
        f"COMMENT ON DATABASE \"{TEMPLATE_DB}\" IS '{stamp}'",
    )
    (TEMPLATE_MEDIA / ".fingerprint").write_text(stamp)
    log(f"database {DB_NAME} migrated and loaded with the demo; kept as {TEMPLATE_DB}")


def prepare_files(env: dict, stamp: str) -> None:
    manage = [PYTHON, "manage.py"]
    run([*manage, "compilemessages", "--ignore=.venv", "--ignore=var", "-v0"], env,
        OUT / "prepare-files.log")  # fmt: skip
    marker = STATIC / ".loadtest-fingerprint"
    if not FRESH and marker.exists() and marker.read_text() == stamp:
        return
    marker.unlink(missing_ok=True)
    run([*manage, "collectstatic", "--no-input", "-v0"], env, OUT / "prepare-files.log")
    marker.write_text(stamp)
    log("static files collected")


def prepare(env: dict) -> None:
    """Database and static files side by side (two cores)."""
    with ThreadPoolExecutor(2) as pool:
        jobs = [
            pool.submit(prepare_database, env, fingerprint("db")),
            pool.submit(prepare_files, env, fingerprint("static")),
        ]
        for job in jobs:
            job.result()


def start(name: str, args: list[str], env: dict, stop=signal.SIGTERM) -> subprocess.Popen:
    handle = (OUT / f"{name}.log").open("w")
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    PROCESSES.append((name, process, stop))
    log(f"{name} started (pid {process.pid}), log in {OUT / (name + '.log')}")
    return process


def stop_all() -> None:
    """Signal each process group we started, wait, then KILL the groups that did not stop."""
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    handlers = {sig: signal.signal(sig, signal.SIG_IGN) for sig in signals}  # no 2nd Ctrl-C
    try:
        _stop_all()
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _stop_all() -> None:
    running = set()
    for name, process, stop in reversed(PROCESSES):
        if process.poll() is None:
            try:
                os.killpg(process.pid, stop)
            except ProcessLookupError:
                continue
            running.add(name)
            log(f"stopping {name} (pid {process.pid})")
    began = time.monotonic()
    deadline = began + 20
    for name, process, _stop in PROCESSES:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
            if name in running:
                log(f"{name} stopped after {time.monotonic() - began:.1f} s")
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop in time: killing its process group")
            os.killpg(process.pid, signal.SIGKILL)  # still alive, so the group is still ours
            process.wait()
    PROCESSES.clear()


def request(url: str) -> int:
    headers = {"X-Forwarded-Proto": "https"}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_healthy(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited early (see {OUT / 'gunicorn.log'})")
        if request(f"{base}/healthz") == 200:
            return
        time.sleep(0.5)
    raise SystemExit(f"{base}/healthz never answered 200 (see {OUT / 'gunicorn.log'})")


def warm_up(base: str) -> None:
    """Import every lazy module in every worker before measuring (a cold start is not load).

    Pages get a query string of their own: the page cache starts the measure empty."""
    paths = ["/?warm-up", "/recherche/?q=sommeil", "/api/v2/pages/", "/admin/login/", "/healthz"]
    paths += [
        f"/questionnaire/{q['campaign']}/{q['waves'][0]}/{q['query'][q['waves'][0]]}"
        for q in TARGETS["questionnaires"]
    ]  # with the wave's access key when the campaign requires one
    paths += [f"/evaluation/public/runs/{run['id']}/report.pdf" for run in TARGETS["runs"]]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(request, [base + path for path in paths * 8]))
    bad = [
        (path, status) for path, status in zip(paths * 8, statuses, strict=True) if status != 200
    ]
    if bad:
        raise SystemExit(f"warm-up requests failed: {sorted(set(bad))}")


def drain_worker(timeout: float = 300) -> None:
    """Wait until the worker has run what the preparation queued (the demo's dataset snapshots
    and pooled evidence, the page cache warming they lead to): a backlog is not load.

    Kombu's Redis transport keeps waiting messages in a list named after the queue and the
    ones a worker holds (running, or waiting for their countdown) in the `unacked` hash."""
    import redis

    client = redis.Redis.from_url(REDIS)
    deadline = time.monotonic() + timeout
    idle = 0
    while time.monotonic() < deadline:
        busy = client.llen("livinglab-loadtest") + client.hlen("unacked")
        idle = idle + 1 if busy == 0 else 0
        if idle >= 3:  # empty three times a second apart: nothing left that queues more
            return
        time.sleep(1)
    raise SystemExit(f"the worker still had tasks after {timeout:.0f} s (see {OUT / 'celery.log'})")


TARGETS: dict = {}


def main() -> int:
    started = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        if old.is_file():
            old.unlink()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(port)
    files = {
        "targets": OUT / "targets.json",
        "records": OUT / "submissions.jsonl",
        "requests": OUT / "requests.json",
        "csv": OUT / "locust",
    }

    log(f"preparing PostgreSQL {DB_NAME}, Redis {REDIS}, static files")
    prepare(env)
    run([PYTHON, str(HERE / "dbcheck.py"), "discover", str(files["targets"])], env,
        OUT / "prepare-db.log")  # fmt: skip
    TARGETS.update(json.loads(files["targets"].read_text()))
    log(f"prepared in {time.monotonic() - started:.0f} s")

    start(
        "celery",
        [PYTHON, "-m", "celery", "-A", "livinglab", "worker", "--pool=solo",
         f"--loglevel={WORKER_LOGLEVEL}", "--queues=livinglab-loadtest", "--hostname=loadtest@%h"],
        env,
    )  # fmt: skip
    gunicorn = start(
        "gunicorn",
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "livinglab.wsgi", f"--bind=127.0.0.1:{port}",
         f"--workers={WORKERS}", "--worker-class=gthread", f"--threads={THREADS}",
         "--timeout=30", "--graceful-timeout=10", "--no-control-socket", "--preload",
         f"--access-logfile={OUT / 'access.log'}",
         '--access-logformat=%(h)s "%(r)s" %(s)s %(b)s %(D)sus'],
        env,
        stop=signal.SIGINT,  # quick shutdown: locust has finished, nothing is in flight
    )  # fmt: skip
    wait_healthy(base, gunicorn)
    drain_worker()
    warm_up(base)
    # What a deploy runs next (README, "Deploying at scale"): the public pages rendered into the
    # page cache, at the address visitors use.
    run([PYTHON, "manage.py", "warm_pages", f"--base-url={base}"], env, OUT / "warm-pages.log")
    (OUT / "access.log").write_text("")  # count only the measured requests
    log(f"gunicorn ready on {base} ({WORKERS} workers × {THREADS} threads), warmed up")

    locust_env = {
        **os.environ,
        "LOADTEST_TARGETS": str(files["targets"]),
        "LOADTEST_RECORDS": str(files["records"]),
        "LOADTEST_STATUSES": str(files["requests"]),
    }
    log(f"locust: {USERS} users, spawn rate {SPAWN_RATE}/s, {DURATION}")
    locust = start(
        "locust",
        [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(HERE / "locustfile.py"),
         "--headless", "--host", base, "-u", USERS, "-r", SPAWN_RATE, "-t", DURATION,
         "--stop-timeout", "15", "--csv", str(files["csv"]), "--only-summary",
         "--loglevel", "INFO"],
        locust_env,
    )  # fmt: skip
    try:
        locust.wait(timeout=_seconds(DURATION) + 60)
    except subprocess.TimeoutExpired:
        log("locust overran its time limit: stopping it")
    stop_all()
    spawned = re.search(r"All users spawned: (\{.*?\})", (OUT / "locust.log").read_text())
    log(f"locust users: {spawned.group(1) if spawned else '?'}")
    log(f"servers stopped; locust's own report is in {OUT / 'locust.log'}")

    verify = subprocess.run(
        [PYTHON, str(HERE / "dbcheck.py"), "verify",
         "--targets", str(files["targets"]), "--records", str(files["records"]),
         "--requests", str(files["requests"]),
         "--access-log", str(OUT / "access.log"), "--error-log", str(OUT / "gunicorn.log"),
         "--summary-md", str(OUT / "summary.md"), "--summary-json", str(OUT / "summary.json")],
        cwd=ROOT, env=env,
    )  # fmt: skip
    if locust.returncode != 0:  # failures (reported above) or exceptions in the scenario
        log(f"locust exited with {locust.returncode}: see {OUT / 'locust_exceptions.csv'}")
    log(f"done in {time.monotonic() - started:.0f} s; outputs in {OUT}")
    return verify.returncode or int(locust.returncode != 0)


def _seconds(duration: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    if duration[-1] in units:
        return int(float(duration[:-1]) * units[duration[-1]])
    return int(duration)


def _terminate(signum, _frame):
    log(f"interrupted ({signal.Signals(signum).name}): stopping everything")
    for command in list(COMMANDS):  # lets the preparation threads return at once
        command.terminate()
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, _terminate)
    try:
        code = main()
    finally:
        stop_all()
    sys.exit(code)
