"""Bias and fairness checks: fairlearn's metrics and grammar, in one vectorised pass, as assertions.

The metrics (``demographic_parity_difference`` and friends) take fairlearn's arguments and give
fairlearn's values. :func:`group_metrics` returns any metric per (intersectional) group with
its difference, ratio and bootstrap intervals. The assertions turn those into a verdict, with
thresholds, a minimum group size and an optional confidence level.
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
from mltest.fairness._result import GroupMetrics, group_metrics

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
