"""fairlearn's disparity metrics, same names, signatures and values, computed in one pass.

``demographic_parity_*`` compare selection rates, ``equal_opportunity_*`` true positive
rates, ``equalized_odds_*`` both true and false positive rates. ``*_difference`` is
``max - min`` over the groups (``to_overall``: the largest ``|group - overall|``), ``*_ratio``
is ``min / max`` (``to_overall``: the smallest ``group/overall`` or its inverse, whichever
is <= 1). Beyond fairlearn, ``data=`` lets every argument be a column name of a pandas,
polars or PySpark DataFrame, ``pos_label=`` names the positive class of labels of any type,
and ``labels=`` lists the classes of a multiclass task (each is measured one-vs-rest and the
worst class's value returned; with ``pos_label`` too, that class's).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from mltest import _validation
from mltest.fairness import _inputs
from mltest.fairness._labels import absent_pos_label
from mltest.fairness._measure import confusion_counts
from mltest.fairness._options import Inputs, Options, pos_label_value
from mltest.fairness._options import options as build_options
from mltest.fairness._rates import difference, rate_values, ratio

__all__ = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "selection_rate",
]

Method = Literal["between_groups", "to_overall"]
_AGGS = ("worst_case", "mean")


def selection_rate(y_true: Any, y_pred: Any, *, pos_label: Any = 1, sample_weight: Any = None) -> float:
    """The (weighted) fraction of predictions equal to ``pos_label``.

    Same as ``fairlearn.metrics.selection_rate``, except that a ``pos_label`` that no row holds
    while ``y_true`` and ``y_pred`` hold two other classes (a misspelt class) is an error, not 0.
    """
    pos_label = pos_label_value(pos_label)
    pred = _inputs.to_numpy("y_pred", y_pred)
    _inputs.check_length("y_pred", pred, None)
    selected = np.asarray(pred == pos_label)
    if selected.ndim == 0:  # a comparison numpy cannot make elementwise (text with a number)
        selected = np.zeros(len(pred), dtype=bool)
    if not selected.any() and y_true is not None:
        # two classes and neither is pos_label: a misspelt class, not a model that selects nobody
        true = _inputs.to_numpy("y_true", y_true)
        found = {"y_true": true, "y_pred": pred}
        if not np.asarray(true == pos_label).any() and len(pd.unique(np.concatenate([true, pred]))) > 1:
            raise absent_pos_label(pos_label, found)
    weights = _inputs.as_weights(sample_weight, n=len(pred))
    if weights is None:
        return float(np.count_nonzero(selected) / len(selected))
    return float(np.dot(selected, weights) / weights.sum())


def _disparities(rates: tuple[str, ...], kind: str, inputs: Inputs, options: Options) -> list[float]:
    """``kind`` (difference or ratio) of each rate over the groups, from one counting pass.

    With several measured classes (``labels=``), the worst class: the largest difference, the
    smallest ratio.
    """
    counts = confusion_counts(inputs, options, need_y_true=rates != ("selection_rate",))
    tables = counts.one_vs_rest(counts.cells)
    overall = tables.sum(axis=0)
    measure, worst = (difference, np.nanmax) if kind == "difference" else (ratio, np.nanmin)
    out = []
    for name in rates:
        per_class = measure(np.moveaxis(rate_values(name, tables), 0, -1), rate_values(name, overall), options.method)
        out.append(float(worst(per_class)) if not np.isnan(per_class).all() else float("nan"))
    return out


def _options(method: Any, pos_label: Any, labels: Any) -> Options:
    return build_options(method=method, pos_label=pos_label, labels=labels)


def demographic_parity_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    data: Any = None,
    pos_label: Any = None,
    labels: Any = None,
) -> float:
    """Largest minus smallest group selection rate ``P(h(X)=1 | A=a)``; 0 means parity."""
    inputs = Inputs(y_true, y_pred, sensitive_features, sample_weight, data)
    return _disparities(("selection_rate",), "difference", inputs, _options(method, pos_label, labels))[0]


def demographic_parity_ratio(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    data: Any = None,
    pos_label: Any = None,
    labels: Any = None,
) -> float:
    """Smallest over largest group selection rate; 1 means parity, 0.8 is the four-fifths rule."""
    inputs = Inputs(y_true, y_pred, sensitive_features, sample_weight, data)
    return _disparities(("selection_rate",), "ratio", inputs, _options(method, pos_label, labels))[0]


def equal_opportunity_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    data: Any = None,
    pos_label: Any = None,
    labels: Any = None,
) -> float:
    """Largest minus smallest group true positive rate ``P(h(X)=1 | A=a, Y=1)``."""
    inputs = Inputs(y_true, y_pred, sensitive_features, sample_weight, data)
    return _disparities(("true_positive_rate",), "difference", inputs, _options(method, pos_label, labels))[0]


def equal_opportunity_ratio(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    data: Any = None,
    pos_label: Any = None,
    labels: Any = None,
) -> float:
    """Smallest over largest group true positive rate."""
    inputs = Inputs(y_true, y_pred, sensitive_features, sample_weight, data)
    return _disparities(("true_positive_rate",), "ratio", inputs, _options(method, pos_label, labels))[0]


def _equalized_odds(kind: str, agg: Any, inputs: Inputs, options: Options) -> float:
    agg = _validation.choice("agg", agg, _AGGS)
    tpr, fpr = _disparities(("true_positive_rate", "false_positive_rate"), kind, inputs, options)
    if agg == "mean":
        return float(np.nanmean([tpr, fpr])) if not (np.isnan(tpr) and np.isnan(fpr)) else float("nan")
    # fairlearn applies Python's max/min to (tpr, fpr): a NaN first wins, a NaN second loses.
    if kind == "difference":
        return fpr if fpr > tpr else tpr
    return fpr if fpr < tpr else tpr


def equalized_odds_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    agg: Literal["worst_case", "mean"] = "worst_case",
    data: Any = None,
    pos_label: Any = None,
    labels: Any = None,
) -> float:
    """The larger (``agg="mean"``: the mean) of the true and false positive rate differences."""
    inputs = Inputs(y_true, y_pred, sensitive_features, sample_weight, data)
    return _equalized_odds("difference", agg, inputs, _options(method, pos_label, labels))


def equalized_odds_ratio(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    agg: Literal["worst_case", "mean"] = "worst_case",
    data: Any = None,
    pos_label: Any = None,
    labels: Any = None,
) -> float:
    """The smaller (``agg="mean"``: the mean) of the true and false positive rate ratios."""
    inputs = Inputs(y_true, y_pred, sensitive_features, sample_weight, data)
    return _equalized_odds("ratio", agg, inputs, _options(method, pos_label, labels))
