#!/usr/bin/env bash
# `make run`: migrate, load the demo, then a Celery worker and the web server; Ctrl-C stops both.
#
# One Django start-up before `/` answers (issue #15): `manage.py serve_site` runs prepare_site
# (compile changed translations, migrate, load_demo, each only when needed) and then runserver
# without its autoreloader, in the same process. The worker starts once the server listens (the
# database is migrated by then), niced so that it does not slow the first pages down.
# RELOAD=1 make run keeps runserver's autoreloader (for editing code): prepare_site, then
# runserver in its own two processes, as before.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
PY=.venv/bin/python
mkdir -p var/log

WORKER_PID=
SERVER_PID=
stop() {
    trap - EXIT INT TERM
    for pid in $SERVER_PID $WORKER_PID; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $SERVER_PID $WORKER_PID; do
        wait "$pid" 2>/dev/null || true
    done
}
trap stop EXIT INT TERM

if [ "${RELOAD:-0}" != "0" ]; then
    "$PY" manage.py prepare_site
    "$PY" manage.py runserver --skip-checks "127.0.0.1:${PORT}" &  # prepare_site ran the checks
else
    "$PY" manage.py serve_site "127.0.0.1:${PORT}" &
fi
SERVER_PID=$!

# Wait until the server listens (prepare_site done), or stop if it failed.
until (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        wait "$SERVER_PID" || exit $?
        exit 1
    fi
    sleep 0.2
done

# -B: embedded beat (fine for this single dev worker; a deployment runs one `celery beat`),
# which runs evaluation.recover every minute: runs queued while the broker was down start.
DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-livinglab.settings.dev}" \
    nice -n 10 "$PY" -m celery -A livinglab worker -B --loglevel=INFO --concurrency=2 \
    --hostname "livinglab-dev@%h" >var/log/worker.log 2>&1 &
WORKER_PID=$!

cat <<TXT

  LivingLab Prévention is running:
    site          http://127.0.0.1:${PORT}/
    admin         http://127.0.0.1:${PORT}/admin/
    health        http://127.0.0.1:${PORT}/healthz
    Celery worker (+ beat) pid ${WORKER_PID}, log in var/log/worker.log
  Ctrl-C stops the web server and the worker.
  Code changes are not reloaded: RELOAD=1 make run for runserver's autoreloader.

TXT
wait "$SERVER_PID"
