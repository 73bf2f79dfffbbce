"""`make run` starts Django once before `/` answers (#15): `serve_site` prepares the site, then
serves it with runserver's autoreloader off, in the same process; `prepare_site` also works on a
database that has no migration table yet (a fresh `var/`)."""

import io

import pytest
from django.core.management import call_command

from livinglab.demo.management.commands import prepare_site, serve_site

pytestmark = pytest.mark.django_db


def test_serve_site_prepares_then_serves_without_the_autoreloader(monkeypatch):
    calls = []
    monkeypatch.setattr(
        serve_site, "call_command", lambda name, *args, **kwargs: calls.append((name, args, kwargs))
    )
    call_command("serve_site", "127.0.0.1:8123", stdout=io.StringIO())
    assert [name for name, _args, _kwargs in calls] == ["prepare_site", "runserver"]
    _name, args, kwargs = calls[1]
    assert args == ("127.0.0.1:8123",)
    assert kwargs["use_reloader"] is False and kwargs["skip_checks"] is True


def test_prepare_site_does_not_stamp_before_migrating(monkeypatch, settings, tmp_path):
    """On a fresh database the migration history does not exist until `migrate` has run."""
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    events = []
    monkeypatch.setattr(prepare_site, "stale_catalogues", lambda: False)
    monkeypatch.setattr(prepare_site, "pending_migrations", lambda: ["campaigns.0001_initial"])
    migrated = []

    def stamp():
        events.append("stamp")
        assert migrated, "the stamp reads django_migrations: only after migrate"
        return "stamp"

    def command(name, *args, **kwargs):
        events.append(name)
        if name == "migrate":
            migrated.append(True)

    monkeypatch.setattr(prepare_site, "demo_stamp", stamp)
    monkeypatch.setattr(prepare_site, "call_command", command)
    monkeypatch.setattr(prepare_site.Command, "check", lambda self, **kwargs: None)
    call_command("prepare_site", stdout=io.StringIO())
    assert events == ["migrate", "stamp", "createcachetable", "load_demo"]
