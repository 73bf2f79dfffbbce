"""Setting entry pages (école, université, entreprise) and the prevention topics they list."""

import hashlib
import json
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from livinglab.campaigns.models import Setting
from livinglab.cms.blocks import RICH_TEXT_FEATURES, ContentBlocks
from livinglab.cms.models.base import AgeGroup, CachedPageMixin

TOPICS_PER_PAGE = 12


class LazyApiFields:
    """A page's `api_fields`, built when the API v2 first reads them: its serializers come from
    Django REST framework (with `django.contrib.postgres` and psycopg: about 0.2 s), which a
    worker, a command or `django.setup()` never needs (issue #15)."""

    def __init__(self, build):
        self.build = build
        self.fields = None

    def __get__(self, instance, owner):
        if self.fields is None:
            from rest_framework.serializers import SlugRelatedField

            def slugs(slug_field: str) -> SlugRelatedField:
                return SlugRelatedField(many=True, read_only=True, slug_field=slug_field)

            self.fields = self.build(slugs)
        return self.fields


class TopicFormat(models.TextChoices):
    WORKSHOP = "workshop", _("Atelier")
    TALK = "talk", _("Séance d'information")
    GAME = "game", _("Jeu ou quiz")
    PROGRAMME = "programme", _("Programme en plusieurs séances")
    POSTERS = "posters", _("Affichage et supports")
    DIGITAL = "digital", _("Ressource numérique")


class EvidenceLevel(models.TextChoices):
    VALIDATED = "validated", _("Validée (efficacité démontrée)")
    PROMISING = "promising", _("Prometteuse")
    INNOVATIVE = "innovative", _("Innovante (à évaluer)")


class OnePage(Sequence):
    """The page of a list a paginator is asked for, kept without the rest of the list: its
    length is the whole list's, and only its own slice can be read."""

    def __init__(self, items: list, *, total: int, number: int):
        self.items, self.total = items, total
        self.offset = (number - 1) * TOPICS_PER_PAGE

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice) or (index.start or 0) != self.offset:
            raise IndexError("only the kept page can be read")
        return self.items[: index.stop - self.offset]


class SettingIndexPage(CachedPageMixin, Page):
    """The way in for one audience: an introduction and a filterable list of topics."""

    setting = models.CharField(_("milieu"), max_length=20, choices=Setting.choices)
    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("setting"), FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.TopicPage", "cms.ResourceKitPage"]
    api_fields = ["setting", "introduction"]
    # The filters (`forms.TopicFilterForm`) and the page number: a filtered listing is cached.
    cache_query_parameters = ("theme", "age_group", "format", "duration", "page")

    class Meta:
        verbose_name = _("page d'un milieu")
        verbose_name_plural = _("pages des milieux")

    def get_context(self, request, *args, **kwargs):
        from livinglab.cms.forms import TopicFilterForm
        from livinglab.cms.selectors import setting_age_groups, topics_for_listing
        from livinglab.cms.sitewide import per_publish, site_data

        context = super().get_context(request, *args, **kwargs)
        shared = site_data(request)
        age_groups = per_publish(
            request,
            self,
            "ages",
            lambda: setting_age_groups(
                locale_id=self.locale_id, setting=self.setting, site_data=shared
            ),
        )
        form = TopicFilterForm(request.GET or None, vocabulary=shared, age_groups=age_groups)
        filters = form.cleaned_data if form.is_valid() else {}

        def listed() -> dict:
            topics = topics_for_listing(
                locale_id=self.locale_id, setting=self.setting, site_data=shared, **filters
            )
            shown = Paginator(topics, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
            return {"count": shown.paginator.count, "number": shown.number, "items": list(shown)}

        # One entry per filter combination and page number asked for, as the page cache keeps
        # one page per such address (`cache_query_parameters`).
        chosen = sorted(
            (name, getattr(value, "pk", value)) for name, value in filters.items() if value
        )
        asked = json.dumps([chosen, request.GET.get("page", "")])
        key = "topics:" + hashlib.sha256(asked.encode()).hexdigest()
        shown = per_publish(request, self, key, listed)
        context["filter_form"] = form
        context["topics"] = Paginator(
            OnePage(shown["items"], total=shown["count"], number=shown["number"]),
            TOPICS_PER_PAGE,
        ).page(shown["number"])
        context["query_without_page"] = request.GET.copy()
        context["query_without_page"].pop("page", None)
        return context


class TopicPage(CachedPageMixin, Page):
    """A prevention topic staff can run with their own audience."""

    summary = models.TextField(_("résumé"), max_length=400)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(_("texte alternatif de l'image"), max_length=250, blank=True)
    themes = ParentalManyToManyField(
        "campaigns.Theme", verbose_name=_("thèmes"), related_name="topic_pages"
    )
    target_settings = ParentalManyToManyField(
        "campaigns.CampaignSetting", verbose_name=_("milieux"), related_name="topic_pages"
    )
    age_groups = ParentalManyToManyField(
        AgeGroup, verbose_name=_("tranches d'âge"), related_name="topic_pages"
    )
    audience = models.CharField(_("pour qui"), max_length=255)
    format = models.CharField(_("format"), max_length=20, choices=TopicFormat.choices)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))
    material = models.TextField(_("matériel"), blank=True)
    how_to = RichTextField(_("comment l'animer"), features=RICH_TEXT_FEATURES)
    body = StreamField(ContentBlocks(), verbose_name=_("contenu"), blank=True)
    sources = RichTextField(_("sources"), features=["link", "ol", "ul", "italic"], blank=True)
    evidence_level = models.CharField(
        _("niveau de preuve"), max_length=20, choices=EvidenceLevel.choices
    )
    related_campaigns = ParentalManyToManyField(
        "cms.CampaignPage", verbose_name=_("campagnes liées"), blank=True, related_name="+"
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        MultiFieldPanel(
            [
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("target_settings"),
                FieldPanel("age_groups"),
            ],
            heading=_("Classement"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldRowPanel([FieldPanel("format"), FieldPanel("duration_minutes")]),
                FieldPanel("material"),
                FieldPanel("how_to"),
            ],
            heading=_("Fiche pratique"),
        ),
        FieldPanel("body"),
        FieldPanel("evidence_level"),
        FieldPanel("sources"),
        FieldPanel("related_campaigns"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("audience"),
        index.SearchField("how_to"),
        index.SearchField("body"),
        index.AutocompleteField("summary"),
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.FilterField("format"),
        index.FilterField("evidence_level"),
    ]
    parent_page_types = ["cms.SettingIndexPage"]
    subpage_types = ["cms.ResourceKitPage"]
    api_fields = LazyApiFields(
        lambda slugs: [
            "summary",
            APIField("themes", serializer=slugs("slug")),
            APIField("age_groups", serializer=slugs("code")),
            APIField("target_settings", serializer=slugs("code")),
            "audience",
            "format",
            "duration_minutes",
            "material",
            "how_to",
            "body",
            "sources",
            "evidence_level",
        ]
    )

    class Meta:
        verbose_name = _("thème de prévention")
        verbose_name_plural = _("thèmes de prévention")

    def clean(self):
        super().clean()
        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Une image doit avoir un texte alternatif.")})
