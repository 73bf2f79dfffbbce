"""The indicator catalogue in the Wagtail admin: everyone reads it, superusers edit it."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from livinglab.evaluation.models import Indicator


class CataloguePolicy(ModelPermissionPolicy):
    """Any admin user may consult the shared referential; changing it is for superusers."""

    def user_has_permission(self, user, action):
        if not (user.is_active and user.is_authenticated):
            return False
        if action == "view":
            return True
        return user.is_superuser


class IndicatorViewSet(ModelViewSet):
    model = Indicator
    icon = "list-ul"
    menu_label = _("Indicateurs")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["code", "label", "scale", "unit", "instrument"]
    list_filter = ["scale", "themes"]
    search_fields = ["code", "label", "instrument"]
    inspect_view_enabled = True
    form_fields = [
        "code", "label", "label_en", "question", "scale", "unit", "min_value", "max_value",
        "higher_is_better", "instrument", "reference", "scoring", "themes",
    ]  # fmt: skip
