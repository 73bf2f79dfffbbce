"""Public files of pooled evidence (mounted at /evaluation/pooled/)."""

from django.urls import path

from livinglab.evaluation.pooled import views

app_name = "evaluation_pooled"

urlpatterns = [
    path("<int:evidence_id>/forest.<str:file_format>", views.forest_plot, name="forest_plot"),
]
