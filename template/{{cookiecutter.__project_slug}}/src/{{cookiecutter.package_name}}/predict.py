"""Predict with a trained model, from Python or with the `predict` command (see cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.config import is_classification
from {{ cookiecutter.package_name }}.features import feature_columns


def predict(model: Any, data: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    """One row per input row: `prediction`, and for a classifier `probability_<class>` per class.

    A classifier (data.task binary or multiclass) predicts a class and, for each class in the
    model's order (`model.classes_`), its probability; a regressor predicts a number (float).
    `data` needs the model's input columns; any other column (the target, ids) is ignored.
    """
    features = data[feature_columns(data, params)]
    estimator = model
    if isinstance(model, Pipeline) and len(model.steps) > 1:
        # the preprocessing once, for the classes and the probabilities alike (as fast as one
        # model.predict: the web service answers a single row in about that time)
        estimator, features = model[-1], model[:-1].transform(features)
    if not is_classification(params):
        values = np.asarray(estimator.predict(features), dtype=np.float64)
        return pd.DataFrame({"prediction": values}, index=data.index)
    result = pd.DataFrame({"prediction": estimator.predict(features)}, index=data.index)
    for label, column in zip(model.classes_, estimator.predict_proba(features).T, strict=True):
        result[f"probability_{label}"] = column
    return result


def predict_file(
    model: Any, input_csv: Path | str, output_csv: Path | str, params: dict[str, Any]
) -> int:
    """Predict every row of `input_csv` into `output_csv`; return the number of rows."""
    result = predict(model, pd.read_csv(input_csv), params)
    result.to_csv(output_csv, index=False)
    return len(result)
