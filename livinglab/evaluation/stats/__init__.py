"""Pure statistical core of the evaluation: numpy/scipy/statsmodels only, never Django.

Sign convention: estimate = follow-up − baseline, and for controlled designs
(intervention change) − (comparison change); statistics, intervals and signed effect
sizes carry the same sign.
"""

from .controlled import (
    Coefficient,
    ancova,
    cr2_contrast,
    did_logit,
    did_ols,
    logit_cluster,
    ols_cluster,
    risk_difference_did,
)
from .descriptives import descriptives, standardised_difference
from .multiplicity import adjust_pvalues
from .paired import mcnemar, paired_t
from .repeated import fit_random_intercepts, mixed_model, satterthwaite, variance_components
from .results import TestResult
from .sample_size import sample_size, t_test_power
from .signed_rank import wilcoxon_signed_rank
from .suppression import check_min_cell_size, suppress_cells, suppress_result

__all__ = [
    "Coefficient",
    "TestResult",
    "adjust_pvalues",
    "ancova",
    "check_min_cell_size",
    "cr2_contrast",
    "descriptives",
    "did_logit",
    "did_ols",
    "fit_random_intercepts",
    "logit_cluster",
    "mcnemar",
    "mixed_model",
    "ols_cluster",
    "paired_t",
    "risk_difference_did",
    "sample_size",
    "satterthwaite",
    "suppress_cells",
    "suppress_result",
    "standardised_difference",
    "t_test_power",
    "variance_components",
    "wilcoxon_signed_rank",
]
