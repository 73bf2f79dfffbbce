"""An outcome not yet in the catalogue, added by the protocol JSON (or the builder), carries its
unit, bounds and direction, so that response imports check its range like any other."""

import pytest

from livinglab.campaigns.models import Site
from livinglab.evaluation.measurement.imports import ImportFailed, responses_import
from livinglab.evaluation.measurement.protocols import (
    ProtocolError,
    protocol_definition,
    protocol_import,
)
from livinglab.evaluation.models import Indicator, Response

pytestmark = pytest.mark.django_db

SLEEP = {
    "indicator": "sleep_hours_school_nights",
    "label": "Heures de sommeil les soirs d'école",
    "scale": "continuous",
    "unit": "heures",
    "min_value": 0,
    "max_value": 24,
    "higher_is_better": True,
    "primary": True,
}


def definition(*outcomes, **extra) -> dict:
    return {
        "campaign": {"slug": "sommeil", "title": "Sommeil"},
        "design": "pre_post",
        "waves": ["baseline", "post"],
        "outcomes": list(outcomes),
        **extra,
    }


def wave_file(value: str) -> bytes:
    return (
        "participant,wave,group,site,sleep_hours_school_nights\n"
        f"S001,baseline,intervention,Collège Jean Moulin,{value}\n"
    ).encode()


@pytest.fixture
def school(db):
    return Site.objects.create(name="Collège Jean Moulin", setting="school", city="Lyon")


def test_a_protocol_created_indicator_keeps_unit_bounds_and_direction():
    protocol_import(definition=definition({**SLEEP, "higher_is_better": False}))
    indicator = Indicator.objects.get(code="sleep_hours_school_nights")
    assert (indicator.unit, indicator.min_value, indicator.max_value) == ("heures", 0, 24)
    assert indicator.higher_is_better is False


def test_minus_seven_hours_of_sleep_is_refused_on_import(school):
    protocol = protocol_import(definition=definition(SLEEP))
    with pytest.raises(ImportFailed) as refused:
        responses_import(
            campaign=protocol.campaign, data=wave_file("-7"), filename="vague.csv",
            create_participants=True,
        )  # fmt: skip
    assert "-7" in str(refused.value.issues[0])
    assert Response.objects.count() == 0
    responses_import(
        campaign=protocol.campaign, data=wave_file("7.5"), filename="vague.csv",
        create_participants=True,
    )  # fmt: skip
    assert Response.objects.get().value == 7.5


def test_a_binary_indicator_created_by_a_protocol_is_bounded_to_zero_and_one():
    protocol_import(
        definition=definition(SLEEP, {"indicator": "naps", "label": "Sieste", "scale": "binary"})
    )
    naps = Indicator.objects.get(code="naps")
    assert (naps.min_value, naps.max_value) == (0, 1)


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        ({"min_value": 24, "max_value": 0}, "borne minimale"),
        ({"min_value": "zéro"}, "nombre"),
    ],
)
def test_inconsistent_bounds_are_refused(bounds, message):
    with pytest.raises(ProtocolError, match=message):
        protocol_import(definition=definition({**SLEEP, **bounds}))
    assert not Indicator.objects.filter(code="sleep_hours_school_nights").exists()


def test_the_export_carries_the_new_indicator_so_another_database_recreates_it():
    protocol = protocol_import(definition=definition(SLEEP))
    exported = protocol_definition(protocol)
    described = exported["indicators"]["sleep_hours_school_nights"]
    assert (described["unit"], described["scale"]) == ("heures", "continuous")
    assert (described["min_value"], described["max_value"]) == (0, 24)
    assert described["higher_is_better"] is True
    # Imported into a database whose catalogue lacks it, the indicator comes back bounded.
    protocol.campaign.delete()
    Indicator.objects.filter(code="sleep_hours_school_nights").delete()
    assert "min_value" not in exported["outcomes"][0]  # the bounds come from `indicators`
    protocol_import(definition=exported)
    recreated = Indicator.objects.get(code="sleep_hours_school_nights")
    assert (recreated.min_value, recreated.max_value, recreated.unit) == (0, 24, "heures")


def test_hashes_of_protocols_without_the_new_keys_do_not_change(campaign):
    """Locked protocols keep their fingerprint: wave labels, indicator bounds and an empty
    multiplicity family are not hashed (value computed before they existed)."""
    from livinglab.evaluation.measurement.protocols import protocol_hash

    expected = "8c64cabbcc37e8903f49530ac0742ccbe843ff045999736764c54612f4f17cab"
    assert protocol_hash(campaign.protocols.get()) == expected


@pytest.mark.parametrize(
    "broken",
    [
        {"wave_windows": ["2027-01-05"]},
        {"wave_labels": "Avant"},
        {"indicators": ["sleep_hours"]},
        {"subgroups": "sex"},
        {"subgroups": ["revenu"]},
        {"outcomes": ["sleep_hours"]},
        {"waves": ["avant tout", "après"]},
        {"wave_windows": {"baseline": ["2027-02-01", "2027-01-01"]}},
        {"wave_windows": {"baseline": ["05/01/2027", None]}},
        {"alpha": "beaucoup"},
    ],
)
def test_malformed_json_is_a_protocol_error_not_a_crash(broken):
    with pytest.raises(ProtocolError):
        protocol_import(definition={**definition(SLEEP), **broken})
