"""Foundation on the demo (loaded once for the module): pages in French and English, and
`load_demo` run again changes nothing."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Site

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


def test_load_demo_is_idempotent(settings, demo):
    settings.DEBUG = True  # the demo's known passwords, without --force
    counts = (get_user_model().objects.count(), HomePage.objects.count(), Site.objects.count())
    call_command("load_demo", stdout=open(os.devnull, "w"))
    assert counts == (
        get_user_model().objects.count(),
        HomePage.objects.count(),
        Site.objects.count(),
    )
    assert counts[1] == 2  # the French home page and its English copy
    assert Site.objects.get(is_default_site=True).root_page.specific.__class__ is HomePage
    roles = set(get_user_model().objects.values_list("username", flat=True))
    assert {"admin", "gestionnaire", "evaluatrice", "editeur"} <= roles
