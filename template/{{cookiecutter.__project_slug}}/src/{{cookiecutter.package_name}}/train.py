"""Build and fit the model (the `train` stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import joblib
import pandas as pd
{% if cookiecutter.framework == "pytorch" %}
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.features import build_preprocessor, split_xy
from {{ cookiecutter.package_name }}.torch_model import TorchMLPClassifier
{% else %}
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.features import build_preprocessor, split_xy
{% endif %}

MODEL_PATH = Path("models/model.joblib")


def build_model(features: pd.DataFrame, params: dict[str, Any]) -> Pipeline:
    """An unfitted model: preprocessing followed by the classifier of params.yaml's `model`."""
    model_params = params["model"]
{% if cookiecutter.framework == "pytorch" %}
    classifier = TorchMLPClassifier(
        hidden_size=model_params["hidden_size"],
        epochs=model_params["epochs"],
        learning_rate=model_params["learning_rate"],
        weight_decay=model_params["weight_decay"],
        batch_size=model_params["batch_size"],
        random_state=params["data"]["seed"],
    )
{% else %}
    classifier = LogisticRegression(
        C=model_params["C"],
        max_iter=model_params["max_iter"],
        random_state=params["data"]["seed"],
    )
{% endif %}
    return Pipeline([("preprocess", build_preprocessor(features)), ("classifier", classifier)])


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
