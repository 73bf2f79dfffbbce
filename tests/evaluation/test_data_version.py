"""A data version per campaign replaces fingerprinting the data in the request (issue #15).

Every write that changes what a run analyses bumps the campaign's data version in its own
transaction; starting a run keys its reuse on (protocol hash, data version) and reads no
response; the worker loads the dataset once and records its real hash.
"""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from livinglab.campaigns.privacy import participant_withdraw, retention_apply
from livinglab.evaluation.measurement.dataversion import data_version
from livinglab.evaluation.measurement.imports import ImportFailed, responses_import
from livinglab.evaluation.measurement.models import Response
from livinglab.evaluation.measurement.protocols import current_protocol
from livinglab.evaluation.runs import services
from livinglab.evaluation.runs.dataset import load_dataset
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db

RESPONSES_TABLE = Response._meta.db_table


def _post_values(campaign, value: float = 3.0) -> bytes:
    """A generic file giving every participant a post value of the primary outcome."""
    indicator = current_protocol(campaign).outcomes.get(primary=True).indicator.code
    codes = campaign.participants.order_by("code").values_list("code", flat=True)
    taken = set(
        Response.objects.filter(participant__campaign=campaign, wave__code="post").values_list(
            "participant__code", flat=True
        )
    )
    rows = [f"{code},post,{value}" for code in codes if code not in taken]
    return ("participant,wave," + indicator + "\n" + "\n".join(rows) + "\n").encode()


def test_starting_a_run_reads_no_response_in_the_request():
    campaign = simulate_campaign(slug="version-no-read", n_per_group=12)
    with CaptureQueriesContext(connection) as queries:
        run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    statements = [query["sql"] for query in queries.captured_queries]
    assert statements, "the start must at least create the run"
    assert not [sql for sql in statements if RESPONSES_TABLE in sql], statements
    assert run.data_version == data_version(campaign.pk)
    assert run.data_hash == ""  # computed by the worker


def test_a_run_loads_its_dataset_once_and_records_its_hash(monkeypatch):
    campaign = simulate_campaign(slug="version-once", n_per_group=12)
    calls = []

    def counting(**kwargs):
        calls.append(kwargs)
        return load_dataset(**kwargs)

    monkeypatch.setattr(services, "load_dataset", counting)
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    run = services.evaluation_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    assert len(calls) == 1
    assert run.data_hash == load_dataset(protocol=current_protocol(campaign)).data_hash()
    assert run.result["data_hash"] == run.data_hash


def test_same_version_reuses_the_run_and_an_import_starts_a_new_one():
    campaign = simulate_campaign(slug="version-import", n_per_group=12, missing=0.3)
    first = services.evaluation_run_start(campaign=campaign, enqueue=False)
    assert services.evaluation_run_start(campaign=campaign, enqueue=False).pk == first.pk
    before = data_version(campaign.pk)
    responses_import(campaign=campaign, data=_post_values(campaign), filename="late.csv")
    assert data_version(campaign.pk) == before + 1
    second = services.evaluation_run_start(campaign=campaign, enqueue=False)
    assert second.pk != first.pk and second.data_version == before + 1


def test_a_refused_or_dry_run_import_leaves_the_version_alone():
    campaign = simulate_campaign(slug="version-refused", n_per_group=12, missing=0.3)
    before = data_version(campaign.pk)
    responses_import(campaign=campaign, data=_post_values(campaign), filename="d.csv", dry_run=True)
    with pytest.raises(ImportFailed):
        unknown = b"participant,wave,sleep_score\nnobody,post,1\n"
        responses_import(campaign=campaign, data=unknown, filename="x.csv")
    assert data_version(campaign.pk) == before


def test_the_bump_belongs_to_the_writing_transaction():
    from livinglab.evaluation.measurement.dataversion import data_changed

    campaign = simulate_campaign(slug="version-rollback", n_per_group=12)
    before = data_version(campaign.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        data_changed(campaign.pk)
        assert data_version(campaign.pk) == before + 1
        raise RuntimeError("rolled back")
    assert data_version(campaign.pk) == before


def test_withdrawal_bumps_the_version():
    campaign = simulate_campaign(slug="version-withdrawal", n_per_group=12)
    before = data_version(campaign.pk)
    participant_withdraw(participant=campaign.participants.first())
    assert data_version(campaign.pk) > before


def test_retention_bumps_the_version():
    campaign = simulate_campaign(slug="version-retention", n_per_group=12)
    campaign.end_date = date(2020, 1, 1)
    campaign.retention_months = 1
    campaign.save(update_fields=["end_date", "retention_months"])
    before = data_version(campaign.pk)
    assert retention_apply()["campaigns"] == 1
    assert data_version(campaign.pk) > before


def test_an_analysed_attribute_of_a_participant_bumps_the_version():
    campaign = simulate_campaign(slug="version-attribute", n_per_group=12)
    participant = campaign.participants.first()
    before = data_version(campaign.pk)
    participant.save(update_fields=["code"])  # not analysed
    assert data_version(campaign.pk) == before
    participant.sex = "other"
    participant.save()
    assert data_version(campaign.pk) == before + 1
    participant.delete()
    assert data_version(campaign.pk) == before + 2


def test_an_online_submission_bumps_the_version():
    from livinglab.evaluation.measurement.questionnaires import (
        questionnaire_context,
        submission_record,
    )

    campaign = simulate_campaign(slug="version-online", n_per_group=12)
    context = questionnaire_context(campaign=campaign, wave_code="baseline")
    before = data_version(campaign.pk)
    submission_record(
        context=context, code="NEWCODE1", values={context.outcomes[0].indicator_id: 1.0}, site=None
    )
    assert data_version(campaign.pk) > before


def test_a_site_setting_change_bumps_the_campaigns_it_splits():
    campaign = simulate_campaign(slug="version-site", n_per_group=12)
    other = simulate_campaign(slug="version-site-other", n_per_group=12, sites=0)
    site = campaign.participants.exclude(site=None).first().site
    before, untouched = data_version(campaign.pk), data_version(other.pk)
    site.setting = "workplace"
    site.save()
    assert data_version(campaign.pk) == before + 1
    assert data_version(other.pk) == untouched


def test_saving_unchanged_values_keeps_the_version():
    """`load_demo` run twice (update_or_create with the same values) must reuse its runs."""
    from livinglab.campaigns.models import Participant, Site

    campaign = simulate_campaign(slug="version-same", n_per_group=12)
    person = campaign.participants.exclude(site=None).first()
    before = data_version(campaign.pk)
    Participant.objects.update_or_create(
        campaign=campaign, code=person.code, defaults={"group": person.group, "sex": person.sex}
    )
    site = Site.objects.get(pk=person.site_id)
    Site.objects.update_or_create(pk=site.pk, defaults={"setting": site.setting})
    Participant.objects.only("code").get(pk=person.pk).save()  # deferred: assume changed
    assert data_version(campaign.pk) == before + 1
    Participant.objects.update_or_create(
        campaign=campaign, code=person.code, defaults={"group": "comparison"}
    )
    assert data_version(campaign.pk) == before + 2
