"""The shared indicator catalogue, shipped in fixtures/indicators.json."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from livinglab.campaigns.models import Theme
from livinglab.evaluation.measurement.models import Indicator

CATALOGUE_FILE = Path(settings.BASE_DIR) / "fixtures" / "indicators.json"


@transaction.atomic
def catalogue_load(*, path: Path = CATALOGUE_FILE) -> int:
    """Create or update every indicator of the catalogue file; returns how many it holds."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    for entry in entries:
        entry = dict(entry)
        theme_slugs = entry.pop("themes", [])
        indicator, _created = Indicator.objects.update_or_create(
            code=entry.pop("code"), defaults=entry
        )
        indicator.themes.set([themes[slug] for slug in theme_slugs if slug in themes])
    return len(entries)
