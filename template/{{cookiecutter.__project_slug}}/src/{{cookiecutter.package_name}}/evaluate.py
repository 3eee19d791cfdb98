"""Score the model on the test set (the `evaluate` stage): metrics and plot data for DVC."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.metrics import accuracy_score, balanced_accuracy_score, roc_auc_score, roc_curve

from {{ cookiecutter.package_name }}.features import split_xy

REPORTS_DIR = Path("reports")


def selection_rate_difference(predictions: pd.Series, groups: pd.Series, positive: Any) -> float:
    """Largest difference between groups in the share of positive predictions."""
    rates = (predictions == positive).groupby(groups.to_numpy()).mean()
    return float(rates.max() - rates.min())


def evaluate(model: Any, test_data: pd.DataFrame, params: dict[str, Any]) -> dict[str, Any]:
    """Accuracy, balanced accuracy, ROC AUC and, per sensitive attribute, the selection-rate gap.

    The selection rate is the share of predictions of data.positive_class (params.yaml), and
    the ROC AUC scores that class's probability: nothing depends on how the labels sort.
    """
    features, target = split_xy(test_data, params)
    predictions = pd.Series(model.predict(features), index=test_data.index)
    metrics: dict[str, Any] = {
        "accuracy": float(accuracy_score(target, predictions)),
        "balanced_accuracy": float(balanced_accuracy_score(target, predictions)),
    }
    classes = list(model.classes_)
    probabilities = model.predict_proba(features)
    positive = params["data"]["positive_class"]
    if len(classes) == 2:
        score = probabilities[:, classes.index(positive)]
        metrics["roc_auc"] = float(roc_auc_score(target == positive, score))
    else:
        metrics["roc_auc"] = float(
            roc_auc_score(target, probabilities, multi_class="ovr", labels=classes)
        )
    metrics["selection_rate_difference"] = {
        column: selection_rate_difference(predictions, test_data[column], positive)
        for column in params["features"]["sensitive"]
    }
    return metrics


def write_reports(
    model: Any, test_data: pd.DataFrame, params: dict[str, Any], out_dir: Path | str = REPORTS_DIR
) -> dict[str, Any]:
    """Write metrics.json, predictions.csv (confusion matrix) and roc.csv (positive class)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics = evaluate(model, test_data, params)
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    features, target = split_xy(test_data, params)
    pd.DataFrame({"actual": target, "predicted": model.predict(features)}).to_csv(
        out_dir / "predictions.csv", index=False
    )
    positive = params["data"]["positive_class"]
    score = model.predict_proba(features)[:, list(model.classes_).index(positive)]
    fpr, tpr, _ = roc_curve(target == positive, score)
    pd.DataFrame({"fpr": fpr, "tpr": tpr}).to_csv(out_dir / "roc.csv", index=False)
    return metrics
