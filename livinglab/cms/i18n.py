"""Names of shared vocabularies (themes, age groups) in the visitor's language."""

from django.utils.translation import get_language


def localized_name(item) -> str:
    """`name_en` for English visitors when it is filled in, else the French `name`."""
    if (get_language() or "").startswith("en") and getattr(item, "name_en", ""):
        return item.name_en
    return item.name
