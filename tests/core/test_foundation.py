"""Foundation: pages, health endpoint, demo loading and settings behave as documented."""

import io
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from livinglab.cms.models import HomePage
from livinglab.core import views
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.django_db


def test_healthz_reports_both_checks(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr(views, "check_database", lambda: {"ok": False, "error": "OperationalError"})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False


def test_healthz_is_503_when_the_broker_is_unreachable(client, monkeypatch):
    # A real connection attempt to a port where nothing listens, not a mocked check.
    real_check = views.check_broker
    monkeypatch.setattr(views, "check_broker", lambda: real_check("redis://127.0.0.1:9/0"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_load_demo_refuses_known_passwords_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")
    assert not get_user_model().objects.filter(username="admin").exists()
    call_command("load_demo", "--force", stdout=open(os.devnull, "w"))
    assert get_user_model().objects.filter(username="admin").exists()


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_settings_refuse_to_start_without(missing):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "livinglab.settings.production"
    env.update({"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "example.org"})
    del env[missing]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert missing in result.stderr


def test_prepare_site_migrates_loads_the_demo_and_compiles_stale_catalogues(settings, tmp_path):
    from livinglab.demo.management.commands.prepare_site import stale_catalogues

    settings.DEBUG = True
    settings.VAR_DIR = tmp_path  # the demo stamp of this test database stays out of var/
    messages = tmp_path / "en" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    )
    settings.LOCALE_PATHS = [tmp_path]
    assert stale_catalogues()
    output = io.StringIO()
    call_command("prepare_site", stdout=output)
    assert not stale_catalogues() and (messages / "django.mo").exists()
    assert "Démo chargée." in output.getvalue()
    assert sorted(HomePage.objects.values_list("locale__language_code", flat=True)) == ["en", "fr"]
