"""mltest: tests that say something about ML data and models, as pytest assertions.

Four families of checks: data schema, bias and fairness, model invariance, training sanity.
Every check raises :class:`CheckFailed` (an ``AssertionError``) when it finds a problem, and
records its figures for the ``--mltest-report``.

Names are loaded on first use: ``import mltest`` (and the pytest plugin, which every pytest
run imports) costs nothing until a check is called. That is why the names below are
resolved by ``__getattr__`` rather than imported at the top.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mltest.errors import CheckFailed, InvalidArgument, InvalidArgumentType

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "assert_schema": "mltest.schema",
    "infer_schema": "mltest.schema",
    "assert_no_leakage": "mltest.schema",
    "assert_demographic_parity": "mltest.fairness",
    "assert_equalized_odds": "mltest.fairness",
    "assert_equal_opportunity": "mltest.fairness",
    "assert_group_metric": "mltest.fairness",
    "assert_invariant": "mltest.invariance",
    "assert_directional": "mltest.invariance",
    "assert_cases": "mltest.invariance",
    "assert_no_weak_slices": "mltest.evaluation",
    "assert_no_proxies": "mltest.evaluation",
    "assert_no_target_leakage": "mltest.evaluation",
    "assert_calibrated": "mltest.evaluation",
    "profile": "mltest.monitoring",
    "load_profile": "mltest.monitoring",
    "assert_no_drift": "mltest.monitoring",
    "assert_no_skew": "mltest.monitoring",
    "assert_model_fresh": "mltest.monitoring",
    "estimate_performance": "mltest.monitoring",
    "assert_estimated_performance": "mltest.monitoring",
    "assert_no_regression": "mltest.monitoring",
}
_SUBMODULES = (
    "schema",
    "evaluation",
    "fairness",
    "invariance",
    "monitoring",
    "perturb",
    "strategies",
    "training",
    "report",
)

__all__ = [
    "CheckFailed",
    "InvalidArgument",
    "InvalidArgumentType",
    "__version__",
    "assert_calibrated",
    "assert_cases",
    "assert_demographic_parity",
    "assert_directional",
    "assert_equal_opportunity",
    "assert_equalized_odds",
    "assert_estimated_performance",
    "assert_group_metric",
    "assert_invariant",
    "assert_model_fresh",
    "assert_no_drift",
    "assert_no_leakage",
    "assert_no_proxies",
    "assert_no_regression",
    "assert_no_skew",
    "assert_no_target_leakage",
    "assert_no_weak_slices",
    "assert_schema",
    "estimate_performance",
    "evaluation",
    "fairness",
    "infer_schema",
    "invariance",
    "load_profile",
    "monitoring",
    "perturb",
    "profile",
    "report",
    "schema",
    "strategies",
    "training",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"mltest.{name}")
    else:
        raise AttributeError(f"module 'mltest' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from mltest import evaluation, fairness, invariance, monitoring, perturb, report, schema, strategies, training
    from mltest.evaluation import (
        assert_calibrated,
        assert_no_proxies,
        assert_no_target_leakage,
        assert_no_weak_slices,
    )
    from mltest.fairness import (
        assert_demographic_parity,
        assert_equal_opportunity,
        assert_equalized_odds,
        assert_group_metric,
    )
    from mltest.invariance import assert_cases, assert_directional, assert_invariant
    from mltest.monitoring import (
        assert_estimated_performance,
        assert_model_fresh,
        assert_no_drift,
        assert_no_regression,
        assert_no_skew,
        estimate_performance,
        load_profile,
        profile,
    )
    from mltest.schema import assert_no_leakage, assert_schema, infer_schema
