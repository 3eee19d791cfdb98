"""Build and fit the model (the `train` stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import joblib
import pandas as pd
{% if cookiecutter.framework == "pytorch" %}
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.config import is_classification, model_setting
from {{ cookiecutter.package_name }}.features import build_preprocessor, split_xy
from {{ cookiecutter.package_name }}.torch_model import TorchMLPClassifier, TorchMLPRegressor
{% else %}
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.config import is_classification, model_setting
from {{ cookiecutter.package_name }}.features import build_preprocessor, split_xy
{% endif %}

MODEL_PATH = Path("models/model.joblib")


def build_model(features: pd.DataFrame, params: dict[str, Any]) -> Pipeline:
    """An unfitted model: preprocessing, then the estimator of params.yaml's `model` section.

    The pipeline's last step is named "model": a classifier for data.task binary or multiclass,
    a regressor for regression.
    """
    return Pipeline([("preprocess", build_preprocessor(features)), ("model", estimator(params))])


def estimator(params: dict[str, Any]) -> Any:
    """The unfitted estimator data.task asks for, with params.yaml's `model` settings."""
    seed = params["data"]["seed"]
{% if cookiecutter.framework == "pytorch" %}
    settings = {
        "hidden_size": model_setting(params, "hidden_size", 32, low=1),
        "epochs": model_setting(params, "epochs", 30, low=1),
        "learning_rate": model_setting(params, "learning_rate", 0.003, low=0, strict=True),
        "weight_decay": model_setting(params, "weight_decay", 0.0, low=0),
        "batch_size": model_setting(params, "batch_size", 64, low=1),
        "random_state": seed,
    }
    if is_classification(params):
        return TorchMLPClassifier(**settings)  # cross-entropy loss
    return TorchMLPRegressor(**settings)  # mean squared error on the standardised target
{% else %}
    if is_classification(params):
        return LogisticRegression(
            C=model_setting(params, "C", 1.0, low=0, strict=True),
            max_iter=model_setting(params, "max_iter", 1000, low=1),
            random_state=seed,
        )
    return Ridge(alpha=model_setting(params, "alpha", 1.0, low=0))
{% endif %}


def train(train_data: pd.DataFrame, params: dict[str, Any]) -> Pipeline:
    """Fit the model on `train_data` (features and target together)."""
    features, target = split_xy(train_data, params)
    return build_model(features, params).fit(features, target)


def save_model(model: Pipeline, path: Path | str = MODEL_PATH) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)
    return path


def load_model(path: Path | str = MODEL_PATH) -> Pipeline:
    return joblib.load(path)
