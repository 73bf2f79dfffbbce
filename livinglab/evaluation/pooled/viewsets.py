"""Admin screen of the pooled evidence (read only), in the evaluation menu."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSet

from livinglab.evaluation.pooled import admin_views


class PooledEvidenceViewSet(ViewSet):
    menu_label = _("Résultats groupés")
    icon = "table"
    menu_order = 222
    url_prefix = "evaluation-pooled"

    def get_urlpatterns(self):
        return [path("", admin_views.pooled_index, name="index")]
