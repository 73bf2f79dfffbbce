"""Admin wiring of the evaluation app."""

from wagtail import hooks

from livinglab.evaluation.measurement.viewsets import ProtocolBuilderViewSet
from livinglab.evaluation.viewsets import EvaluationGroup


@hooks.register("register_admin_viewset")
def register_evaluation_menu():
    return EvaluationGroup()


@hooks.register("register_admin_viewset")
def register_protocol_builder():
    return ProtocolBuilderViewSet("evaluation_protocols")
