"""Bias and fairness checks: fairlearn's metrics and grammar, in one vectorised pass, as assertions.

The metrics (``demographic_parity_difference`` and friends) take fairlearn's arguments and give
fairlearn's values. :func:`group_metrics` returns any metric per (intersectional) group with
its difference, ratio and bootstrap intervals. The assertions turn those into a verdict, with
thresholds, a minimum group size and an optional confidence level.

The pipeline, one module a stage: ``_options`` (what was passed) -> ``_inputs``/``_labels``/
``_groups`` (checked arrays, class codes, group keys) -> ``_counts`` or ``_spark`` (confusion
matrices by group) or ``_values`` (metrics of numbers) -> ``_measure`` (``GroupMetrics``, with
``_bootstrap`` draws and ``_intervals``) -> ``_verdict`` (the verdict and its message).
"""

from __future__ import annotations

from mltest.fairness._assertions import (
    assert_demographic_parity,
    assert_equal_opportunity,
    assert_equalized_odds,
    assert_group_metric,
)
from mltest.fairness._criteria import (
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    selection_rate,
)
from mltest.fairness._group_metrics import group_metrics
from mltest.fairness._result import GroupMetrics

__all__ = [
    "GroupMetrics",
    "assert_demographic_parity",
    "assert_equal_opportunity",
    "assert_equalized_odds",
    "assert_group_metric",
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "group_metrics",
    "selection_rate",
]
