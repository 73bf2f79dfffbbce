"""What every public page shares: the age-group vocabulary, cached routing data and
anonymous-page caching."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from livinglab.cms.cache import mark_cacheable


class AgeGroup(models.Model):
    """An age group content is written for (seeded by a migration, editable in the admin)."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("nom"), max_length=100)
    name_en = models.CharField(_("nom (anglais)"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("tranche d'âge")
        verbose_name_plural = _("tranches d'âge")

    def __str__(self):
        return self.name


class RoutedPageMixin:
    """Use the view restrictions the cached site-wide data gave routing (`sitewide.route_below`).

    Only a page instance routed for this request carries them; anything else (the admin, a
    copy, an alias) asks Wagtail, which reads them from the database.
    """

    cms_view_restrictions = None

    def get_view_restrictions(self):
        if self.cms_view_restrictions is None:
            return super().get_view_restrictions()
        return self.cms_view_restrictions

    def get_url(self, request=None, current_site=None):
        """On a public page, the URL in the visitor's language (`i18n.url_for_language`).

        Only requests of the public side carry the site-wide data: the admin's URLs are
        Wagtail's own.
        """
        from livinglab.cms.i18n import url_for_language
        from livinglab.cms.sitewide import REQUEST_ATTRIBUTE

        url = super().get_url(request=request, current_site=current_site)
        data = getattr(request, REQUEST_ATTRIBUTE, None)
        if data is None or not url:
            return url
        return url_for_language(self, url, site_data=data, language=translation.get_language())


class CachedPageMixin(RoutedPageMixin):
    """Let the anonymous page cache keep this page's response (never previews or forms)."""

    cache_anonymous = True
    # The query parameters a stored copy may carry (see `cache.mark_cacheable`).
    cache_query_parameters: tuple[str, ...] = ()

    def serve(self, request, *args, **kwargs):
        if self.cache_anonymous and not getattr(request, "is_preview", False):
            mark_cacheable(request, query_parameters=self.cache_query_parameters)
        return super().serve(request, *args, **kwargs)
