from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "livinglab.evaluation"
    label = "evaluation"
    verbose_name = _("Évaluation")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from livinglab.campaigns.costs import register_cost_effectiveness
        from livinglab.campaigns.privacy import register_eraser
        from livinglab.campaigns.services import register_running_requirement
        from livinglab.evaluation.measurement.dataversion import connect_receivers
        from livinglab.evaluation.measurement.policies import CataloguePolicy
        from livinglab.evaluation.measurement.privacy import participants_erase_answers
        from livinglab.evaluation.measurement.protocols import running_requires_protocol
        from livinglab.evaluation.models import Indicator
        from livinglab.evaluation.pooled.receivers import connect_receivers as connect_pooled
        from livinglab.evaluation.runs.costs import dashboard_costs_per_change
        from livinglab.evaluation.runs.receivers import connect_receivers as connect_runs

        register_permission_policy(Indicator, CataloguePolicy(Indicator))
        register_running_requirement(running_requires_protocol)
        register_eraser(participants_erase_answers)
        register_cost_effectiveness(dashboard_costs_per_change)
        connect_receivers()
        connect_pooled()
        connect_runs()
