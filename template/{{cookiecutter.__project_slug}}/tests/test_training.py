"""Training-sanity checks (mltest training family) on the model of params.yaml.

The checks tell a classifier (data.task binary or multiclass) from a regressor and choose the
baseline, the score and the overfitting sample by it: balanced accuracy against a prior-class
guess for classes, R² against the mean for numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CLASSIFICATION, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from mltest import training
from mltest.strategies import data_frames

from {{ cookiecutter.package_name }}.features import split_xy
from {{ cookiecutter.package_name }}.predict import predict
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
    # Without weight decay and with more epochs, a small sample (20 rows of a classifier's, one
    # more than the columns of a regressor's) must be learnt by heart: if not, the features do
    # not reach the model.
    features, target = xy
    unregularised = {**params, "model": {**params["model"], "weight_decay": 0.0, "epochs": 200}}
    training.assert_can_overfit(build_model(features, unregularised), features, target)
{% else %}
    # A small sample (20 rows of a classifier's, one more than the columns of a regressor's)
    # must be learnt by heart, the regularisation lifted for it (C or alpha): if not, the
    # features do not reach the model.
    features, target = xy
    training.assert_can_overfit(build_model(features, params), features, target)
{% endif %}


def test_predictions_are_valid(xy, test_data, params):
    features, target = xy
    test_features, _ = split_xy(test_data, params)
    training.assert_valid_predictions(
        build_model(features, params), features, target, X_predict=test_features
    )


# The model is called in each example: no deadline (conftest.py's profile says so for every
# test; this one says it again where it matters), so a busy machine never fails it.
@settings(deadline=None, max_examples=25)
@given(data=st.data())
def test_every_row_the_schema_allows_gets_a_valid_prediction(data, model, params):
    schema = ROOT / params["data"]["schema"]
    if not schema.exists():
        pytest.skip(f"no schema at {params['data']['schema']}: run `mltest schema infer`")
    rows = data.draw(data_frames(schema, min_size=1, max_size=20), label="rows")
    result = predict(model, rows, params)
    assert len(result) == len(rows)
    if not CLASSIFICATION:  # a finite number per row, and nothing else
        assert list(result.columns) == ["prediction"]
        assert np.isfinite(result["prediction"].to_numpy(dtype=float)).all()
        return
    assert set(result["prediction"]) <= set(model.classes_)
    probabilities = result.drop(columns="prediction").to_numpy()
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    assert abs(probabilities.sum(axis=1) - 1).max() < 1e-6
