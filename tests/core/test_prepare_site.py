"""`prepare_site` (the first half of `make run`) skips work whose inputs have not changed (#15):
`migrate` with nothing to apply, `load_demo` while the stamp of its inputs is the same."""

import io

import pytest
from django.core.management import call_command

from livinglab.demo.management.commands import prepare_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def commands(monkeypatch, settings, tmp_path):
    """Record the commands prepare_site calls; load_demo itself is not run (its own tests)."""
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    inputs = tmp_path / "demo-inputs"
    inputs.mkdir()
    (inputs / "data.json").write_text('{"campaigns": 3}')
    monkeypatch.setattr(prepare_site, "STAMP_INPUTS", (inputs,))
    monkeypatch.setattr(prepare_site, "stale_catalogues", lambda: False)
    called: list[str] = []
    failing: set[str] = set()

    def recording(name, *args, **kwargs):
        called.append(name)
        if name in failing:
            raise RuntimeError(f"{name} failed")

    monkeypatch.setattr(prepare_site, "call_command", recording)
    return called, failing, inputs


def run() -> str:
    output = io.StringIO()
    call_command("prepare_site", stdout=output, skip_checks=False)  # as `manage.py` does
    return output.getvalue()


def test_nothing_to_migrate_skips_migrate(commands):
    called, _failing, _inputs = commands
    assert prepare_site.pending_migrations() == []  # the test database is migrated
    run()
    assert "migrate" not in called
    assert "load_demo" in called  # no stamp yet


def test_load_demo_is_skipped_until_an_input_changes(commands):
    called, _failing, inputs = commands
    run()
    assert called.count("load_demo") == 1
    output = run()
    assert called.count("load_demo") == 1
    assert "inchangée" in output
    (inputs / "data.json").write_text('{"campaigns": 4}')
    run()
    assert called.count("load_demo") == 2
    run()
    assert called.count("load_demo") == 2


def test_a_missing_media_folder_reloads_the_demo(commands, settings):
    called, _failing, _inputs = commands
    run()
    settings.MEDIA_ROOT.rmdir()
    run()
    assert called.count("load_demo") == 2


def test_a_pending_migration_runs_migrate_and_reloads_the_demo(commands, monkeypatch):
    called, _failing, _inputs = commands
    run()
    monkeypatch.setattr(prepare_site, "pending_migrations", lambda: ["evaluation.0099_new"])
    run()
    assert called.count("migrate") == 1
    assert called.count("load_demo") == 2  # a schema change may change what the demo writes


def test_a_failed_load_writes_no_stamp(commands):
    called, failing, _inputs = commands
    failing.add("load_demo")
    with pytest.raises(RuntimeError):
        run()
    failing.clear()
    run()
    assert called.count("load_demo") == 2


def test_the_stamp_covers_the_demo_code_and_data():
    roots = [str(root) for root in prepare_site.STAMP_INPUTS]
    assert any(root.endswith("livinglab") for root in roots)
    assert any(root.endswith("fixtures") for root in roots)


def test_system_checks_run_unless_nothing_changed(commands, monkeypatch):
    from django.core.management.base import BaseCommand

    checked = []
    monkeypatch.setattr(BaseCommand, "check", lambda self, *a, **k: checked.append(1))
    run()
    assert len(checked) == 1
    run()
    assert len(checked) == 1  # same code, same database: checked last time
