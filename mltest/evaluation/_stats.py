"""The statistics the evaluation checks share: one-sided tests, multiple-testing corrections, AUC.

Nothing here needs scipy: the normal distribution comes from :mod:`statistics`, and the AUC is
the Mann-Whitney statistic computed from ranks (ties count half).
"""

from __future__ import annotations

from math import erfc, sqrt
from statistics import NormalDist

import numpy as np

__all__ = ["CORRECTIONS", "adjust", "auc", "macro_auc", "upper_p", "z_value"]

CORRECTIONS = ("holm", "bh")
_NORMAL = NormalDist()


def z_value(confidence: float) -> float:
    """The two-sided normal quantile of ``confidence`` (1.96 for 0.95)."""
    return _NORMAL.inv_cdf(0.5 + confidence / 2)


def upper_p(z: np.ndarray) -> np.ndarray:
    """One-sided p-values ``P(Z >= z)`` of standard normal statistics."""
    z = np.asarray(z, dtype=float)
    return np.array([0.5 * erfc(v / sqrt(2)) for v in z.ravel()]).reshape(z.shape)


def adjust(p: np.ndarray, method: str) -> np.ndarray:
    """Adjusted p-values: Holm's step-down (family-wise error) or Benjamini-Hochberg (false discovery rate).

    A hypothesis is rejected at level ``alpha`` when its adjusted p-value is at most ``alpha``.
    """
    p = np.asarray(p, dtype=float)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "holm":
        adjusted = np.maximum.accumulate(np.minimum(ranked * (m - np.arange(m)), 1.0))
    else:  # bh
        adjusted = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
        adjusted = np.minimum(adjusted, 1.0)
    out = np.empty(m)
    out[order] = adjusted
    return out


def auc(positive: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve of ``score`` for the boolean ``positive`` (nan with one class only)."""
    n1 = int(positive.sum())
    n0 = len(positive) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    _, inverse, counts = np.unique(score, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    ranks = (ends - (counts - 1) / 2.0)[inverse]  # average 1-based rank of each tie group
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def macro_auc(classes: np.ndarray, proba: np.ndarray) -> float:
    """AUC for class codes ``0 .. k-1`` and scores ``proba`` (n, k): one-vs-rest, averaged over classes.

    With two classes it is the AUC of the second column.
    """
    k = proba.shape[1]
    if k == 2:
        return auc(classes == 1, proba[:, 1])
    values = [auc(classes == c, proba[:, c]) for c in range(k)]
    values = [v for v in values if v == v]
    return float(np.mean(values)) if values else float("nan")
