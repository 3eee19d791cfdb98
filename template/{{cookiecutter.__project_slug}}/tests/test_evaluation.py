"""Evaluation checks (mltest evaluation family): what no single metric shows.

On the test split: no slice of the data (one or two columns) is confirmed to be much worse than
the rest (accuracy for classes, mean absolute error for a regression: params.yaml's data.task),
and a classifier's predicted probabilities mean what they say. On all the raw data: the features
the model sees do not stand in for a sensitive attribute of params.yaml (leaving `sex` out of the
model does not make it blind to sex when another column says the same).

Thresholds come from [tool.mltest] in pyproject.toml (evaluation_max_gap, evaluation_max_ece,
evaluation_max_proxy_strength, ...). A slice needs evaluation_min_slice_size rows in each half of
the test split to be searched: with more test rows, smaller slices are searched.
"""

from __future__ import annotations

import mltest
import pytest
from conftest import ONLY_CLASSES, PARAMS, TASK, each

from {{ cookiecutter.package_name }}.features import split_xy
from {{ cookiecutter.package_name }}.predict import predict

pytestmark = pytest.mark.evaluation

SENSITIVE = each(PARAMS["features"]["sensitive"], "sensitive attribute (features.sensitive)")


@pytest.fixture(scope="module")
def predictions(model, test_data, params):
    """The model's predictions on the test split (a classifier's with its class probabilities)."""
    return predict(model, test_data, params)


def test_no_slice_is_much_worse_than_the_rest(predictions, test_data, params):
    # Slices by every column but the target, the sensitive attributes included.
    rows = test_data.drop(columns=params["data"]["target"])
    target = test_data[params["data"]["target"]]
    try:
        mltest.assert_no_weak_slices(predictions["prediction"].to_numpy(), rows, target, task=TASK)
    except mltest.CheckFailed as failure:
        if failure.result is None or failure.result.figures.get("searched") != 0:
            raise
        # Inconclusive because no slice is big enough to be searched at all: there is nothing to
        # judge (the report keeps the verdict). More test rows, or a smaller
        # evaluation_min_slice_size in [tool.mltest], change that.
        least = failure.result.figures["min_size"]
        pytest.skip(f"{len(rows)} test rows: too few for slices of {least} rows in each half")


@ONLY_CLASSES
def test_probabilities_are_calibrated(predictions, test_data, params, model, positive_class):
    target = test_data[params["data"]["target"]]
    classes = list(model.classes_)
    if len(classes) == 2:
        # The probability of data.positive_class: the score the thresholds and checks use.
        others = [label for label in classes if label != positive_class]
        proba = predictions[f"probability_{positive_class}"]
        mltest.assert_calibrated(target, proba, labels=[*others, positive_class])
    else:
        proba = predictions[[f"probability_{label}" for label in classes]]
        mltest.assert_calibrated(target, proba, labels=classes)


@pytest.mark.parametrize("attribute", SENSITIVE)
def test_features_do_not_stand_in_for_a_sensitive_attribute(raw_data, params, attribute):
    features, _ = split_xy(raw_data, params)  # what the model sees
    mltest.assert_no_proxies(features, sensitive_features=raw_data[attribute])
