"""Score the model on the test set (the `evaluate` stage): metrics and plot data for DVC.

What is measured follows params.yaml's data.task:
- binary: accuracy, balanced accuracy, ROC AUC of data.positive_class's probability and, per
  sensitive attribute, the gap in the share of positive predictions between groups;
- multiclass: accuracy, balanced accuracy, macro F1, ROC AUC (one class against the rest,
  averaged) and, per sensitive attribute, the largest gap over the classes in the share of
  predictions of that class;
- regression: mean absolute error, root mean squared error, R² and, per sensitive attribute,
  the gap between groups in mean absolute error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    roc_auc_score,
    roc_curve,
)

from {{ cookiecutter.package_name }}.config import task
from {{ cookiecutter.package_name }}.features import split_xy

REPORTS_DIR = Path("reports")


def selection_rate_difference(predictions: pd.Series, groups: pd.Series, positive: Any) -> float:
    """Largest difference between groups in the share of positive predictions."""
    rates = (predictions == positive).groupby(groups.to_numpy()).mean()
    return float(rates.max() - rates.min())


def largest_selection_rate_difference(
    predictions: pd.Series, groups: pd.Series, classes: list
) -> float:
    """The selection-rate difference between groups of the class where it is largest."""
    return max(selection_rate_difference(predictions, groups, label) for label in classes)


def mae_difference(target: pd.Series, predictions: pd.Series, groups: pd.Series) -> float:
    """Largest difference between groups in mean absolute error."""
    errors = (target - predictions).abs().groupby(groups.to_numpy()).mean()
    return float(errors.max() - errors.min())


def evaluate(model: Any, test_data: pd.DataFrame, params: dict[str, Any]) -> dict[str, Any]:
    """The metrics of data.task (see the module's docstring), for reports/metrics.json."""
    features, target = split_xy(test_data, params)
    predictions = pd.Series(model.predict(features), index=test_data.index)
    sensitive = params["features"]["sensitive"]
    kind = task(params)
    if kind == "regression":
        return {
            "mae": float(mean_absolute_error(target, predictions)),
            "rmse": float(np.sqrt(mean_squared_error(target, predictions))),
            "r2": float(r2_score(target, predictions)),
            "mae_difference": {
                column: mae_difference(target, predictions, test_data[column])
                for column in sensitive
            },
        }
    metrics: dict[str, Any] = {
        "accuracy": float(accuracy_score(target, predictions)),
        "balanced_accuracy": float(balanced_accuracy_score(target, predictions)),
    }
    classes = list(model.classes_)
    probabilities = model.predict_proba(features)
    if kind == "binary":
        # the ROC AUC scores data.positive_class's probability, and the selection rate is the
        # share of its predictions: nothing depends on how the labels sort
        positive = params["data"]["positive_class"]
        score = probabilities[:, classes.index(positive)]
        metrics["roc_auc"] = float(roc_auc_score(target == positive, score))
        metrics["selection_rate_difference"] = {
            column: selection_rate_difference(predictions, test_data[column], positive)
            for column in sensitive
        }
        return metrics
    metrics["f1_macro"] = float(f1_score(target, predictions, average="macro", labels=classes))
    metrics["roc_auc"] = float(
        roc_auc_score(target, probabilities, multi_class="ovr", labels=classes)
    )
    metrics["selection_rate_difference"] = {
        column: largest_selection_rate_difference(predictions, test_data[column], classes)
        for column in sensitive
    }
    return metrics


def write_reports(
    model: Any, test_data: pd.DataFrame, params: dict[str, Any], out_dir: Path | str = REPORTS_DIR
) -> dict[str, Any]:
    """Write metrics.json, predictions.csv (actual and predicted, every task) and, for a binary
    classifier, roc.csv (the ROC curve of data.positive_class)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics = evaluate(model, test_data, params)
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    features, target = split_xy(test_data, params)
    pd.DataFrame({"actual": target, "predicted": model.predict(features)}).to_csv(
        out_dir / "predictions.csv", index=False
    )
    roc = out_dir / "roc.csv"
    if task(params) != "binary":
        roc.unlink(missing_ok=True)  # left by an earlier binary run: it would describe no model
        return metrics
    positive = params["data"]["positive_class"]
    score = model.predict_proba(features)[:, list(model.classes_).index(positive)]
    fpr, tpr, _ = roc_curve(target == positive, score)
    pd.DataFrame({"fpr": fpr, "tpr": tpr}).to_csv(roc, index=False)
    return metrics
