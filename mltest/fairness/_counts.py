"""Per-group confusion matrices in one vectorised pass (pandas, polars, numpy and lists).

Every classification fairness metric is a function of each group's confusion matrix between
the true and the predicted class (weighted by ``sample_weight``). With the group key of every
row from :mod:`mltest.fairness._groups` and the class codes from :mod:`mltest.fairness._labels`,
all matrices come from a single ``np.bincount`` over ``key * K * K + true * K + pred``: no
Python call per group. :meth:`Counts.one_vs_rest` folds a matrix into the 2x2 table (tn, fp,
fn, tp) of each measured class, for the point values and the bootstrap draws alike.

Spark DataFrames are counted by :mod:`mltest.fairness._spark` into the same :class:`Counts`;
:mod:`mltest.fairness._pipeline` picks the backend from the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mltest.errors import InvalidArgument
from mltest.fairness import _inputs, _labels
from mltest.fairness._groups import Groups, factorise
from mltest.fairness._options import Inputs, Options

__all__ = ["Counts", "count", "require_two_groups"]


@dataclass(frozen=True)
class Counts:
    """The confusion matrix of every group that occurs, groups in the order of ``groups``.

    ``cells`` holds weighted totals (plain counts without weights) and ``cell_rows`` row
    counts, both of shape (groups, true classes, predicted classes); without ``y_true`` the
    true axis has length 1. ``classes`` names the codes and ``measured`` the codes whose
    one-vs-rest rates are measured; ``binary`` means binary labels (results name no class).
    """

    columns: tuple[str, ...]
    groups: list[tuple[Any, ...]]
    rows: np.ndarray
    cells: np.ndarray
    cell_rows: np.ndarray
    classes: tuple[Any, ...]
    measured: tuple[int, ...]
    binary: bool

    @property
    def has_y_true(self) -> bool:
        return self.cells.shape[-2] > 1

    def one_vs_rest(self, matrices: np.ndarray) -> np.ndarray:
        """(..., true, pred) matrices -> (..., measured classes, 4) tables tn, fp, fn, tp."""
        codes = np.asarray(self.measured)
        total = matrices.sum(axis=(-2, -1))[..., None]
        predicted = matrices[..., :, codes].sum(axis=-2)
        if self.has_y_true:
            tp = matrices[..., codes, codes]
            fn = matrices[..., codes, :].sum(axis=-1) - tp
        else:  # no y_true: every row counts as a negative, as in fairlearn's selection rate
            tp = fn = np.zeros_like(predicted)
        fp = predicted - tp
        return np.stack([total - tp - fn - fp, fp, fn, tp], axis=-1)


def require_two_groups(groups: list[tuple[Any, ...]], rows: int) -> None:
    """A fairness metric compares groups: one group is an error (the column is probably wrong)."""
    if len(groups) < 2:
        label = groups[0] if groups else ()
        shown = label[0] if len(label) == 1 else label
        raise InvalidArgument(
            f"sensitive_features has a single group ({shown!r}, {rows} rows): "
            "a fairness metric compares at least two groups; check that the right column was passed"
        )


def count(inputs: Inputs, options: Options, *, need_y_true: bool) -> Counts:
    """Check the inputs and count every group's confusion matrix in one pass.

    ``y_true`` is read and checked whenever it is given, also where the metric does not need
    it (demographic parity); it is counted only when ``need_y_true``.
    """
    data = inputs.data
    pred = _inputs.as_array("y_pred", inputs.y_pred, data=data)
    n = len(pred)
    true = None
    if need_y_true or inputs.y_true is not None:
        true = _inputs.as_array("y_true", inputs.y_true, data=data, n=n)
    labels = _labels.encode(true, pred, options)
    weights = _inputs.as_weights(inputs.sample_weight, data=data, n=n)
    groups = factorise(_inputs.sensitive_columns(inputs.sensitive_features, data=data, n=n))
    return _bincount(groups, labels, weights, need_y_true=need_y_true)


def _bincount(groups: Groups, labels: _labels.Labels, weights: np.ndarray | None, *, need_y_true: bool) -> Counts:
    n_pred = len(labels.classes)
    n_true = n_pred if need_y_true else 1
    width = n_true * n_pred
    if groups.owned:  # reuse the key's memory: it is not needed after this pass
        index = groups.key
        index *= width
        groups.key = None
    else:
        index = np.multiply(groups.key, width, dtype=np.intp)
    if need_y_true:
        index += labels.true * n_pred if n_pred > 2 else np.left_shift(labels.true, 1)
    index += labels.pred
    size = groups.size * width
    cell_rows = np.bincount(index, minlength=size).reshape(-1, n_true, n_pred)
    cells = cell_rows if weights is None else np.bincount(index, weights=weights, minlength=size)
    rows = cell_rows.sum(axis=(1, 2))
    keys = np.flatnonzero(rows)
    labels_of_groups = groups.labels(keys)
    require_two_groups(labels_of_groups, int(rows.sum()))
    return Counts(
        columns=tuple(groups.columns),
        groups=labels_of_groups,
        rows=rows[keys],
        cells=np.asarray(cells, dtype=float).reshape(-1, n_true, n_pred)[keys],
        cell_rows=cell_rows[keys],
        classes=labels.classes,
        measured=labels.measured,
        binary=labels.binary,
    )
