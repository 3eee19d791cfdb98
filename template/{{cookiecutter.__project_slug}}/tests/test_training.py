"""Training-sanity checks (mltest training family) on the model of params.yaml."""

from __future__ import annotations

import pytest
from mltest import training

from {{ cookiecutter.package_name }}.features import split_xy
from {{ cookiecutter.package_name }}.train import build_model

pytestmark = pytest.mark.training


@pytest.fixture(scope="module")
def xy(train_data, params):
    return split_xy(train_data, params)


def test_model_beats_a_dummy_baseline(xy, params):
    features, target = xy
    training.assert_learns(build_model(features, params), features, target)


def test_training_is_deterministic(xy, params):
    features, target = xy
    training.assert_deterministic(build_model(features, params), features, target)


def test_model_can_learn_a_small_sample_by_heart(xy, params):
{% if cookiecutter.framework == "pytorch" %}
    # Without weight decay and with more epochs, 20 rows must be learnt by heart: if not, the
    # features do not reach the classifier.
    features, target = xy
    unregularised = {**params, "model": {**params["model"], "weight_decay": 0.0, "epochs": 200}}
{% else %}
    # Without regularisation (a huge C), 20 rows must be learnt by heart: if not, the
    # features do not reach the classifier.
    features, target = xy
    unregularised = {**params, "model": {**params["model"], "C": 1e6}}
{% endif %}
    training.assert_can_overfit(build_model(features, unregularised), features, target)


def test_predictions_are_valid(xy, test_data, params):
    features, target = xy
    test_features, _ = split_xy(test_data, params)
    training.assert_valid_predictions(
        build_model(features, params), features, target, X_predict=test_features
    )
