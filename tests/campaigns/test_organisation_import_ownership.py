"""An organisations import matches rows by name: it must not let a manager overwrite another
organisation's details (kind, city, region, website) that every campaign of it shows."""

import pytest

from livinglab.campaigns import transfers
from livinglab.campaigns.models import Organisation

pytestmark = pytest.mark.django_db

HEADER = "name,kind,city,region,website"


def run_import(user, *rows: str, dry_run: bool = False):
    content = "\n".join([HEADER, *rows, ""]).encode()
    return transfers.records_import(
        kind=transfers.KINDS["organisations"],
        dataset=transfers.read_dataset(content=content, filename="organisations.csv"),
        user=user,
        dry_run=dry_run,
    )


def row_of(organisation: Organisation, **changes) -> str:
    values = {
        "name": organisation.name,
        "kind": organisation.kind,
        "city": organisation.city,
        "region": organisation.region,
        "website": organisation.website,
        **changes,
    }
    return ",".join(values[name] for name in HEADER.split(","))


def test_a_foreign_manager_cannot_overwrite_an_organisation_by_import(world):
    lead = world["lead"]
    before = (lead.kind, lead.city, lead.region, lead.website)
    with pytest.raises(transfers.ImportRefused) as refused:
        run_import(
            world["users"]["outsider"],
            "Association Nouvelle,association,Sète,Occitanie,",
            row_of(lead, city="Ailleurs", website="https://example.org/pirate"),
        )
    errors = [str(error) for error in refused.value.errors]
    assert any("ligne 3, colonne city" in error for error in errors), errors
    assert any("ligne 3, colonne website" in error for error in errors), errors
    assert any(lead.name in error and "gestionnaire" in error for error in errors), errors
    lead.refresh_from_db()
    assert (lead.kind, lead.city, lead.region, lead.website) == before
    assert not Organisation.objects.filter(name="Association Nouvelle").exists()  # atomic


def test_a_foreign_row_repeating_the_values_is_skipped(world):
    report = run_import(world["users"]["outsider"], row_of(world["lead"]))
    assert (report.errors, report.updated, report.new) == ([], 0, 0)


def test_a_manager_updates_their_own_organisation_and_adds_new_ones(world):
    lead = world["lead"]
    report = run_import(
        world["users"]["manager"],
        row_of(lead, city="Nîmes"),
        "Association Nouvelle,association,Sète,Occitanie,",
    )
    assert (report.errors, report.updated, report.new) == ([], 1, 1)
    lead.refresh_from_db()
    assert lead.city == "Nîmes"
