"""Acceptance 2 (issue 16): publishing and then withdrawing a run updates the pooled figures and
the rendered "Ce qui marche" page, through the real Celery path.

The publication commits in this process (which retires the cached pages at once), the receiver
queues `evaluation.pooled_evidence`, and a real worker process recomputes the meta-analysis and
sends `pooled_evidence_computed`, which retires the cached pages again *from the worker*: a
visitor who looked at the page between the publication and the recomputation must not keep the
old figures. To see that second retirement, the worker stops consuming its queue during each
publication and the page is requested (and cached) then, with the old figures; once the worker
consumes again, the page must change. The worker shares this process's cache as production
processes do (here the database cache; the session's worker keeps a cache of its own, so this
test starts its own worker on a queue of its own).
"""

import re
import socket
import time
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from wagtail.models import Locale, Page, Site

from livinglab.celery import app
from livinglab.cms.models import HomePage, ToolkitPage
from livinglab.evaluation.models import Indicator
from livinglab.evaluation.pooled.selectors import pooled_evidence_for
from livinglab.evaluation.pooled.services import pooled_evidence_compute
from livinglab.evaluation.runs import services
from tests.conftest import start_worker, stop_worker
from tests.evaluation.pooled_builders import campaign_with_run, result_row

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CACHE_TABLE = "livinglab_test_shared_cache"
TASK = "evaluation.pooled_evidence"


def wait_for(predicate, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@pytest.fixture
def shared_cache(settings):
    """This process and the worker below use one database cache, as production processes do."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
        }
    }
    call_command("createcachetable", verbosity=0)
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def set_task_routes(routes) -> None:
    """Route tasks by `routes` from now on in this process. The producer's router is cached
    with the route table of its creation: drop it too, or a later test keeps sending the
    pooled-evidence task to this test's queue, which no worker consumes any more."""
    app.conf.task_routes = routes
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


@pytest.fixture
def pooled_worker(shared_cache, tmp_path):
    """A real worker on the shared cache, consuming the pooled-evidence task on its own queue."""
    queue = f"{django_settings.CELERY_TASK_DEFAULT_QUEUE}-toolkit"
    routes = app.conf.task_routes
    set_task_routes({TASK: {"queue": queue}})
    hostname = f"toolkit-{queue}@{socket.gethostname()}"
    process = start_worker(
        queue=queue,
        log_path=tmp_path / "toolkit-worker.log",
        hostname=hostname,
        extra_env={"CACHE_URL": f"dbcache://{CACHE_TABLE}", "CELERY_QUEUE": queue},
    )
    process.hostname = hostname
    try:
        yield process
    finally:
        stop_worker(process)
        set_task_routes(routes)


def toolkit_page() -> ToolkitPage:
    """A published home and "Ce qui marche" page, whatever the flushes left behind."""
    locale, _ = Locale.objects.get_or_create(language_code=django_settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = HomePage(title="Accueil", slug="accueil-toolkit", locale=locale)
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
    page = ToolkitPage(title="Ce qui marche", slug="ce-qui-marche", locale=locale)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


@contextmanager
def worker_paused(worker):
    """The worker consumes nothing from its queue inside the block (Celery remote control)."""
    destination = [worker.hostname]
    assert app.control.cancel_consumer(worker.queue, destination=destination, reply=True)
    try:
        yield
    finally:
        assert app.control.add_consumer(worker.queue, destination=destination, reply=True)


def strength_on(client, url: str) -> str:
    html = client.get(url).content.decode()
    match = re.search(r'class="toolkit-strength">([^<]*)<', html)
    return match.group(1) if match else ""


def test_publishing_and_withdrawing_update_the_toolkit_page(
    pooled_worker, client, django_user_model
):
    page = toolkit_page()
    campaign_with_run("lycee-a", result_row(estimate=0.3, ci_low=0.1, ci_high=0.5))
    campaign_with_run("lycee-b", result_row(estimate=0.6, ci_low=0.3, ci_high=0.9))
    third = campaign_with_run(
        "lycee-c", result_row(estimate=0.4, ci_low=0.2, ci_high=0.6), published=False
    )
    indicator = Indicator.objects.get(code="sleep_score")
    pooled_evidence_compute(indicator=indicator, charts=False)
    before = pooled_evidence_for(indicator)
    assert strength_on(client, page.url) == "2 campagnes, 80 participants"
    manager = django_user_model.objects.create_superuser("publication", password="x")

    with worker_paused(pooled_worker):
        services.evaluation_run_publish(run=third, user=manager)
        # a visitor before the recomputation: rendered again (the publication retired the
        # cache in this process) and cached with the old figures
        assert strength_on(client, page.url) == "2 campagnes, 80 participants"

    def recomputed(after):
        def check():
            evidence = pooled_evidence_for(indicator)
            return evidence is not None and evidence.computed_at > after.computed_at

        return check

    assert wait_for(recomputed(before)), "the worker did not recompute the pooled evidence"
    published = pooled_evidence_for(indicator)
    assert published.campaigns == 3
    assert wait_for(lambda: strength_on(client, page.url) == "3 campagnes, 120 participants")
    assert "Lycee C" in client.get(page.url).content.decode()

    with worker_paused(pooled_worker):
        services.evaluation_run_withdraw(run=third, user=manager, reason="Données à corriger")
        assert strength_on(client, page.url) == "3 campagnes, 120 participants"
    assert wait_for(recomputed(published)), "the worker did not recompute after the withdrawal"
    assert pooled_evidence_for(indicator).campaigns == 2
    assert wait_for(lambda: strength_on(client, page.url) == "2 campagnes, 80 participants")
    assert "Lycee C" not in client.get(page.url).content.decode()
