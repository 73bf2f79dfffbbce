"""Admin wiring of the evaluation app: catalogue, measurement pages, runs."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

import livinglab.evaluation.runs_admin  # noqa: F401 - registers the runs admin pages
from livinglab.evaluation import admin_views
from livinglab.evaluation.viewsets import IndicatorViewSet


@hooks.register("register_admin_urls")
def register_measurement_urls():
    return [path("measurement/", include((admin_views.urlpatterns, "evaluation_admin")))]


@hooks.register("register_admin_menu_item")
def register_measurement_menu_item():
    return MenuItem(
        _("Mesure et données"), reverse("evaluation_admin:index"), icon_name="table", order=210
    )


@hooks.register("register_admin_viewset")
def register_indicator_catalogue():
    return IndicatorViewSet("indicators")
