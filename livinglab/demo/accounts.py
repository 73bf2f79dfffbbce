"""Demo data shared by every app: the site, its home page, reference data, one account per role."""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from livinglab.campaigns.models import CampaignSetting, Theme
from livinglab.campaigns.seeds import seed_settings_and_themes
from livinglab.cms.models import AgeGroup, HomePage
from livinglab.cms.seeds import seed_age_groups
from livinglab.demo import content


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    groups: tuple[str, ...] = ()
    is_superuser: bool = False


CAMPAIGN_MANAGERS_GROUP = "Gestionnaires de campagne"
EVALUATORS_GROUP = "Évaluateurs"
EDITORS_GROUP = "Editors"  # created by Wagtail's own migrations
# Manages the demo campaigns' lead organisation (see campaigns.py); publishes the demo runs.
MANAGER_USERNAME = "gestionnaire"

DEMO_ACCOUNTS = (
    DemoAccount("admin", "demo-admin-2026", "superuser", is_superuser=True),
    DemoAccount(
        MANAGER_USERNAME, "demo-gestion-2026", "campaign manager", (CAMPAIGN_MANAGERS_GROUP,)
    ),
    DemoAccount("evaluatrice", "demo-eval-2026", "evaluator", (EVALUATORS_GROUP,)),
    DemoAccount("editeur", "demo-edit-2026", "editor", (EDITORS_GROUP,)),
)


def ensure_reference_data() -> None:
    """Settings, themes and age groups come from data migrations; a flushed database lacks them."""
    if Theme.objects.exists() and CampaignSetting.objects.exists() and AgeGroup.objects.exists():
        return
    seed_settings_and_themes(apps)
    seed_age_groups(apps)


def ensure_role_groups() -> None:
    """Groups whose members may enter the Wagtail admin (object rights come from memberships)."""
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    # Wagtail's migrations create Editors with page permissions; a flushed test DB lacks it.
    for name in (CAMPAIGN_MANAGERS_GROUP, EVALUATORS_GROUP, EDITORS_GROUP):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)


def ensure_demo_accounts() -> list[DemoAccount]:
    """Create or reset one account per role; the same call twice changes nothing."""
    user_model = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, _created = user_model.objects.get_or_create(username=account.username)
        user.email = f"{account.username}@demo.livinglab.invalid"
        user.is_superuser = user.is_staff = account.is_superuser
        user.set_password(account.password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=account.groups))
    return list(DEMO_ACCOUNTS)


def ensure_page_tree_root() -> Page:
    """The default locale and the tree root (made by Wagtail's migrations, gone after a flush)."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    return root


def ensure_home_page() -> HomePage:
    """One French home page as the default site's root, replacing Wagtail's welcome page."""
    root = ensure_page_tree_root()
    spec = content.read("site")
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        home = HomePage(**spec["home"])
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    site.root_page = home
    site.site_name = spec["site_name"]
    site.save()
    # Wagtail's migration adds a placeholder "Welcome" page; it has no place on our site.
    Page.objects.filter(depth=2, content_type__model="page").exclude(pk=home.pk).delete()
    return home


@transaction.atomic
def load_core_demo() -> list[DemoAccount]:
    """Site, home page, reference data, groups and demo accounts."""
    ensure_home_page()
    ensure_reference_data()
    ensure_role_groups()
    return ensure_demo_accounts()
