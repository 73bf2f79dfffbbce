"""A run's files (results, charts, PDF) are never public files: private storage only.

Unpublished results used to be written under MEDIA_ROOT at guessable paths
(`runs/<id>/results.json`): served by `runserver` in development (livinglab/urls.py adds
MEDIA_URL when DEBUG is on) and by any deployment that serves `/media/`. They now live in the
private storage (`STORAGES["private"]`) and leave it only through permission-checked views.
"""

import importlib
import importlib.util
import sys
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.utils import timezone

from livinglab.campaigns.models import Membership
from livinglab.demo.accounts import ensure_role_groups
from livinglab.evaluation.models import EvaluationRun
from livinglab.evaluation.runs import services
from livinglab.settings import base as base_settings
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db

PROJECT_URLS = Path(__file__).resolve().parents[2] / "livinglab" / "urls.py"
DEV_URLCONF = "tests_evaluation_dev_urlconf"


@pytest.fixture
def campaign():
    return simulate_campaign(slug="fichiers", n_per_group=30, subgroups=())


@pytest.fixture
def run(campaign):
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    return services.evaluation_run_execute(run_id=run.pk)


@pytest.fixture
def evaluator(django_user_model, campaign):
    ensure_role_groups()
    user = django_user_model.objects.create_user("evaluatrice", password="x")
    user.groups.add(Group.objects.get(name="Évaluateurs"))
    Membership.objects.create(user=user, organisation=campaign.lead_organisation, role="evaluator")
    return user


@pytest.fixture
def dev_urls(settings):
    """The project's URL configuration as `runserver` builds it with DEBUG on (dev settings)."""
    settings.DEBUG = True
    spec = importlib.util.spec_from_file_location(DEV_URLCONF, PROJECT_URLS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # `if settings.DEBUG:` adds the MEDIA_URL route
    sys.modules[DEV_URLCONF] = module
    settings.ROOT_URLCONF = DEV_URLCONF
    yield module
    sys.modules.pop(DEV_URLCONF, None)


def run_paths(run) -> list[str]:
    files = [run.artifacts[key] for key in ("json", "csv", "xlsx", "pdf")]
    for chart in run.artifacts["charts"]:
        files += [chart["png"], chart["svg"]]
    return files


def test_dev_server_serves_media_but_no_run_file(client, run, dev_urls, settings):
    # The dev URL configuration does serve MEDIA_URL: a real media file comes back...
    default_storage.save("images/visible.txt", ContentFile(b"public"))
    assert client.get("/media/images/visible.txt").status_code == 200
    # ...but no file of the run is there, whatever its name.
    chart = run.artifacts["charts"][0]
    for path in (f"runs/{run.pk}/results.json", f"runs/{run.pk}/report.pdf",
                 f"runs/{run.pk}/{chart['name']}.png", *run_paths(run)):  # fmt: skip
        assert client.get(f"/media/{path}").status_code == 404, path


def test_no_run_file_under_media_root(client, run, settings):
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]
    assert client.get(f"/media/runs/{run.pk}/results.json").status_code == 404  # production
    private = storages["private"]
    for path in run_paths(run):
        assert private.exists(path), path
    # The default private folder is not inside the default media folder either.
    assert (
        not Path(base_settings.PRIVATE_ROOT)
        .resolve()
        .is_relative_to(Path(base_settings.MEDIA_ROOT).resolve())
    )


def test_checked_views_read_the_private_files(client, run, evaluator):
    private = storages["private"]
    client.force_login(evaluator)
    response = client.get(f"/evaluation/runs/{run.pk}/download/pdf")
    with private.open(run.artifacts["pdf"], "rb") as stored:
        assert response.status_code == 200 and response.content == stored.read()
    chart = run.artifacts["charts"][0]
    response = client.get(f"/evaluation/runs/{run.pk}/charts/{chart['name']}.png")
    with private.open(chart["png"], "rb") as stored:
        assert response.status_code == 200 and response.content == stored.read()
    assert client.get(f"/evaluation/runs/{run.pk}/download/json").content.startswith(b"{")


def test_public_files_of_a_published_run_come_from_private_storage(client, run):
    chart = run.artifacts["charts"][0]
    public_chart = f"/evaluation/public/runs/{run.pk}/charts/{chart['name']}.svg"
    assert client.get(public_chart).status_code == 404  # not published yet
    EvaluationRun.objects.filter(pk=run.pk).update(published_at=timezone.now())
    response = client.get(public_chart)
    with storages["private"].open(chart["svg"], "rb") as stored:
        assert response.status_code == 200 and response.content == stored.read()
    report = client.get(f"/evaluation/public/runs/{run.pk}/report.pdf")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")


def test_any_storage_backend_fits(client, campaign, evaluator, settings):
    """Only the Storage API is used (no filesystem path): an in-memory backend works too."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    run = services.evaluation_run_execute(run_id=run.pk)
    assert storages["private"].exists(run.artifacts["json"])
    client.force_login(evaluator)
    chart = run.artifacts["charts"][0]
    assert client.get(f"/evaluation/runs/{run.pk}/charts/{chart['name']}.svg").status_code == 200


def test_migration_moves_existing_files_to_private_storage(run):
    migration = importlib.import_module("livinglab.evaluation.migrations.0003_run_files_private")
    private = storages["private"]
    # A run written before the change: its files in the default (public) storage.
    contents = {}
    for path in run_paths(run):
        with private.open(path, "rb") as handle:
            contents[path] = handle.read()
        private.delete(path)
        assert default_storage.save(path, ContentFile(contents[path])) == path
    missing = run.artifacts["csv"]
    default_storage.delete(missing)  # a file lost since: skipped, not an error
    artifacts_before = run.artifacts

    migration.move_run_files(django_apps, None)

    run.refresh_from_db()
    assert run.artifacts == artifacts_before  # same relative names: nothing to rewrite
    for path, content in contents.items():
        assert not default_storage.exists(path), path
        if path == missing:
            assert not private.exists(path)
            continue
        with private.open(path, "rb") as handle:
            assert handle.read() == content, path
    migration.move_run_files(django_apps, None)  # again: nothing left to move, no error
    assert private.exists(run.artifacts["json"])
