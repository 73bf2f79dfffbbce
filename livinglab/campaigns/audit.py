"""One audit trail for the whole product: Wagtail's log entries, with our own actions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import log

ACTIONS = {
    "livinglab.transition": (_("Changement d'état"), _("État de la campagne modifié")),
    "livinglab.import": (_("Import"), _("Données importées")),
    "livinglab.export": (_("Export"), _("Données exportées")),
    "livinglab.download": (_("Téléchargement"), _("Résultats téléchargés")),
    "livinglab.permission": (_("Droits"), _("Droits d'accès modifiés")),
    "livinglab.evaluation": (_("Évaluation"), _("Évaluation lancée")),
    "livinglab.publish_results": (_("Publication"), _("Résultats publiés")),
    "livinglab.withdrawal": (_("Retrait"), _("Participant retiré, réponses effacées")),
    "livinglab.protocol_lock": (_("Verrouillage"), _("Protocole verrouillé")),
}


@hooks.register("register_log_actions")
def register_actions(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


def record(instance, action: str, *, user=None, data: dict | None = None):
    """Write one audit entry about `instance` (shown in its history and the site history)."""
    if action not in ACTIONS and not action.startswith("wagtail."):
        raise ValueError(f"Unknown audit action {action!r}")
    return log(instance, action, user=user, data=data or {})
