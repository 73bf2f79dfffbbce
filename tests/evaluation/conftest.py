"""Shared fixtures of the statistics tests: where the public reference data sets live."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from livinglab.campaigns.models import Campaign, Site

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """Public reference data sets (tests/data/reference/); LIVINGLAB_REFERENCE_DATA overrides."""
    override = os.environ.get("LIVINGLAB_REFERENCE_DATA")
    folder = (
        Path(override) if override else Path(__file__).resolve().parents[1] / "data" / "reference"
    )
    assert folder.is_dir(), f"reference data not found in {folder}"
    return folder


@pytest.fixture
def campaign(db):
    """The campaign of tests/data/imports/protocol.json, with the two sites its files name."""
    call_command("import_protocol", str(DATA / "protocol.json"), stdout=io.StringIO())
    for name, postcode in (("Collège Jean Moulin", "69003"), ("Lycée Marie Curie", "69008")):
        Site.objects.create(name=name, setting="school", city="Lyon", postcode=postcode)
    return Campaign.objects.get(slug="test-import")
