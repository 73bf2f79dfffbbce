"""The site root: what the platform is, the year's common theme, and the way into each setting."""

from django.db import models
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page
from wagtail.search import index

from livinglab.cms.models.base import CachedPageMixin


class HomePage(CachedPageMixin, Page):
    introduction = RichTextField(_("introduction"), blank=True)
    annual_theme = models.ForeignKey(
        "campaigns.Theme",
        verbose_name=_("thématique de l'année"),
        help_text=_("Le thème commun choisi par le réseau, mis en avant sur la page d'accueil."),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    annual_theme_text = models.TextField(
        _("présentation de la thématique de l'année"), max_length=400, blank=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        MultiFieldPanel(
            [FieldPanel("annual_theme"), FieldPanel("annual_theme_text")],
            heading=_("Thématique de l'année"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.SettingIndexPage",
        "cms.CampaignIndexPage",
        "cms.ExperienceIndexPage",
        "cms.ToolkitPage",
    ]
    max_count_per_parent = 1
    api_fields = ["introduction", "annual_theme_text"]

    class Meta:
        verbose_name = _("page d'accueil")
        verbose_name_plural = _("pages d'accueil")

    @property
    def localized(self):
        """Itself when the site-wide data already localized it for the active language."""
        from livinglab.cms.sitewide import LOCALIZED_FOR_ATTRIBUTE

        if getattr(self, LOCALIZED_FOR_ATTRIBUTE, None) == translation.get_language():
            return self
        return super().localized

    def route(self, request, path_components):
        from livinglab.cms.sitewide import route_below

        try:
            return route_below(self, request, path_components) or super().route(
                request, path_components
            )
        except Http404:
            # A page not translated yet: the default language's page, under this language's
            # navigation (its content is marked with its own language, see base.html).
            original = self.untranslated_original()
            if original is None:
                raise
            return original.route(request, path_components)

    def untranslated_original(self):
        """The default language's home page when this one is a translation of it, else None."""
        try:
            default = Locale.get_default()
        except Locale.DoesNotExist:
            return None
        if self.locale_id == default.pk:
            return None
        return self.get_translation_or_none(default)

    def get_context(self, request, *args, **kwargs):
        from livinglab.cms.selectors import home_sections
        from livinglab.cms.sitewide import per_publish, site_data

        context = super().get_context(request, *args, **kwargs)
        shared = site_data(request)
        context.update(
            per_publish(request, self, "home", lambda: home_sections(home=self, site_data=shared))
        )
        return context
