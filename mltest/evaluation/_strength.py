"""How well one column predicts another, cross-validated, by counting.

A predictor column is coded into levels (:mod:`mltest.evaluation._slices`); its out-of-fold
prediction for a row is what the *other* folds say about the row's level: the smoothed class
shares of that level (classes), or the level's mean (numbers). One ``np.bincount`` over
``(fold, level, class)`` gives every fold's counts at once, so scoring a column costs one pass
over the rows. The strength is the out-of-fold AUC (one-vs-rest, averaged over classes: 0.5 is
chance, 1.0 a perfect stand-in) or R² (1.0: the column determines the number).

``joint_auc`` scores all columns together with a small cross-validated model (scikit-learn's
logistic regression on the columns' levels, one-hot encoded).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest.evaluation._slices import Coded
from mltest.evaluation._stats import macro_auc

__all__ = ["Target", "fold_ids", "joint_auc", "level_strength", "target"]

_SMOOTHING = 1.0  # pseudo-rows of the overall class shares added to each level


class Target:
    """What is predicted: class codes ``0 .. k-1`` (``classes`` names them) or numbers."""

    def __init__(self, codes: np.ndarray | None, classes: list[Any] | None, values: np.ndarray | None) -> None:
        self.codes, self.classes, self.values = codes, classes, values

    @property
    def is_classes(self) -> bool:
        return self.codes is not None


def target(values: np.ndarray, *, as_classes: bool) -> Target:
    """``values`` as class codes (missing values are a class) or as floats."""
    import pandas as pd

    if not as_classes:
        return Target(None, None, values.astype(float))
    codes, uniques = pd.factorize(pd.Series(values), use_na_sentinel=False, sort=True)
    return Target(np.asarray(codes, dtype=np.int64), list(uniques), None)


def fold_ids(rows: int, folds: int, seed: int, strata: np.ndarray | None = None) -> np.ndarray:
    """A fold number per row, at random; with ``strata`` each stratum is spread evenly over the folds."""
    rng = np.random.default_rng(seed)
    if strata is None:
        return rng.permutation(rows) % folds
    order = np.lexsort((rng.random(rows), strata))  # shuffled within each stratum
    out = np.empty(rows, dtype=np.int64)
    out[order] = np.arange(rows) % folds
    return out


def _class_strength(column: Coded, y: Target, fold: np.ndarray, folds: int) -> float:
    k, levels = len(y.classes), column.levels
    counts = np.bincount((fold * levels + column.codes) * k + y.codes, minlength=folds * levels * k)
    counts = counts.reshape(folds, levels, k).astype(float)
    outside = counts.sum(axis=0, keepdims=True) - counts  # (fold, level, class) from the other folds
    prior = outside.sum(axis=1, keepdims=True) / np.maximum(outside.sum(axis=(1, 2), keepdims=True), 1)
    shares = (outside + _SMOOTHING * prior) / (outside.sum(axis=2, keepdims=True) + _SMOOTHING)
    return macro_auc(y.codes, shares[fold, column.codes])


def _number_strength(column: Coded, y: Target, fold: np.ndarray, folds: int) -> float:
    levels = column.levels
    key = fold * levels + column.codes
    n = np.bincount(key, minlength=folds * levels).reshape(folds, levels)
    s = np.bincount(key, weights=y.values, minlength=folds * levels).reshape(folds, levels)
    n_out, s_out = n.sum(axis=0) - n, s.sum(axis=0) - s
    fold_mean = s_out.sum(axis=1, keepdims=True) / np.maximum(n_out.sum(axis=1, keepdims=True), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        level_mean = np.where(n_out > 0, s_out / np.maximum(n_out, 1), fold_mean)
    predicted = level_mean[fold, column.codes]
    spread = ((y.values - y.values.mean()) ** 2).sum()
    return float(1 - ((y.values - predicted) ** 2).sum() / spread) if spread > 0 else float("nan")


def level_strength(column: Coded, y: Target, fold: np.ndarray, folds: int) -> float:
    """Out-of-fold AUC (classes) or R² (numbers) of predicting ``y`` from ``column``'s level alone."""
    if y.is_classes:
        return _class_strength(column, y, fold, folds)
    return _number_strength(column, y, fold, folds)


def joint_auc(columns: list[Coded], y: Target, fold: np.ndarray, folds: int) -> float:
    """Out-of-fold AUC of a logistic regression on every column's levels (one-hot), predicting ``y``'s class."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    offsets = np.cumsum([0] + [c.levels for c in columns])
    rows = len(fold)
    indices = np.stack([c.codes + offsets[i] for i, c in enumerate(columns)], axis=1).ravel()
    indptr = np.arange(0, rows * len(columns) + 1, len(columns))
    design = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(rows, int(offsets[-1])))
    proba = np.zeros((rows, len(y.classes)))
    for f in range(folds):
        train, test = fold != f, fold == f
        present = np.unique(y.codes[train])
        if len(present) < 2:
            proba[np.ix_(test, present)] = 1.0
            continue
        solver = "liblinear" if len(present) == 2 else "newton-cholesky"  # fast on one-hot levels
        model = LogisticRegression(solver=solver).fit(design[train], y.codes[train])
        proba[np.ix_(test, model.classes_)] = model.predict_proba(design[test])
    return macro_auc(y.codes, proba)
