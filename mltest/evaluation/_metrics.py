"""Slice metrics as a weighted mean of a per-row score, so that one bincount gives every slice's value.

============================  ==============  =============================  ==================
metric                        tasks           per-row score (weight)         better
============================  ==============  =============================  ==================
``accuracy``                  all classes     prediction is right (1)         higher
``recall``                    binary          prediction is positive (y+)     higher
``precision``                 binary          label is positive (pred+)       higher
``mean_absolute_error``       regression      ``|y - pred|`` (1)              lower
``mean_squared_error``        regression      ``(y - pred)**2`` (1)           lower
============================  ==============  =============================  ==================

``recall`` is the accuracy on the rows whose label is positive, ``precision`` on the rows
predicted positive: the weight picks the rows, the score is 0 or 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mltest import _validation
from mltest.errors import invalid_argument

__all__ = ["METRICS", "RowScores", "default_metric", "row_scores"]

# name: (tasks, higher is better, scores are 0/1)
METRICS: dict[str, tuple[tuple[str, ...], bool, bool]] = {
    "accuracy": (("binary", "multiclass"), True, True),
    "recall": (("binary",), True, True),
    "precision": (("binary",), True, True),
    "mean_absolute_error": (("regression",), False, False),
    "mean_squared_error": (("regression",), False, False),
}


@dataclass(frozen=True)
class RowScores:
    """Per-row ``score`` and ``weight`` of ``metric``; ``higher_is_better`` gives the gap's sign."""

    metric: str
    score: np.ndarray
    weight: np.ndarray
    higher_is_better: bool
    binary: bool  # scores are 0 or 1 (a rate)


def default_metric(task: str) -> str:
    return "mean_absolute_error" if task == "regression" else "accuracy"


def _positive(y: np.ndarray, pos_label: Any) -> Any:
    import pandas as pd

    labels = sorted(pd.unique(pd.Series(y).dropna()), key=str) if y.dtype.kind == "O" else np.unique(y)
    if pos_label is None:
        return labels[-1]
    if pos_label not in set(labels):
        shown = ", ".join(repr(getattr(v, "item", lambda v=v: v)()) for v in labels)
        raise invalid_argument("pos_label", pos_label, f"one of the labels of y ({shown})")
    return pos_label


def row_scores(metric: Any, task: str, y: np.ndarray, pred: np.ndarray, pos_label: Any = None) -> RowScores:
    """The per-row scores of ``metric`` for ``task`` (the metric is checked against the task)."""
    name = default_metric(task) if metric is None else _validation.choice("metric", metric, METRICS)
    tasks, higher, binary = METRICS[name]
    if task not in tasks:
        allowed = [m for m, spec in METRICS.items() if task in spec[0]]
        raise invalid_argument("metric", metric, f"a {task} metric: one of {', '.join(map(repr, allowed))}")
    ones = np.ones(len(y))
    if task == "regression":
        y_f, p_f = _floats("y", y), _floats("predictions", pred)
        error = np.abs(y_f - p_f) if name == "mean_absolute_error" else (y_f - p_f) ** 2
        return RowScores(name, error, ones, higher, binary)
    right = (pred == y).astype(float)
    if name == "accuracy":
        return RowScores(name, right, ones, higher, binary)
    positive = _positive(y, pos_label)
    if name == "recall":
        return RowScores(name, (pred == positive).astype(float), (y == positive).astype(float), higher, binary)
    return RowScores(name, (y == positive).astype(float), (pred == positive).astype(float), higher, binary)


def _floats(name: str, values: np.ndarray) -> np.ndarray:
    try:
        out = values.astype(float)
    except (TypeError, ValueError):
        raise invalid_argument(name, values, "numbers (the task is regression)") from None
    if not np.isfinite(out).all():
        raise invalid_argument(name, values, "finite numbers (found NaN or infinity)")
    return out
