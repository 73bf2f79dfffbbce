"""What a visitor reads in their language: names of shared vocabularies (themes, age groups),
and the URL at which a page is shown to them."""

from django.conf import settings
from django.utils.translation import get_language


def localized_name(item) -> str:
    """`name_en` for English visitors when it is filled in, else the French `name`."""
    if (get_language() or "").startswith("en") and getattr(item, "name_en", ""):
        return item.name_en
    return item.name


def url_for_language(page, url: str, *, site_data, language: str) -> str:
    """Where to send a visitor reading `language` to `page` (whose own URL is `url`).

    Its translation's URL when it has a live one; else, for a page of the default language, its
    own path under the language's prefix: it is served there with the visitor's navigation and
    marked as untranslated (`HomePage.route` falls back to the default language's tree).
    """
    page_language = site_data.language_codes.get(page.locale_id)
    if not language or page_language in (None, language) or not url.startswith("/"):
        return url
    translated = site_data.translation_urls.get(str(page.translation_key), {}).get(language)
    if translated:
        return translated
    if page_language == settings.LANGUAGE_CODE and language != settings.LANGUAGE_CODE:
        return f"/{language}{url}"
    return url
