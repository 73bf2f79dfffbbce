"""The Editors group publishes and translates pages, moderates testimonies and promotes search
results (granted after every migrate)."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page

EDITORS_GROUP = "Editors"
# Wagtail's own data migration gives Editors "add" and "change" only: publishing is ours to add.
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
EDITOR_MODEL_PERMISSIONS = (
    ("cms", "view_testimony"),
    ("cms", "change_testimony"),
    ("cms", "delete_testimony"),
    # Promoted search results ("tabagisme" → the tobacco topics): editors keep search findable.
    ("wagtailsearchpromotions", "add_searchpromotion"),
    ("wagtailsearchpromotions", "change_searchpromotion"),
    ("wagtailsearchpromotions", "delete_searchpromotion"),
    # simple_translation's "Translate" action: an English copy of a page to translate.
    ("simple_translation", "submit_translation"),
)


def ensure_editor_permissions(**_signal_kwargs) -> None:
    """Idempotent: page rights on the tree root and testimony moderation for Editors."""
    for label in ("wagtailcore", "cms", "wagtailsearchpromotions", "simple_translation"):
        create_permissions(apps.get_app_config(label), verbosity=0)
    editors, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    editors.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in EDITOR_MODEL_PERMISSIONS
        )
    )
    root = Page.get_first_root_node()
    if root is None:  # a flushed test database: the demo recreates the root, then calls us
        return
    for codename in EDITOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=editors,
            page=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
