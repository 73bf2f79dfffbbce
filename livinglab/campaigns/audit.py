"""One audit trail for the whole product: Wagtail's log entries, with our own actions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter, log

ACTIONS = {
    "livinglab.transition": (_("Changement d'état"), _("État de la campagne modifié")),
    "livinglab.import": (_("Import"), _("Données importées")),
    "livinglab.export": (_("Export"), _("Données exportées")),
    "livinglab.download": (_("Téléchargement"), _("Résultats téléchargés")),
    "livinglab.permission": (_("Droits"), _("Droits d'accès modifiés")),
    "livinglab.evaluation": (_("Évaluation"), _("Évaluation lancée")),
    "livinglab.publish_results": (_("Publication"), _("Résultats publiés")),
    "livinglab.withdraw_results": (
        _("Retrait de publication"),
        _("Publication des résultats retirée"),
    ),
    "livinglab.withdrawal": (_("Retrait"), _("Participant retiré, réponses effacées")),
    "livinglab.protocol_lock": (_("Verrouillage"), _("Protocole verrouillé")),
    "livinglab.duplicate_resolved": (
        _("Réponse en double"),
        _("Réponse en ligne en double tranchée (réponses conservées ou remplacées)"),
    ),
    "livinglab.questionnaire_access": (
        _("Accès au questionnaire"),
        _("Accès au questionnaire en ligne modifié (clé de vague ou réglages)"),
    ),
    "livinglab.action_done": (_("Action réalisée"), _("Action marquée réalisée")),
    "livinglab.retention": (
        _("Durée de conservation"),
        _("Durée de conservation atteinte : participants et réponses effacés"),
    ),
}


def _status_label(code: str) -> str:
    from livinglab.campaigns.models import Campaign

    return str(Campaign.Status(code).label) if code in Campaign.Status.values else code


def _transition_message(data: dict) -> str:
    return _("État : %(from)s → %(to)s") % {
        "from": _status_label(data.get("from", "")),
        "to": _status_label(data.get("to", "")),
    }


def _transfer_message(verb):
    def message(data: dict) -> str:
        details = [str(data["format"]).upper()] if data.get("format") else []
        if "rows" in data:
            details.append(_("%(rows)s lignes") % {"rows": data["rows"]})
        text = f"{verb} {data['kind']}" if data.get("kind") else str(verb)
        return f"{text} ({', '.join(details)})" if details else text

    return message


# Messages that say what happened, from the entry's data (shown in histories and dashboards).
DETAILED_MESSAGES = {
    "livinglab.transition": _transition_message,
    "livinglab.import": _transfer_message(_("Import")),
    "livinglab.export": _transfer_message(_("Export")),
    "livinglab.withdraw_results": lambda data: (
        _("Publication de l'évaluation n° %(run)s retirée : %(reason)s")
        % {"run": data.get("run", "?"), "reason": data.get("reason", "")}
    ),
}


def formatter_for(label, message, detailed=None) -> type[LogFormatter]:
    def format_message(self, log_entry):
        if detailed and isinstance(log_entry.data, dict) and log_entry.data:
            return detailed(log_entry.data)
        return message

    return type(
        "LivingLabLogFormatter",
        (LogFormatter,),
        {"label": label, "message": message, "format_message": format_message},
    )


@hooks.register("register_log_actions")
def register_actions(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action)(
            formatter_for(label, message, DETAILED_MESSAGES.get(action))
        )


def record(instance, action: str, *, user=None, data: dict | None = None):
    """Write one audit entry about `instance` (shown in its history and the site history)."""
    if action not in ACTIONS and not action.startswith("wagtail."):
        raise ValueError(f"Unknown audit action {action!r}")
    return log(instance, action, user=user, data=data or {})
