"""English copies of the demo's CMS pages, with the texts of `data/cms_en.json`.

Wagtail's own translation copies (`Page.copy_for_translation`, what simple_translation's
"Translate" action does for editors): each French page named in the data file by its slug gets
an English copy under its parent's English copy, with the English texts, published. Parents are
translated before their children (tree order), so no parent is ever copied as an alias.
Idempotent: a page that already has an English copy is left alone, so a second load writes
nothing. Any page type can be added by slug: the entry's keys are the page's own fields, plus,
for a topic, the parts of its practical sheet and body as `cms.json` writes them.
"""

from django.db import transaction
from wagtail.models import Locale, Page

from livinglab.cms.models import HomePage, KitDocument, ResourceKitPage, TopicPage
from livinglab.demo import content
from livinglab.demo.cms import rich_list, topic_body

LANGUAGE = "en"
WHY_ACT = "Why act"


def topic_fields(entry: dict) -> dict:
    """A topic's fields from its entry: the sheet and body parts become rich text and blocks."""
    fields = {key: value for key, value in entry.items() if key not in TOPIC_PARTS}
    fields["how_to"] = rich_list(entry["steps"], "ol")
    fields["body"] = topic_body(entry, heading=WHY_ACT)
    fields["sources"] = rich_list(entry["sources"])
    return fields


def kit_fields(entry: dict) -> dict:
    return {**entry, "contents": rich_list(entry["contents"])}


TOPIC_PARTS = {"steps", "intro", "figure", "quote", "faq", "sources"}
FIELD_BUILDERS = {TopicPage: topic_fields, ResourceKitPage: kit_fields}


def translate_page(page: Page, locale: Locale, entry: dict) -> tuple[Page, bool]:
    """`page`'s live copy in `locale` with the entry's fields; an existing copy is kept as is."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific, False
    translated = page.copy_for_translation(locale, copy_parents=True, alias=False).specific
    builder = FIELD_BUILDERS.get(type(translated), dict)
    for name, value in builder(entry).items():
        setattr(translated, name, value)
    if isinstance(translated, ResourceKitPage):
        description = ", ".join(entry["contents"])
        translated.documents = [
            KitDocument(document=item.document, description=description, sort_order=item.sort_order)
            for item in translated.documents.all()
        ]
    translated.save_revision().publish()
    return translated, True


def entry_for(home: HomePage, page: Page, entries: dict[str, dict]) -> dict | None:
    """The entry of `page`: by its path below the home page ("ce-qui-marche/ecole"), which
    tells apart pages sharing a slug under different parents, else by its slug alone."""
    path = page.url_path[len(home.url_path) :].strip("/")
    return entries.get(path) or entries.get(page.slug)


def translate_by_slug(home: HomePage, locale: Locale, entries: dict[str, dict]) -> int:
    """Copies of the pages under `home` that `entries` names (by path or slug), parents first."""
    slugs = {key.rsplit("/", 1)[-1] for key in entries}
    pages = home.get_descendants().filter(slug__in=slugs).order_by("path").specific()
    created = 0
    for page in pages:
        entry = entry_for(home, page, entries)
        if entry is None:
            continue
        _copy, is_new = translate_page(page, locale, entry)
        created += is_new
    return created


@transaction.atomic
def load(*, stdout) -> None:
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        return
    data = content.read("cms_en")
    locale, _created = Locale.objects.get_or_create(language_code=LANGUAGE)
    _home, home_created = translate_page(home, locale, data["home"])
    created = translate_by_slug(home, locale, data["pages"]) + home_created
    stdout.write(f"CMS : {created} page(s) traduite(s) en anglais.")
