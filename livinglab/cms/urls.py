"""Public non-page URLs of the CMS, inside the i18n patterns (/recherche/, /en/recherche/)."""

from django.urls import path

from livinglab.cms import views

urlpatterns = [path("recherche/", views.search, name="cms-search")]
