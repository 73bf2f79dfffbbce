"""Moderated experience sharing: visitors submit testimonies, editors approve them."""

from django.db import models
from django.db.models import F
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from livinglab.campaigns.models import Setting
from livinglab.cms.blocks import RICH_TEXT_FEATURES
from livinglab.cms.models.base import RoutedPageMixin
from livinglab.core.client import client_address

TESTIMONIES_SHOWN = 50


class ExperienceIndexPage(RoutedPageMixin, Page):
    """Not cached: the form carries a CSRF token and a signed start time."""

    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("page des retours d'expérience")
        verbose_name_plural = _("pages des retours d'expérience")

    def serve(self, request, *args, **kwargs):
        from livinglab.cms.forms import TestimonyForm
        from livinglab.cms.services import testimony_receive

        status = 200
        form = TestimonyForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            outcome = testimony_receive(
                page=self, form=form, client_ip=client_address(request) or "unknown"
            )
            if outcome == "received":
                return redirect(f"{self.url}?merci=1#temoigner")
            status = 429 if outcome == "rate_limited" else 400
        context = self.get_context(request, *args, **kwargs)
        context["form"] = form
        context["thanks"] = request.GET.get("merci") == "1"
        context["rate_limited"] = status == 429
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The testimonies sent from every language's copy of this page, each with its language.
        approved = Testimony.objects.filter(
            page__translation_key=self.translation_key, status=Testimony.Status.APPROVED
        ).annotate(language=F("page__locale__language_code"))
        context["testimonies"] = approved.order_by("-submitted_at")[:TESTIMONIES_SHOWN]
        return context


class Testimony(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("À modérer")
        APPROVED = "approved", _("Publié")
        REJECTED = "rejected", _("Refusé")

    class Role(models.TextChoices):
        STAFF = "staff", _("Personnel (enseignant, RH, santé au travail…)")
        PARTICIPANT = "participant", _("Participant ou participante")
        PARTNER = "partner", _("Partenaire (association, professionnel de santé…)")

    page = models.ForeignKey(
        ExperienceIndexPage, on_delete=models.CASCADE, related_name="testimonies"
    )
    author_name = models.CharField(_("prénom ou pseudonyme"), max_length=80)
    role = models.CharField(_("vous êtes"), max_length=20, choices=Role.choices)
    setting = models.CharField(_("milieu"), max_length=20, choices=Setting.choices)
    text = models.TextField(_("témoignage"), max_length=2000)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    submitted_at = models.DateTimeField(_("reçu le"), auto_now_add=True)

    panels = [
        FieldPanel("status"),
        FieldPanel("author_name"),
        FieldPanel("role"),
        FieldPanel("setting"),
        FieldPanel("text"),
    ]

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("témoignage")
        verbose_name_plural = _("témoignages")

    def __str__(self):
        return f"{self.author_name} — {self.text[:50]}"
