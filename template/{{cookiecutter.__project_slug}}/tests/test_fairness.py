"""Fairness checks (mltest fairness family) across the sensitive attributes of params.yaml.

Thresholds come from [tool.mltest] in pyproject.toml (fairness_max_difference, ...); groups
smaller than fairness_min_group_size are reported, not judged. A numeric attribute with many
values (an age) is compared in 3 groups of about equal size (conftest.groups).
"""

from __future__ import annotations

import mltest
import pytest
from conftest import PARAMS, each, groups

from {{ cookiecutter.package_name }}.features import split_xy

pytestmark = pytest.mark.fairness

SENSITIVE = each(PARAMS["features"]["sensitive"], "sensitive attribute (features.sensitive)")


@pytest.fixture(scope="module")
def outcomes(model, test_data, params):
    features, target = split_xy(test_data, params)
    return target.to_numpy(), model.predict(features)


@pytest.mark.parametrize("attribute", SENSITIVE)
def test_demographic_parity(outcomes, test_data, attribute, positive_class):
    y_true, y_pred = outcomes
    mltest.assert_demographic_parity(
        y_true, y_pred, sensitive_features=groups(test_data, attribute), pos_label=positive_class
    )


@pytest.mark.parametrize("attribute", SENSITIVE)
def test_equalized_odds(outcomes, test_data, attribute, positive_class):
    y_true, y_pred = outcomes
    mltest.assert_equalized_odds(
        y_true, y_pred, sensitive_features=groups(test_data, attribute), pos_label=positive_class
    )


@pytest.mark.parametrize("attribute", SENSITIVE)
def test_accuracy_is_similar_across_groups(outcomes, test_data, attribute, positive_class):
    y_true, y_pred = outcomes
    mltest.assert_group_metric(
        y_true,
        y_pred,
        sensitive_features=groups(test_data, attribute),
        metric="accuracy",
        pos_label=positive_class,
    )
