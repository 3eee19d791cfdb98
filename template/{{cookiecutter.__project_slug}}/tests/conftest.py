"""Shared fixtures: the parameters, the data, and a model trained on the train split.

The tests train their own model (seconds), so they need neither `dvc repro` nor `models/`.
Everything dataset-specific comes from params.yaml: point it at other data and the tests follow,
and so they follow its `data.task` (binary, multiclass or regression), read when the tests run.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from {{ cookiecutter.package_name }}.config import ParamsError, check_columns, load_params, task
from {{ cookiecutter.package_name }}.data import load_raw, split
from {{ cookiecutter.package_name }}.predict import predict
from {{ cookiecutter.package_name }}.train import load_model, train

ROOT = Path(__file__).resolve().parents[1]
PARAMS = load_params(ROOT / "params.yaml")

# What the model predicts (params.yaml's data.task): binary, multiclass or regression. A test that
# does not apply to it is skipped with the reason, or, for a regression's own tests, not defined.
try:
    TASK, TASK_ERROR = task(PARAMS), ""
except ParamsError as error:
    TASK, TASK_ERROR = "binary", str(error)  # pytest_configure stops the run with this line


def pytest_configure(config):
    if TASK_ERROR:
        raise pytest.UsageError(TASK_ERROR)


CLASSIFICATION = TASK != "regression"
ONLY_CLASSES = pytest.mark.skipif(
    not CLASSIFICATION, reason="data.task is regression: the model predicts numbers, not classes"
)

# Hypothesis tests call the model: no deadline, and no health check timing them, so that a busy
# machine (a shared CI runner, a laptop on battery) never fails a test that is right.
settings.register_profile("project", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")


def each(values: list, what: str, *, names: int = 1) -> list:
    """`values` for pytest.mark.parametrize (`names` argument names), or one skipped case
    saying what to configure."""
    skip = pytest.mark.skip(reason=f"no {what} in params.yaml")
    return values or [pytest.param(*[None] * names, marks=skip)]


def fit_params(function, *args):
    """`function(*args)`; when params.yaml does not fit the data (ParamsError), the tests that
    need it fail with the message alone."""
    try:
        return function(*args)
    except ParamsError as error:
        message = str(error)
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def prediction_log(tmp_path_factory):
    """Predictions the tests make are logged in a temporary folder, not with production's."""
    folder = tmp_path_factory.mktemp("prediction-log")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREDICTION_LOG", str(folder))
        yield folder


def groups(data: pd.DataFrame, attribute: str) -> pd.Series:
    """The groups the fairness tests compare: the sensitive attribute as it is, or, for a number
    with more than 10 values (an age), 3 groups of about equal size named by their range (few
    groups, so that each holds enough rows of each class for its rates to be judged)."""
    column = data[attribute]
    if not pd.api.types.is_numeric_dtype(column) or column.nunique() <= 10:
        return column
    edges = sorted(set(column.quantile([1 / 3, 2 / 3])))
    names = [f"{attribute} <= {edges[0]:g}"]
    names += [
        f"{low:g} < {attribute} <= {high:g}"
        for low, high in zip(edges[:-1], edges[1:], strict=True)
    ]
    names += [f"{attribute} > {edges[-1]:g}"]
    return pd.cut(column, [-np.inf, *edges, np.inf], labels=names).astype(object)


@pytest.fixture(scope="session")
def params() -> dict:
    return PARAMS


@pytest.fixture(scope="session")
def raw_data(params) -> pd.DataFrame:
    path = ROOT / params["data"]["raw"]
    if not path.exists():
        pytest.skip(f"no data at {path.relative_to(ROOT)}: add it (README, 'Use your own data')")
    data = load_raw(path)
    fit_params(check_columns, params, data.columns, params["data"]["raw"])
    return data


@pytest.fixture(scope="session")
def splits(raw_data, params) -> tuple[pd.DataFrame, pd.DataFrame]:
    return fit_params(split, raw_data, params)


@pytest.fixture(scope="session")
def train_data(splits) -> pd.DataFrame:
    return splits[0]


@pytest.fixture(scope="session")
def test_data(splits) -> pd.DataFrame:
    return splits[1]


@pytest.fixture(scope="session")
def model(train_data, params):
    """The model of params.yaml trained on the train split; or the model file that
    MODEL_UNDER_TEST names (continuous training checks its candidate so)."""
    path = os.environ.get("MODEL_UNDER_TEST")
    return load_model(ROOT / path) if path else train(train_data, params)


@pytest.fixture(scope="session")
def predict_labels(model, params):
    """Rows in (any columns), the predictions out (classes, or a regression's numbers): what the
    behavioural checks call."""
    return lambda rows: predict(model, rows, params)["prediction"].to_numpy()


@pytest.fixture(scope="session")
def classes(model) -> list:
    """A classifier's classes, as the model (and so the data) names them, in the model's order:
    the order of its probability columns. Nothing depends on how the labels sort."""
    return list(model.classes_)


@pytest.fixture(scope="session")
def positive_class(params):
    """params.yaml's data.positive_class: the favourable class of a binary task, named, never
    the last one sorted (None for the other tasks)."""
    return params["data"].get("positive_class") if TASK == "binary" else None


def probability_of(model, params, label):
    """Rows in, the probability of class `label` out."""
    column = f"probability_{label}"
    return lambda rows: predict(model, rows, params)[column].to_numpy()


@pytest.fixture(scope="session")
def predict_proba(model, params, classes):
    """Rows in, every class's probability out (one column per class, in the model's order)."""
    columns = [f"probability_{label}" for label in classes]
    return lambda rows: predict(model, rows, params)[columns].to_numpy()


@pytest.fixture(scope="session")
def predict_score(model, params, positive_class, predict_labels):
    """Rows in, the score out: the probability of data.positive_class (binary), or the predicted
    number (regression). A multiclass task has one score per class (probability_of)."""
    if TASK == "regression":
        return predict_labels
    return probability_of(model, params, positive_class)
