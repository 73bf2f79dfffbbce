"""Admin wiring of the evaluation app."""

from wagtail import hooks

from livinglab.evaluation.viewsets import EvaluationGroup


@hooks.register("register_admin_viewset")
def register_evaluation_menu():
    return EvaluationGroup()
