#!/usr/bin/env bash
# `make run`: migrate, load the demo, then a Celery worker and the web server; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
PY=.venv/bin/python
mkdir -p var/log

"$PY" manage.py prepare_site  # compile changed translations, migrate, load_demo

# -B: embedded beat (fine for this single dev worker; a deployment runs one `celery beat`),
# which runs evaluation.recover every minute: runs queued while the broker was down start.
# `nice`: the worker starts at the same time as the web server; the server gets the cores first.
DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-livinglab.settings.dev}" \
    nice -n 10 "$PY" -m celery -A livinglab worker -B --loglevel=INFO --concurrency=2 \
    --hostname "livinglab-dev@%h" >var/log/worker.log 2>&1 &
WORKER_PID=$!
stop() {
    trap - EXIT INT TERM
    kill -TERM "$WORKER_PID" 2>/dev/null || true
    wait "$WORKER_PID" 2>/dev/null || true
}
trap stop EXIT INT TERM

cat <<TXT

  LivingLab Prévention is starting:
    site          http://127.0.0.1:${PORT}/
    admin         http://127.0.0.1:${PORT}/admin/
    health        http://127.0.0.1:${PORT}/healthz
    Celery worker (+ beat) pid ${WORKER_PID}, log in var/log/worker.log
  Ctrl-C stops the web server and the worker.
  Code changes are not reloaded: RELOAD=1 make run for the autoreloader.

TXT
# No autoreloader by default: it starts Django a second time (a parent watching the files and a
# child serving), about 2 s more before `/` answers. RELOAD=1 make run keeps it, for editing code.
RELOAD_FLAG=--noreload
if [ "${RELOAD:-0}" != "0" ]; then RELOAD_FLAG=; fi
# shellcheck disable=SC2086  # empty flag: no argument
"$PY" manage.py runserver --skip-checks $RELOAD_FLAG "127.0.0.1:${PORT}"  # prepare_site ran the checks
