"""Behavioural checks (mltest invariance family): the model reacts to what it should, only.

What to perturb comes from params.yaml: `features.sensitive` and the `checks` section. What
counts as a change follows data.task:
- binary and multiclass: a predicted class that flips (and, under noise, a multiclass model's
  probabilities moving by more than 0.05: any class's);
- regression: a predicted number that moves by more than `checks.tolerance` (in the target's
  unit, default 0) plus `checks.rtol` times the prediction (default 0.01, 1%).
A directional entry moves the score: the probability of data.positive_class (binary), of the
entry's `class` (multiclass), or the predicted number (regression).
"""

from __future__ import annotations

import mltest
import pytest
from conftest import PARAMS, TASK, each, probability_of

pytestmark = pytest.mark.invariance

SENSITIVE = each(PARAMS["features"]["sensitive"], "sensitive attribute (features.sensitive)")
NOISE = each(sorted(PARAMS["checks"]["noise"].items()), "column (checks.noise)", names=2)
DIRECTIONAL = each(PARAMS["checks"]["directional"], "entry (checks.directional)")

if TASK == "regression":
    # How far a predicted number may move and still be the same prediction.
    SAME = {
        "tolerance": PARAMS["checks"].get("tolerance", 0),
        "rtol": PARAMS["checks"].get("rtol", 0.01),
    }
else:
    SAME = {}


@pytest.mark.parametrize("attribute", SENSITIVE)
def test_predictions_do_not_depend_on_sensitive_attributes(predict_labels, test_data, attribute):
    values = sorted(test_data[attribute].dropna().unique())
    swap = mltest.perturb.swap(attribute, values)
    mltest.assert_invariant(predict_labels, test_data, swap, **SAME)


@pytest.mark.parametrize(("column", "scale"), NOISE)
def test_predictions_are_stable_under_tiny_noise(predict_labels, request, test_data, column, scale):
    noise = mltest.perturb.noise(column, scale)
    mltest.assert_invariant(predict_labels, test_data, noise, max_failure_rate=0.02, **SAME)
    if TASK == "multiclass":  # the whole probability vector, not only the winning class
        predict_proba = request.getfixturevalue("predict_proba")
        mltest.assert_invariant(
            predict_proba, test_data, noise, tolerance=0.05, max_failure_rate=0.02
        )


@pytest.mark.parametrize("check", DIRECTIONAL)
def test_score_moves_in_the_expected_direction(predict_score, model, params, test_data, check):
    if TASK == "multiclass":
        if "class" not in check:
            pytest.fail(
                f"params.yaml: checks.directional entry {check} needs `class:`, the class whose "
                f"probability must move (one of {', '.join(map(str, model.classes_))})",
                pytrace=False,
            )
        score = probability_of(model, params, check["class"])
    else:
        score = predict_score
    mltest.assert_directional(
        score,
        test_data,
        mltest.perturb.shift(check["column"], by=check["by"]),
        direction=check["direction"],
        max_failure_rate=check.get("max_failure_rate", 0.0),
        tolerance=check.get("tolerance", 0),
        rtol=check.get("rtol", 0),
    )
