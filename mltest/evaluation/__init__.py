"""Evaluation: what no single metric shows.

* :func:`assert_no_weak_slices`: no slice of the data (one or two features) where the model is
  confirmed, on rows that played no part in finding it, to be worse than on the rest.
* :func:`assert_no_proxies`: no feature, alone or with the others, stands in for a sensitive attribute.
* :func:`assert_no_target_leakage`: no single feature predicts the target about as well as the model.
* :func:`assert_calibrated`: predicted probabilities mean what they say (expected calibration error).
"""

from __future__ import annotations

from mltest.evaluation._calibration import assert_calibrated
from mltest.evaluation._leakage import assert_no_target_leakage
from mltest.evaluation._proxies import assert_no_proxies
from mltest.evaluation._weak_slices import assert_no_weak_slices

__all__ = ["assert_calibrated", "assert_no_proxies", "assert_no_target_leakage", "assert_no_weak_slices"]
