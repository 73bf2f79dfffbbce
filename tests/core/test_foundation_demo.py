"""Foundation on the demo (loaded once for the module): pages in French and English, and
`prepare_site` (`load_demo` run again: tests/core/test_demo.py)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from livinglab.cms.models import HomePage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """The demo's images stay where the module's `demo` fixture wrote them."""


def test_home_page_and_admin_login_are_served_in_french(client, demo):
    home = client.get("/")
    assert home.status_code == 200
    assert 'lang="fr"' in home.content.decode()
    assert "LivingLab Prévention" in home.content.decode()
    login = client.get("/admin/login/")
    assert login.status_code == 200
    assert "Identifiant" in login.content.decode() or "Nom d’utilisateur" in login.content.decode()


def test_english_is_available_in_the_admin(client, demo):
    from wagtail.users.models import UserProfile

    user = get_user_model().objects.get(username="admin")
    client.force_login(user)
    assert "Tableau de bord" in client.get("/admin/").content.decode()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    assert "Dashboard" in client.get("/admin/").content.decode()


def test_english_visitors_are_served(client, demo):
    response = client.get("/en/")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()
    assert "Skip to content" in response.content.decode()


def test_prepare_site_migrates_loads_the_demo_and_compiles_stale_catalogues(
    settings, tmp_path, demo
):
    from livinglab.demo.management.commands.prepare_site import stale_catalogues

    settings.DEBUG = True
    settings.VAR_DIR = tmp_path  # no demo stamp yet: the demo is loaded (again, on the demo)
    messages = tmp_path / "en" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    )
    settings.LOCALE_PATHS = [tmp_path]
    assert stale_catalogues()
    output = io.StringIO()
    call_command("prepare_site", stdout=output)
    assert not stale_catalogues() and (messages / "django.mo").exists()
    assert "Démo chargée." in output.getvalue()
    assert sorted(HomePage.objects.values_list("locale__language_code", flat=True)) == ["en", "fr"]
