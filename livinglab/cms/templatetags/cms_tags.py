"""Site-wide template helpers: main navigation, language links, breadcrumb, localized names.

The navigation and the language links come from the site-wide data (`cms.sitewide`), computed
once per publish; the breadcrumb reuses the ancestors routing read.
"""

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info
from wagtail.models import Page

from livinglab.cms.i18n import localized_name as _localized_name
from livinglab.cms.sitewide import site_data

register = template.Library()


@register.filter
def localized_name(item) -> str:
    return _localized_name(item)


@register.simple_tag(takes_context=True)
def main_navigation(context) -> list[Page]:
    """The home page's live public children flagged "show in menus", in the visitor's language."""
    request = context.get("request")
    return site_data(request).navigation if request else []


@register.simple_tag(takes_context=True)
def content_language(context, page) -> str:
    """The language of `page`'s content when it is not the visitor's (a page, or a listed page,
    not translated yet), else an empty string: templates mark it with `lang`."""
    request = context.get("request")
    if not isinstance(page, Page) or request is None:
        return ""
    code = site_data(request).language_codes.get(page.locale_id, "")
    return code if code and code != get_language() else ""


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language: this page's live translation, else that language's home."""
    page = context.get("page")
    request = context.get("request")
    translations = {}
    current = get_language()
    if isinstance(page, Page) and page.pk and request:
        translations = site_data(request).language_urls(page)
        translations.setdefault(current, request.path)  # an untranslated page, shown here
    links = []
    for code, _name in settings.LANGUAGES:
        name = get_language_info(code)["name_local"]
        fallback = "/" if code == settings.LANGUAGE_CODE else f"/{code}/"
        url = translations.get(code, fallback)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.simple_tag
def breadcrumb_ancestors(page: Page | None) -> list[Page]:
    """The page's ancestors from the home page down: those routing read, else from the tree."""
    if not isinstance(page, Page):
        return []  # a view that is not a page (and has no ancestors to show)
    ancestors = getattr(page, "cms_ancestors", None)
    if ancestors is not None:
        return ancestors
    return list(page.get_ancestors())[1:]
