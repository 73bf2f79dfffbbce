"""The page cache is shared in production, and every change to a public page bumps it.

The end-to-end proof (two gunicorn workers, an unpublish, every GET a 404) is
`test_page_cache_workers.py`; these tests pin the parts: the production default, the
deployment check, the cache table created by `migrate`, and the bumps made by withdrawal,
retention and results publication, in the process that makes them.
"""

import os
import subprocess
import sys
from datetime import date

import pytest
from django.core.cache import cache
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction
from django.test import override_settings

from livinglab.campaigns import privacy
from livinglab.campaigns.models import Campaign
from livinglab.cms.cache import VERSION_KEY, check_shared_cache, page_cache_version
from livinglab.evaluation.runs import services
from tests.builders import simulate_campaign
from tests.campaigns.conftest import make_user
from tests.conftest import REPO_ROOT

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def production(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`manage.py ARGS` under the production settings (SQLite in a temporary folder)."""
    environment = {
        key: value for key, value in os.environ.items() if key not in ("CACHE_URL", "DATABASE_URL")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="livinglab.settings.production",
        DJANGO_SECRET_KEY="test-" + "k3y-" * 16,
        DJANGO_ALLOWED_HOSTS="livinglab.example.org",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO_ROOT, env=environment,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_production_shares_its_cache_and_refuses_a_per_process_one(tmp_path):
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    default = production("shell", "--no-imports", "-c", code, LIVINGLAB_VAR_DIR=str(tmp_path))
    assert default.stdout.strip().splitlines()[-1] == DATABASE_CACHE, default.stderr
    redis = production(
        "shell", "--no-imports", "-c", code, LIVINGLAB_VAR_DIR=str(tmp_path),
        CACHE_URL="redis://127.0.0.1:6379/5",
    )  # fmt: skip
    assert redis.stdout.strip().endswith("RedisCache"), redis.stderr
    local = production(
        "check", "--deploy", "--fail-level", "WARNING", LIVINGLAB_VAR_DIR=str(tmp_path),
        CACHE_URL="locmemcache://", DJANGO_SECURE_SSL_REDIRECT="true",
    )  # fmt: skip
    assert local.returncode != 0 and "cms.W001" in local.stderr, local.stderr


def test_the_deploy_check_accepts_shared_caches(settings):
    assert [message.id for message in check_shared_cache()] == ["cms.W001"]  # tests: locmem
    settings.CACHES = {"default": {"BACKEND": DATABASE_CACHE, "LOCATION": "livinglab_cache"}}
    assert check_shared_cache() == []


@pytest.mark.django_db
def test_migrate_creates_the_database_cache_table():
    table = "livinglab_cache_probe"
    with override_settings(CACHES={"default": {"BACKEND": DATABASE_CACHE, "LOCATION": table}}):
        assert table not in connection.introspection.table_names()
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        assert table in connection.introspection.table_names()
        cache.set("probe", "shared")
        assert cache.get("probe") == "shared"


@pytest.fixture
def version():
    cache.delete(VERSION_KEY)
    return page_cache_version


@pytest.mark.django_db
def test_a_bump_inside_a_transaction_is_repeated_on_commit(
    version, django_capture_on_commit_callbacks
):
    from livinglab.cms.cache import bump_page_cache_version

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            bump_page_cache_version()
            inside = version()
    assert len(callbacks) == 1 and version() != inside


@pytest.mark.django_db
def test_withdrawal_retention_and_publication_bump_the_page_cache(version):
    campaign = simulate_campaign(slug="cache", n_per_group=12, subgroups=(), sites=2)
    manager = make_user("manager", organisation=campaign.lead_organisation, role="manager")

    before = version()
    participant = campaign.participants.order_by("code").first()
    assert privacy.participant_withdraw(participant=participant, user=manager) == 1
    after_withdrawal = version()
    assert after_withdrawal != before

    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    run = services.evaluation_run_execute(run_id=run.pk)
    campaign.status = Campaign.Status.EVALUATION  # results are published in evaluation only
    campaign.save(update_fields=["status"])
    before = version()
    services.evaluation_run_publish(run=run, user=manager)
    assert version() != before

    campaign.end_date, campaign.retention_months = date(2020, 1, 31), 12
    campaign.save()
    before = version()
    assert privacy.retention_apply(today=date(2026, 1, 1))["campaigns"] == 1
    assert version() != before
