""" "Ce qui marche": the network's pooled evidence as toolkit cards (in the spirit of the EEF
Teaching and Learning Toolkit), for every campaign or for one setting and/or one theme."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from livinglab.campaigns.models import Setting
from livinglab.cms.blocks import RICH_TEXT_FEATURES
from livinglab.cms.models.base import CachedPageMixin


class ToolkitPage(CachedPageMixin, Page):
    """One card per catalogue indicator with pooled evidence in the page's stratum."""

    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    # The stratum: empty for every campaign. Pooled evidence is stored overall, per setting and
    # per theme, not per setting × theme: a page takes one of them at most (`clean`).
    setting = models.CharField(
        _("milieu"),
        max_length=20,
        choices=Setting.choices,
        blank=True,
        help_text=_("Vide : les résultats de toutes les campagnes."),
    )
    theme = models.ForeignKey(
        "campaigns.Theme",
        verbose_name=_("thème"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Vide : tous les thèmes."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        FieldRowPanel([FieldPanel("setting"), FieldPanel("theme")], heading=_("Périmètre")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    parent_page_types = ["cms.HomePage", "cms.ToolkitPage"]
    subpage_types = ["cms.ToolkitPage"]
    route_select_related = ("theme",)
    api_fields = ["introduction", "setting"]

    class Meta:
        verbose_name = _("page « Ce qui marche »")
        verbose_name_plural = _("pages « Ce qui marche »")

    def clean(self):
        super().clean()
        if self.setting and self.theme_id:
            raise ValidationError(
                {
                    "theme": _(
                        "Choisissez un milieu ou un thème, pas les deux : les résultats sont "
                        "regroupés par milieu et par thème séparément."
                    )
                }
            )

    def get_context(self, request, *args, **kwargs):
        from livinglab.cms.selectors import toolkit_cards, toolkit_children
        from livinglab.cms.sitewide import per_publish, site_data

        context = super().get_context(request, *args, **kwargs)
        shared = site_data(request)

        def listed() -> dict:
            return {
                "cards": toolkit_cards(
                    setting=self.setting,
                    theme=self.theme,
                    locale_id=self.locale_id,
                    site_data=shared,
                ),
                "children": list(toolkit_children(page=self, site_data=shared)),
            }

        # Pooled evidence, campaign pages and costs: all retired by the version (`cms.apps`).
        context.update(per_publish(request, self, "toolkit", listed))
        return context
