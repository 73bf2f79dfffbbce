"""Downloadable resource kits: a page that says what a kit holds, with its documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from livinglab.cms.blocks import RICH_TEXT_FEATURES
from livinglab.cms.models.base import CachedPageMixin


class ResourceKitPage(CachedPageMixin, Page):
    summary = models.TextField(_("résumé"), max_length=400)
    contents = RichTextField(_("contenu du kit"), features=RICH_TEXT_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("contents"),
        InlinePanel("documents", label=_("documents"), min_num=1),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("contents"),
    ]
    parent_page_types = ["cms.TopicPage", "cms.SettingIndexPage"]
    subpage_types = []
    api_fields = ["summary", "contents", "documents"]

    class Meta:
        verbose_name = _("kit de ressources")
        verbose_name_plural = _("kits de ressources")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["kit_documents"] = self.documents.select_related("document")
        return context


class KitDocument(Orderable):
    page = ParentalKey(ResourceKitPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    description = models.CharField(_("ce qu'il contient"), max_length=250, blank=True)

    panels = [FieldPanel("document"), FieldPanel("description")]
    api_fields = ["document", "description"]

    class Meta(Orderable.Meta):
        verbose_name = _("document du kit")
        verbose_name_plural = _("documents du kit")

    def __str__(self):
        return self.document.title
