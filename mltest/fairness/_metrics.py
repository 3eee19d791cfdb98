"""Per-group confusion counts in one vectorised pass, and the rates and disparities built on them.

Every binary fairness metric is a function of each group's 2x2 confusion table (true/false
negatives/positives, weighted by ``sample_weight``). With the group key of every row from
:mod:`mltest.fairness._groups`, all tables come from a single ``np.bincount`` over
``key * 4 + y_true * 2 + y_pred``. The rate functions take tables of any leading shape, so the
same code serves the point estimate and the (resamples x groups) bootstrap draws.

Conventions are fairlearn's (which are scikit-learn's ``confusion_matrix(normalize="true")``):
a rate whose denominator is zero (e.g. the true positive rate of a group with no positives)
is 0; a ratio 0/0 is NaN.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mltest.errors import InvalidArgument, invalid_argument
from mltest.fairness import _inputs
from mltest.fairness._groups import Groups, factorise

__all__ = [
    "CONFUSION_METRICS",
    "METHODS",
    "Counts",
    "count",
    "difference",
    "ratio",
]

METHODS = ("between_groups", "to_overall")

# Cell order of the last axis of a confusion table: index y_true * 2 + y_pred.
TN, FP, FN, TP = 0, 1, 2, 3


def _div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)


def _selection_rate(c: np.ndarray) -> np.ndarray:
    return _div(c[..., FP] + c[..., TP], c.sum(axis=-1))


def _tpr(c: np.ndarray) -> np.ndarray:
    return _div(c[..., TP], c[..., TP] + c[..., FN])


def _fpr(c: np.ndarray) -> np.ndarray:
    return _div(c[..., FP], c[..., FP] + c[..., TN])


def _fnr(c: np.ndarray) -> np.ndarray:
    return _div(c[..., FN], c[..., TP] + c[..., FN])


def _tnr(c: np.ndarray) -> np.ndarray:
    return _div(c[..., TN], c[..., FP] + c[..., TN])


def _accuracy(c: np.ndarray) -> np.ndarray:
    return _div(c[..., TP] + c[..., TN], c.sum(axis=-1))


def _error_rate(c: np.ndarray) -> np.ndarray:
    return _div(c[..., FP] + c[..., FN], c.sum(axis=-1))


def _precision(c: np.ndarray) -> np.ndarray:
    return _div(c[..., TP], c[..., TP] + c[..., FP])


# name -> (function of a confusion table, whether it needs y_true)
CONFUSION_METRICS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], bool]] = {
    "selection_rate": (_selection_rate, False),
    "true_positive_rate": (_tpr, True),
    "recall": (_tpr, True),
    "false_positive_rate": (_fpr, True),
    "false_negative_rate": (_fnr, True),
    "true_negative_rate": (_tnr, True),
    "accuracy": (_accuracy, True),
    "error_rate": (_error_rate, True),
    "precision": (_precision, True),
}


@dataclass
class Counts:
    """Per-group confusion tables of the groups that occur (sorted by group key).

    ``cells`` holds weighted totals (plain counts without weights), ``cell_rows`` row counts,
    both of shape (groups, 4) in the order tn, fp, fn, tp.
    """

    columns: list[str]
    labels: list[tuple[Any, ...]]
    rows: np.ndarray
    cells: np.ndarray
    cell_rows: np.ndarray
    has_y_true: bool
    groups: Groups | None = None  # the row-level keys (not available for Spark input)
    keys: np.ndarray | None = None  # the group key of each group, in order

    @property
    def overall(self) -> np.ndarray:
        return self.cells.sum(axis=0)


def check_method(method: str) -> None:
    if method not in METHODS:
        raise invalid_argument("method", method, "'between_groups' or 'to_overall'", choices=METHODS)


def prepare(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    sample_weight: Any = None,
    data: Any = None,
    need_y_true: bool = True,
    pos_label: Any = None,
) -> Counts:
    """Check the inputs and count the confusion table of every group in one pass."""
    if _inputs.is_spark(data):
        from mltest.fairness import _spark

        return _spark.count(
            data,
            y_true=y_true,
            y_pred=y_pred,
            sensitive_features=sensitive_features,
            sample_weight=sample_weight,
            need_y_true=need_y_true,
            pos_label=pos_label,
        )
    # y_true is checked whenever it is given, also where the metric does not read it
    read_true = need_y_true or y_true is not None
    if pos_label is not None:
        pred = _inputs.as_array("y_pred", y_pred, data=data)
        n = len(pred)
        true = _inputs.as_array("y_true", y_true, data=data, n=n) if read_true else None
        true, pred = _inputs.binary_pair(true, pred, pos_label)
    else:
        pred = _inputs.as_labels("y_pred", y_pred, data=data)
        n = len(pred)
        true = _inputs.as_labels("y_true", y_true, data=data, n=n) if read_true else None
    if not need_y_true:
        true = None
    weights = _inputs.as_weights(sample_weight, data=data, n=n)
    groups = factorise(_inputs.sensitive_columns(sensitive_features, data=data, n=n))
    return count(groups, true, pred, weights)


def count(groups: Groups, y_true: np.ndarray | None, y_pred: np.ndarray, weights: np.ndarray | None) -> Counts:
    """The confusion table of every group that occurs, from one bincount over the rows."""
    if groups.owned:  # reuse the key's memory: it is not needed after this pass
        index = groups.key
        index <<= 2
        groups.key = None
    else:
        index = np.left_shift(groups.key, 2, dtype=np.intp)
    if y_true is not None:
        index += np.left_shift(y_true, 1)
    index += y_pred
    size = groups.size * 4
    cell_rows = np.bincount(index, minlength=size).reshape(-1, 4)
    cells = cell_rows if weights is None else np.bincount(index, weights=weights, minlength=size).reshape(-1, 4)
    rows = cell_rows.sum(axis=1)
    keys = np.flatnonzero(rows)
    counts = Counts(
        columns=groups.columns,
        labels=groups.labels(keys),
        rows=rows[keys],
        cells=cells[keys].astype(float),
        cell_rows=cell_rows[keys],
        has_y_true=y_true is not None,
        groups=groups,
        keys=keys,
    )
    check_groups(counts)
    return counts


def check_groups(counts: Counts) -> None:
    if len(counts.labels) < 2:
        label = counts.labels[0] if counts.labels else ()
        shown = label[0] if len(label) == 1 else label
        raise InvalidArgument(
            f"sensitive_features has a single group ({shown!r}, {int(counts.rows.sum())} rows): "
            "a fairness metric compares at least two groups; check that the right column was passed"
        )


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
