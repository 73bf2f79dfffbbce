"""Public pages of campaigns: partners, co-design story, actions and published results."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from livinglab.cms.blocks import RICH_TEXT_FEATURES, ContentBlocks
from livinglab.cms.models.base import CachedPageMixin


class CampaignIndexPage(CachedPageMixin, Page):
    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CampaignPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("liste des campagnes")
        verbose_name_plural = _("listes des campagnes")

    def get_context(self, request, *args, **kwargs):
        from livinglab.cms.selectors import campaign_pages_for_listing
        from livinglab.cms.sitewide import site_data

        context = super().get_context(request, *args, **kwargs)
        context["campaign_pages"] = campaign_pages_for_listing(
            parent=self, site_data=site_data(request)
        )
        return context


class CampaignPage(CachedPageMixin, Page):
    """A campaign told to the public; its story, costs and results come from the apps, rendered
    once per publish (`cms_tags.campaign_public_sections`)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campagne"),
        on_delete=models.PROTECT,
        related_name="pages",
    )
    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(ContentBlocks(), verbose_name=_("contenu"), blank=True)
    featured = models.BooleanField(_("à la une"), default=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("campaign"),
        FieldPanel("featured"),
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.CampaignIndexPage"]
    subpage_types = []
    api_fields = ["campaign", "introduction", "body", "featured"]

    class Meta:
        verbose_name = _("page de campagne")
        verbose_name_plural = _("pages de campagne")
