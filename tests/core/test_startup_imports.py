"""Start-up does not load the scientific and spreadsheet stack (performance issue: ~8 s, ~300 MB).

matplotlib, statsmodels, scipy, pandas and openpyxl are imported by the functions that draw
charts and reports, write workbooks, load datasets and compute statistics, never at module level
of a module reached from ``django.setup()``, the URLconf or the apps' ``wagtail_hooks``. The check
runs in a fresh interpreter: the test process has long imported all of them. Nor does it load
Wagtail's API v3, which the project does not install.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("matplotlib", "statsmodels", "scipy", "pandas", "openpyxl")
# Wagtail's API v3 (django-ninja): not installed here, its routers skipped at start-up
# (livinglab/wagtail_adjustments/api_v3.py).
UNUSED = ("wagtail.api.v3", "ninja")

# What serving a first request loads: the apps (models, AppConfig.ready), the whole URLconf
# (Wagtail's admin URLs pull in every wagtail_hooks module and the viewsets and views they
# register) and the hooks themselves, in case the URLconf stops reaching them.
PROBE = f"""
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
from wagtail.hooks import search_for_hooks
search_for_hooks()
import livinglab.celery, livinglab.evaluation.runs.tasks
print(json.dumps({{name: sorted(m for m in sys.modules if m == name or m.startswith(name + "."))[:5]
                  for name in {HEAVY + UNUSED!r}}}))
"""


def run_probe(code: str, **environment: str | None):
    """What `code`, run in a fresh interpreter under the dev settings, prints last (as JSON)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "livinglab.settings.dev", **environment}
    env = {name: value for name, value in env.items() if value is not None}
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_setup_urls_and_hooks_do_not_import_the_scientific_stack():
    loaded = run_probe(PROBE)
    assert {name: modules for name, modules in loaded.items() if modules} == {}


def test_setup_alone_does_not_import_the_api_v2_serializers():
    """A worker or a command never serves the API v2: Django REST framework's serializers (and
    the psycopg they import, even on SQLite) wait for the URLconf (`LazyApiFields` in
    livinglab/cms/models/topics.py)."""
    probe = (
        "import json, sys, django; django.setup(); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith("
        "('rest_framework.serializers', 'psycopg', 'django.contrib.postgres')))))"
    )
    # On SQLite: on PostgreSQL, Django itself imports psycopg.
    assert run_probe(probe, DATABASE_URL=None) == []
