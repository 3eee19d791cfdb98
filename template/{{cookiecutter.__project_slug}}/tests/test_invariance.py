"""Behavioural checks (mltest invariance family): the model reacts to what it should, only.

What to perturb comes from params.yaml: `features.sensitive` and the `checks` section.
"""

from __future__ import annotations

import mltest
import pytest
from conftest import PARAMS, each

pytestmark = pytest.mark.invariance

SENSITIVE = each(PARAMS["features"]["sensitive"], "sensitive attribute (features.sensitive)")
NOISE = each(sorted(PARAMS["checks"]["noise"].items()), "column (checks.noise)", names=2)
DIRECTIONAL = each(PARAMS["checks"]["directional"], "entry (checks.directional)")


@pytest.mark.parametrize("attribute", SENSITIVE)
def test_predictions_do_not_depend_on_sensitive_attributes(predict_labels, test_data, attribute):
    values = sorted(test_data[attribute].dropna().unique())
    mltest.assert_invariant(predict_labels, test_data, mltest.perturb.swap(attribute, values))


@pytest.mark.parametrize(("column", "scale"), NOISE)
def test_predictions_are_stable_under_tiny_noise(predict_labels, test_data, column, scale):
    mltest.assert_invariant(
        predict_labels, test_data, mltest.perturb.noise(column, scale), max_failure_rate=0.02
    )


@pytest.mark.parametrize("check", DIRECTIONAL)
def test_score_moves_in_the_expected_direction(predict_score, test_data, check):
    mltest.assert_directional(
        predict_score,
        test_data,
        mltest.perturb.shift(check["column"], by=check["by"]),
        direction=check["direction"],
        max_failure_rate=check.get("max_failure_rate", 0.0),
    )
