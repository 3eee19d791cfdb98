"""Training-sanity checks: does the model learn at all, and is what it learns well-formed?

The scikit-learn checks live here; the PyTorch checks are in :mod:`mltest.training.torch`,
which needs torch (``import mltest.training`` does not). Each check works on copies of the
model: the estimator, module or optimizer passed in is left as it was.
"""

from __future__ import annotations

from mltest.training._deterministic import assert_deterministic
from mltest.training._learns import assert_learns
from mltest.training._overfit import assert_can_overfit
from mltest.training._preserves_input import assert_fit_preserves_input
from mltest.training._valid_predictions import assert_valid_predictions

__all__ = [
    "assert_can_overfit",
    "assert_deterministic",
    "assert_fit_preserves_input",
    "assert_learns",
    "assert_valid_predictions",
]
