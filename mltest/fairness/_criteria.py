"""fairlearn's disparity metrics, same names, signatures and values, computed in one pass.

``demographic_parity_*`` compare selection rates, ``equal_opportunity_*`` true positive
rates, ``equalized_odds_*`` both true and false positive rates. ``*_difference`` is
``max - min`` over the groups (``to_overall``: the largest ``|group - overall|``), ``*_ratio``
is ``min / max`` (``to_overall``: the smallest ``group/overall`` or its inverse, whichever
is <= 1). Beyond fairlearn, ``data=`` lets every argument be a column name of a pandas,
polars or PySpark DataFrame.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from mltest.errors import invalid_argument
from mltest.fairness import _inputs
from mltest.fairness._metrics import _fpr, _selection_rate, _tpr, check_method, difference, prepare, ratio

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
    """The (weighted) fraction of predictions equal to ``pos_label``; ``y_true`` is ignored.

    Same as ``fairlearn.metrics.selection_rate``.
    """
    pred = _inputs.to_numpy("y_pred", y_pred)
    _inputs.check_length("y_pred", pred, None)
    selected = pred == pos_label
    weights = _inputs.as_weights(sample_weight, n=len(pred))
    if weights is None:
        return float(np.count_nonzero(selected) / len(selected))
    return float(np.dot(selected, weights) / weights.sum())


def _disparities(rates, measure, y_true, y_pred, sensitive_features, method, sample_weight, data, pos_label=None):
    """``measure`` (difference or ratio) of each of ``rates`` over the groups, from one counting pass."""
    check_method(method)
    counts = prepare(
        y_true,
        y_pred,
        sensitive_features=sensitive_features,
        sample_weight=sample_weight,
        data=data,
        need_y_true=rates != (_selection_rate,),
        pos_label=pos_label,
    )
    return [float(measure(rate(counts.cells), rate(counts.overall), method)) for rate in rates]


def _disparity(rate, measure, *args, pos_label=None) -> float:
    return _disparities((rate,), measure, *args, pos_label=pos_label)[0]


def demographic_parity_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    data: Any = None,
    pos_label: Any = None,
) -> float:
    """Largest minus smallest group selection rate ``P(h(X)=1 | A=a)``; 0 means parity."""
    return _disparity(
        _selection_rate,
        difference,
        y_true,
        y_pred,
        sensitive_features,
        method,
        sample_weight,
        data,
        pos_label=pos_label,
    )


def demographic_parity_ratio(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    data: Any = None,
    pos_label: Any = None,
) -> float:
    """Smallest over largest group selection rate; 1 means parity, 0.8 is the four-fifths rule."""
    return _disparity(
        _selection_rate, ratio, y_true, y_pred, sensitive_features, method, sample_weight, data, pos_label=pos_label
    )


def equal_opportunity_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    data: Any = None,
    pos_label: Any = None,
) -> float:
    """Largest minus smallest group true positive rate ``P(h(X)=1 | A=a, Y=1)``."""
    return _disparity(
        _tpr, difference, y_true, y_pred, sensitive_features, method, sample_weight, data, pos_label=pos_label
    )


def equal_opportunity_ratio(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    data: Any = None,
    pos_label: Any = None,
) -> float:
    """Smallest over largest group true positive rate."""
    return _disparity(_tpr, ratio, y_true, y_pred, sensitive_features, method, sample_weight, data, pos_label=pos_label)


def _equalized_odds(kind, y_true, y_pred, sensitive_features, method, sample_weight, agg, data, pos_label) -> float:
    if agg not in _AGGS:
        raise invalid_argument("agg", agg, "'worst_case' or 'mean'", choices=_AGGS)
    measure = difference if kind == "difference" else ratio
    tpr, fpr = _disparities(
        (_tpr, _fpr), measure, y_true, y_pred, sensitive_features, method, sample_weight, data, pos_label
    )
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
) -> float:
    """The larger (``agg="mean"``: the mean) of the true and false positive rate differences."""
    return _equalized_odds(
        "difference", y_true, y_pred, sensitive_features, method, sample_weight, agg, data, pos_label
    )


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
) -> float:
    """The smaller (``agg="mean"``: the mean) of the true and false positive rate ratios."""
    return _equalized_odds("ratio", y_true, y_pred, sensitive_features, method, sample_weight, agg, data, pos_label)
