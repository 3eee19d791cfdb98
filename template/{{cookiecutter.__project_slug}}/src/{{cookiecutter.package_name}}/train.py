"""Build and fit the model (the `train` stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import joblib
import pandas as pd
{% if cookiecutter.framework == "pytorch" %}
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.config import is_classification
from {{ cookiecutter.package_name }}.features import build_preprocessor, split_xy
from {{ cookiecutter.package_name }}.torch_model import TorchMLPClassifier, TorchMLPRegressor
{% else %}
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.config import is_classification
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
    model_params = params["model"]
    seed = params["data"]["seed"]
{% if cookiecutter.framework == "pytorch" %}
    settings = {
        "hidden_size": model_params["hidden_size"],
        "epochs": model_params["epochs"],
        "learning_rate": model_params["learning_rate"],
        "weight_decay": model_params["weight_decay"],
        "batch_size": model_params["batch_size"],
        "random_state": seed,
    }
    if is_classification(params):
        return TorchMLPClassifier(**settings)  # cross-entropy loss
    return TorchMLPRegressor(**settings)  # mean squared error on the standardised target
{% else %}
    if is_classification(params):
        return LogisticRegression(
            C=model_params.get("C", 1.0),
            max_iter=model_params.get("max_iter", 1000),
            random_state=seed,
        )
    return Ridge(alpha=model_params.get("alpha", 1.0))
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
