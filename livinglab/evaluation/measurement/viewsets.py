"""The measurement admin as Wagtail viewsets: per-campaign measurement pages and the indicator
catalogue (everyone reads it, superusers edit it)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet

from livinglab.evaluation.measurement import definition_views, views
from livinglab.evaluation.measurement.models import Indicator


class MeasurementViewSet(ViewSet):
    menu_label = _("Mesure et données")
    icon = "table"
    menu_order = 210
    url_prefix = "measurement"

    def get_urlpatterns(self):
        return [
            path("", views.campaign_index, name="index"),
            path("<int:campaign_id>/", views.campaign_measurement, name="measurement"),
            path("<int:campaign_id>/import/", views.responses_upload, name="upload"),
            path(
                "<int:campaign_id>/questionnaire-tool/",
                definition_views.definition_view,
                name="definition",
            ),
            path("<int:campaign_id>/mapping/", definition_views.mapping_view, name="mapping"),
            path(
                "<int:campaign_id>/protocol-draft/",
                definition_views.protocol_draft_view,
                name="protocol_draft",
            ),
            path("<int:campaign_id>/lock/", views.protocol_lock_view, name="lock"),
            path("<int:campaign_id>/matches/<int:match_id>/", views.code_match_view, name="match"),
            path(
                "<int:campaign_id>/duplicates/<int:pending_id>/",
                views.duplicate_resolve_view,
                name="duplicate",
            ),
            path(
                "<int:campaign_id>/questionnaire/",
                views.questionnaire_settings_view,
                name="questionnaire_settings",
            ),
            path(
                "<int:campaign_id>/waves/<int:wave_id>/key/", views.wave_key_view, name="wave_key"
            ),
            path(
                "<int:campaign_id>/waves/<int:wave_id>/qrcode.svg",
                views.wave_qrcode_view,
                name="wave_qrcode",
            ),
        ]


class IndicatorViewSet(ModelViewSet):
    model = Indicator
    icon = "list-ul"
    menu_label = _("Indicateurs")
    menu_order = 215
    list_display = ["code", "label", "scale", "unit", "instrument"]
    list_filter = ["scale", "themes"]
    search_fields = ["code", "label", "instrument"]
    inspect_view_enabled = True
    form_fields = [
        "code", "label", "label_en", "question", "scale", "unit", "min_value", "max_value",
        "higher_is_better", "minimal_important_difference", "instrument", "reference", "scoring",
        "themes",
    ]  # fmt: skip
