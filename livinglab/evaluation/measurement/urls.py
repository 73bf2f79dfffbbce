"""Public questionnaire URLs: /questionnaire/<campaign>/<wave>/ (and …/comparaison/)."""

from django.urls import path

from livinglab.evaluation.measurement import questionnaire_views as views

app_name = "questionnaire"
urlpatterns = [
    path("<slug:campaign_slug>/<slug:wave_code>/", views.questionnaire, name="answer"),
    path(
        "<slug:campaign_slug>/<slug:wave_code>/comparaison/",
        views.questionnaire,
        {"group": "comparison"},
        name="answer_comparison",
    ),
]
