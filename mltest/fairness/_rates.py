"""The rates of a 2x2 confusion table, the per-row metrics of numbers, and fairlearn's disparities.

A rate function takes tables of any leading shape with the cells (tn, fp, fn, tp) on the last
axis, so the same code serves the point values and the (resamples x groups) bootstrap draws.
Each rate also says which rows determine it (its *support*): all rows for a selection rate,
the positives for a true positive rate, and so on. A group with an empty support has no value
(:mod:`mltest.fairness._measure` reports it and does not judge it); fairlearn's functions,
which read 0 there, get 0 from :func:`rate_values`.

Conventions of the disparities are fairlearn's (``MetricFrame.difference``/``ratio``): NaN
is ignored, a ratio 0/0 is NaN.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["RATES", "VALUE_METRICS", "Rate", "ValueMetric", "difference", "rate_values", "ratio"]

TN, FP, FN, TP = 0, 1, 2, 3


@dataclass(frozen=True)
class Rate:
    """``numerator / denominator`` of a table's cells; ``support`` names the denominator's rows."""

    numerator: tuple[int, ...]
    denominator: tuple[int, ...]
    support: str  # "n" (every row), "positives", "negatives" or "predicted_positives"
    needs_y_true: bool = True

    def of(self, tables: np.ndarray) -> np.ndarray:
        """The rate, 0 where the denominator is empty (fairlearn's convention)."""
        num = tables[..., list(self.numerator)].sum(axis=-1)
        den = self.size(tables)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)

    def size(self, tables: np.ndarray) -> np.ndarray:
        return tables[..., list(self.denominator)].sum(axis=-1)


_ALL = (TN, FP, FN, TP)
RATES: dict[str, Rate] = {
    "selection_rate": Rate((FP, TP), _ALL, "n", needs_y_true=False),
    "true_positive_rate": Rate((TP,), (TP, FN), "positives"),
    "recall": Rate((TP,), (TP, FN), "positives"),
    "false_positive_rate": Rate((FP,), (FP, TN), "negatives"),
    "false_negative_rate": Rate((FN,), (TP, FN), "positives"),
    "true_negative_rate": Rate((TN,), (FP, TN), "negatives"),
    "accuracy": Rate((TP, TN), _ALL, "n"),
    "error_rate": Rate((FP, FN), _ALL, "n"),
    "precision": Rate((TP,), (TP, FP), "predicted_positives"),
}


def rate_values(name: str, tables: np.ndarray) -> np.ndarray:
    """fairlearn's value of rate ``name`` for each table."""
    return RATES[name].of(tables)


@dataclass(frozen=True)
class ValueMetric:
    """A per-row quantity averaged within each group, then ``finish`` (e.g. a square root)."""

    per_row: Callable[[np.ndarray, np.ndarray], np.ndarray]
    finish: Callable[[np.ndarray], np.ndarray] = np.asarray


def _absolute_error(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    error = np.subtract(t, p)
    return np.abs(error, out=error)  # in place: one array of the data's size, not two


def _squared_error(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    error = np.subtract(t, p)
    return np.square(error, out=error)


# Metrics of numbers (regression targets, scores), by scikit-learn's and fairlearn's names.
VALUE_METRICS: dict[str, ValueMetric] = {
    "mean_absolute_error": ValueMetric(_absolute_error),
    "mean_squared_error": ValueMetric(_squared_error),
    "root_mean_squared_error": ValueMetric(_squared_error, np.sqrt),
    "mean_prediction": ValueMetric(lambda t, p: p),
}


def _nan_reduce(fn: Callable[..., np.ndarray], values: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(values, axis=-1)


def difference(values: np.ndarray, overall: np.ndarray | float, method: str) -> np.ndarray:
    """fairlearn's ``MetricFrame.difference`` along the last axis (groups), ignoring NaN."""
    if method == "between_groups":
        return _nan_reduce(np.nanmax, values) - _nan_reduce(np.nanmin, values)
    return _nan_reduce(np.nanmax, np.abs(values - np.expand_dims(overall, -1)))


def ratio(values: np.ndarray, overall: np.ndarray | float, method: str) -> np.ndarray:
    """fairlearn's ``MetricFrame.ratio`` along the last axis: always <= 1; 0/0 is NaN."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "between_groups":
            return _nan_reduce(np.nanmin, values) / _nan_reduce(np.nanmax, values)
        r = values / np.expand_dims(overall, -1)
        r = np.where(r > 1, 1 / r, r)
    return _nan_reduce(np.nanmin, r)
