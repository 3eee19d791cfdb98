"""Fairness checks (mltest fairness family) across the sensitive attributes of params.yaml.

Thresholds come from [tool.mltest] in pyproject.toml (fairness_max_difference, ...); groups
smaller than fairness_min_group_size are reported, not judged. A numeric attribute with many
values (an age) is compared in 3 groups of about equal size (conftest.groups).

What is compared follows params.yaml's data.task:
- binary: the rates of data.positive_class (selection, true and false positive rates) and the
  accuracy, between groups;
- multiclass: the same rates for each class of the model (one against the rest, the worst class
  decides) and the accuracy. A class's rate in a group rests on few rows of the test split, so
  these are judged with 95% bootstrap intervals: a gap beyond doubt fails, one the test split
  cannot decide is skipped with its interval (the report keeps the verdict);
- regression: the mean absolute error between groups (test_error_is_similar_across_groups).
"""

from __future__ import annotations

import mltest
import pytest
from conftest import ONLY_CLASSES, PARAMS, TASK, each, groups
from sklearn.metrics import accuracy_score

from {{ cookiecutter.package_name }}.features import split_xy

pytestmark = pytest.mark.fairness

SENSITIVE = each(PARAMS["features"]["sensitive"], "sensitive attribute (features.sensitive)")


@pytest.fixture(scope="module")
def outcomes(model, test_data, params):
    features, target = split_xy(test_data, params)
    return target.to_numpy(), model.predict(features)


@pytest.fixture(scope="module")
def labels(classes, positive_class) -> dict:
    """How the checks read the classes: data.positive_class (binary) or every class of the model
    (multiclass, with intervals: see the module's docstring)."""
    if TASK == "binary":
        return {"pos_label": positive_class}
    return {"labels": classes, "confidence": 0.95}


def judged(check, *args, **kwargs):
    """`check(*args, **kwargs)`; with intervals, a verdict the test rows cannot decide is a skip
    that says so (the report keeps it as inconclusive)."""
    try:
        return check(*args, **kwargs)
    except mltest.CheckFailed as failure:
        if "confidence" not in kwargs or failure.result is None:
            raise
        if failure.result.outcome != "inconclusive":
            raise
        verdict = str(failure).splitlines()[0]
        pytest.skip(f"the test split cannot decide (more test rows can): {verdict}")


@ONLY_CLASSES
@pytest.mark.parametrize("attribute", SENSITIVE)
def test_demographic_parity(outcomes, test_data, attribute, labels):
    y_true, y_pred = outcomes
    judged(
        mltest.assert_demographic_parity,
        y_true,
        y_pred,
        sensitive_features=groups(test_data, attribute),
        **labels,
    )


@ONLY_CLASSES
@pytest.mark.parametrize("attribute", SENSITIVE)
def test_equalized_odds(outcomes, test_data, attribute, labels):
    y_true, y_pred = outcomes
    judged(
        mltest.assert_equalized_odds,
        y_true,
        y_pred,
        sensitive_features=groups(test_data, attribute),
        **labels,
    )


@ONLY_CLASSES
@pytest.mark.parametrize("attribute", SENSITIVE)
def test_accuracy_is_similar_across_groups(outcomes, test_data, attribute, positive_class):
    y_true, y_pred = outcomes
    if TASK == "binary":
        metric, labels = "accuracy", {"pos_label": positive_class}
    else:  # the share of rows whose class is right, whichever class
        metric, labels = accuracy_score, {}
    mltest.assert_group_metric(
        y_true,
        y_pred,
        sensitive_features=groups(test_data, attribute),
        metric=metric,
        **labels,
    )


if TASK == "regression":

    @pytest.mark.parametrize("attribute", SENSITIVE)
    def test_error_is_similar_across_groups(outcomes, test_data, attribute):
        # The mean absolute error of each group, in the target's unit: the ratio of the smallest
        # to the largest must be at least fairness_min_ratio (a difference is in the target's
        # unit: pass max_difference= to bound it too).
        y_true, y_pred = outcomes
        mltest.assert_group_metric(
            y_true,
            y_pred,
            sensitive_features=groups(test_data, attribute),
            metric="mean_absolute_error",
        )
