"""Admin wiring: testimony moderation and the age-group vocabulary, under one menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from livinglab.cms.models import AgeGroup, Testimony


class TestimonyFilterSet(WagtailFilterSet):
    class Meta:
        model = Testimony
        fields = ["status", "setting", "role"]


class TestimonyViewSet(SnippetViewSet):
    model = Testimony
    icon = "openquote"
    menu_label = _("Témoignages à modérer")
    list_display = ["author_name", "setting", "role", "status", "submitted_at"]
    filterset_class = TestimonyFilterSet
    search_fields = ["author_name", "text"]
    ordering = ["-submitted_at"]


class AgeGroupViewSet(SnippetViewSet):
    model = AgeGroup
    icon = "group"
    list_display = ["name", "name_en", "code", "sort_order"]


class ContentSnippetsGroup(SnippetViewSetGroup):
    menu_label = _("Contenus partagés")
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (TestimonyViewSet, AgeGroupViewSet)


register_snippet(ContentSnippetsGroup)
