"""Site-wide template helpers: main navigation, language links, localized vocabulary names."""

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info
from wagtail.models import Page, Site

from livinglab.cms.i18n import localized_name as _localized_name

register = template.Library()


@register.filter
def localized_name(item) -> str:
    return _localized_name(item)


@register.simple_tag(takes_context=True)
def main_navigation(context) -> list[Page]:
    """The home page's live children flagged "show in menus", in the visitor's language."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    home = site.root_page.localized
    return list(home.get_children().live().public().in_menu())


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language: this page's live translation, else that language's home."""
    page = context.get("page")
    translations = {}
    if isinstance(page, Page) and page.pk:
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[translation.locale.language_code] = translation.url
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        name = get_language_info(code)["name_local"]
        fallback = "/" if code == settings.LANGUAGE_CODE else f"/{code}/"
        url = translations.get(code, fallback)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links
