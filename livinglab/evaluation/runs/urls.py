"""Run progress, downloads and the public files of published runs (mounted at /evaluation/)."""

from django.urls import path

from livinglab.evaluation.runs import report_views
from livinglab.evaluation.runs import views as runs_views

app_name = "evaluation_runs"

urlpatterns = [
    path("runs/<int:run_id>/progress", runs_views.run_progress, name="progress"),
    path(
        "runs/<int:run_id>/download/<str:file_format>",
        runs_views.run_download,
        name="download",
    ),
    path(
        "runs/<int:run_id>/charts/<slug:name>.<str:file_format>",
        runs_views.run_chart,
        name="chart",
    ),
    path(
        "public/runs/<int:run_id>/charts/<slug:name>.<str:file_format>",
        runs_views.public_chart,
        name="public_chart",
    ),
    path("public/runs/<int:run_id>/report.pdf", runs_views.public_report, name="public_report"),
    path("runs/<int:run_id>/report", report_views.run_report, name="report"),
    path(
        "public/runs/<int:run_id>/report",
        report_views.public_run_report,
        name="public_report_page",
    ),
    path(
        "public/runs/<int:run_id>/datapackage.zip",
        runs_views.public_datapackage,
        name="public_datapackage",
    ),
]
