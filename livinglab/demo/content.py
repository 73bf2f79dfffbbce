"""The demo's texts and figures, read from the JSON files in `data/` (read-only dicts and lists)."""

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def read(name: str) -> Any:
    """The parsed `data/<name>.json`; read on each call, so an edited file is taken at once."""
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as file:
        return json.load(file)
