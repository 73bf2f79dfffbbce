"""Shared fixtures of the statistics tests: where the public reference data sets live."""

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """Public reference data sets (tests/data/reference/); LIVINGLAB_REFERENCE_DATA overrides."""
    override = os.environ.get("LIVINGLAB_REFERENCE_DATA")
    folder = (
        Path(override) if override else Path(__file__).resolve().parents[1] / "data" / "reference"
    )
    assert folder.is_dir(), f"reference data not found in {folder}"
    return folder
