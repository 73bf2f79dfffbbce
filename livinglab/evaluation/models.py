"""The evaluation app's models, defined in its two sub-packages (one app label, one schema)."""

from livinglab.evaluation.measurement.dataversion import DataVersion
from livinglab.evaluation.measurement.models import (
    CodeMatch,
    ColumnMapping,
    Indicator,
    Outcome,
    PendingSubmission,
    Protocol,
    QuestionnaireSettings,
    Response,
    ResponseSet,
    Scale,
    Submission,
    Wave,
)
from livinglab.evaluation.pooled.models import PooledEvidence
from livinglab.evaluation.runs.models import EvaluationRun

__all__ = [
    "CodeMatch",
    "ColumnMapping",
    "DataVersion",
    "EvaluationRun",
    "Indicator",
    "Outcome",
    "PendingSubmission",
    "PooledEvidence",
    "Protocol",
    "QuestionnaireSettings",
    "Response",
    "ResponseSet",
    "Scale",
    "Submission",
    "Wave",
]
