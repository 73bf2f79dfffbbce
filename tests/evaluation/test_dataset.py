"""From the ORM to arrays: one query per outcome, withdrawn people out, a stable data hash."""

import numpy as np
import pytest

from livinglab.evaluation.measurement.protocols import current_protocol
from livinglab.evaluation.runs.dataset import load_dataset
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db


def test_wide_tables_per_outcome():
    campaign = simulate_campaign(
        slug="dataset", outcomes=(("a", "continuous"), ("b", "binary")), n_per_group=12
    )
    dataset = load_dataset(protocol=current_protocol(campaign))
    assert [o.indicator for o in dataset.outcomes] == ["a", "b"]
    table = dataset.outcomes[0].values
    assert list(table.columns) == ["baseline", "post"] and len(table) <= 12
    assert set(np.unique(dataset.outcomes[1].values.stack())) <= {0.0, 1.0}


def test_query_count(django_assert_num_queries):
    campaign = simulate_campaign(slug="dataset-queries", outcomes=(("a", "continuous"),))
    protocol = current_protocol(campaign)
    # participants, their sites, the withdrawn count, waves, outcomes, responses of "a"
    with django_assert_num_queries(6):
        load_dataset(protocol=protocol)


def test_withdrawn_people_are_left_out_and_change_the_hash():
    campaign = simulate_campaign(slug="dataset-hash", n_per_group=12)
    protocol = current_protocol(campaign)
    first = load_dataset(protocol=protocol)
    assert first.data_hash() == load_dataset(protocol=protocol).data_hash()
    person = campaign.participants.first()
    person.withdrawal_date = "2026-02-01"
    person.save()
    second = load_dataset(protocol=protocol)
    assert person.pk not in second.participants.index
    assert person.pk not in second.outcomes[0].values.index
    assert second.withdrawn == 1 and second.data_hash() != first.data_hash()
