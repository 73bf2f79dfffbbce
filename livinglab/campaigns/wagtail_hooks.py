"""Admin wiring of the campaigns app."""

from django.urls import include, path
from wagtail import hooks

from livinglab.campaigns import (
    audit,  # noqa: F401 - registers the audit log actions
    transfer_views,
)
from livinglab.campaigns.viewsets import CampaignsGroup


@hooks.register("register_admin_viewset")
def register_campaigns_menu():
    return CampaignsGroup()


@hooks.register("register_admin_urls")
def register_transfer_urls():
    urls = (transfer_views.urlpatterns, "campaigns_transfers")
    return [path("campaigns/transfers/", include(urls, namespace="campaigns_transfers"))]
