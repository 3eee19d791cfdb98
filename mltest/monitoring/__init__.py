"""Monitoring: drift, training/serving skew, model age, performance without labels, the regression gate.

- :func:`profile` summarises a dataset into a mergeable :class:`Profile` (versioned JSON,
  :func:`load_profile`); :func:`assert_no_drift` compares current data (or its profile) with
  a reference: per column a distance with confidence bounds judged against a threshold.
- :func:`assert_no_skew`: two code paths give the same output on the same rows.
- :func:`assert_model_fresh`: the model is younger than ``max_age``.
- :func:`estimate_performance` / :func:`assert_estimated_performance`: CBPE, performance of a
  binary classifier from its calibrated probabilities, without labels.
- :func:`assert_no_regression`: a new model is not worse than the old one (paired bootstrap).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> the module defining it, imported on first use (``mltest drift --help`` loads no numpy)
_LAZY = {
    "PerformanceEstimate": "_cbpe",
    "assert_estimated_performance": "_cbpe",
    "estimate_performance": "_cbpe",
    "assert_no_drift": "_drift",
    "assert_model_fresh": "_freshness",
    "Profile": "_profile",
    "load_profile": "_profile",
    "assert_no_regression": "_regression",
    "assert_no_skew": "_skew",
    "profile": "_summarise",
}

__all__ = [
    "PerformanceEstimate",
    "Profile",
    "assert_estimated_performance",
    "assert_model_fresh",
    "assert_no_drift",
    "assert_no_regression",
    "assert_no_skew",
    "estimate_performance",
    "load_profile",
    "profile",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'mltest.monitoring' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"mltest.monitoring.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from mltest.monitoring._cbpe import PerformanceEstimate, assert_estimated_performance, estimate_performance
    from mltest.monitoring._drift import assert_no_drift
    from mltest.monitoring._freshness import assert_model_fresh
    from mltest.monitoring._profile import Profile, load_profile
    from mltest.monitoring._regression import assert_no_regression
    from mltest.monitoring._skew import assert_no_skew
    from mltest.monitoring._summarise import profile
