"""Effect sizes of drift between two column summaries, each with the noise its sample sizes leave.

Three distances, all 0 when nothing changed:

- ``wasserstein``: the Wasserstein-1 (earth mover's) distance between the two distributions
  of a numeric column, divided by the reference's standard deviation: a shift of the whole
  column by 0.1 standard deviations is 0.1. From the profiles' bin counts and sums it equals
  ``scipy.stats.wasserstein_distance(ref, cur) / ref.std()`` except where the two CDFs cross
  inside one bin (then it is a little smaller).
- ``jensenshannon``: the Jensen-Shannon distance (natural log, as
  ``scipy.spatial.distance.jensenshannon``) between the shares of the categories (with
  missing values as one more category), or of a numeric column's bins (and its missing values).
- ``psi``: the population stability index, ``sum((q - p) * ln(q / p))`` over the same shares.

The interval. Each distance is (close to) a norm of the difference between two distributions,
and that gives both ends of an interval without resampling or a seed:

- lower end: by the triangle inequality the estimate exceeds the truth by at most the norm of
  the sampling noise, so ``low = estimate - h`` where ``h`` is a high quantile of that norm for
  these sample sizes (Wasserstein: from the exact mean and variance of the L1 norm of a
  Brownian-bridge model of the two CDFs, as a gamma quantile; Jensen-Shannon and PSI: from the
  chi-square law of ``8 n JS`` and ``n PSI``). With no drift, ``low`` exceeds a threshold ``t``
  only when the noise exceeds ``h + t``: false alarms stay below the level at any sample size.
- upper end: a norm is at least its projection on the true difference's direction, so the
  estimate falls short of the truth by at most one Gaussian coordinate of the noise:
  ``high = estimate + z * sd``, where ``sd`` is the largest standard deviation such a
  coordinate can have (for Wasserstein, that of the difference of the means).

Categories (and bins) that the smaller sample expects fewer than 5 rows of are pooled into groups
that it expects 5 rows of, as a chi-square test does (neighbouring bins of a numeric column merge).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from mltest.monitoring._profile import Categorical, Numeric

__all__ = ["METHODS", "Effect", "measure", "measure_missing"]

METHODS = ("wasserstein", "jensenshannon", "psi")
_MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class Effect:
    """A distance, how far below and above it its interval reaches, and the effective sample size.

    ``below`` and ``above`` are on the square-root scale for PSI (where it behaves as a norm).
    """

    method: str
    value: float
    below: float
    above: float
    n_eff: float

    def _to(self, root: float) -> float:
        return root * root if self.method == "psi" else root

    def _root(self, value: float) -> float:
        return math.sqrt(max(value, 0.0)) if self.method == "psi" else value

    @property
    def low(self) -> float:
        return self._to(max(self._root(self.value) - self.below, 0.0))

    @property
    def high(self) -> float:
        return self._to(self._root(self.value) + self.above)

    def detectable(self, threshold: float) -> float:
        """The smallest distance this sample can confirm as drift beyond ``threshold``."""
        return self._to(self._root(threshold) + self.below)

    def rows_needed(self, threshold: float) -> float:
        """The effective sample size at which the noise would be half the threshold (on the root scale)."""
        if self.below == 0:
            return self.n_eff
        return self.n_eff * (2 * self.below / self._root(threshold)) ** 2


def measure(
    method: str, reference: Numeric | Categorical, current: Numeric | Categorical, levels: tuple[float, float]
) -> Effect:
    """The ``method`` distance from ``reference`` to ``current``, its interval's lower end at ``levels[0]``
    and upper end at ``levels[1]`` (one-sided confidence levels)."""
    if method == "wasserstein":
        n_eff = _n_eff(reference.count, current.count)
        value, below, sd = _wasserstein(reference, current, levels[0], n_eff)
        return Effect(method, value, below, NormalDist().inv_cdf(levels[1]) * sd, n_eff)
    n_eff = _n_eff(reference.count + reference.nulls, current.count + current.nulls)
    ordered = isinstance(reference, Numeric)  # bins then missing values: neighbours merge
    return _share_effect(method, *_shares(reference, current), n_eff, levels, ordered=ordered)


def measure_missing(reference: Numeric, current: Numeric, levels: tuple[float, float]) -> Effect | None:
    """The Jensen-Shannon distance between the shares of missing values, or None when neither side has any.

    The Wasserstein distance compares the values that are there; a feature that an upstream bug
    blanks in 30% of the rows leaves the rest distributed as before, so its missing share is judged too.
    """
    if reference.nulls == 0 and current.nulls == 0:
        return None
    p = np.array([reference.count, reference.nulls], dtype=float)
    q = np.array([current.count, current.nulls], dtype=float)
    n_eff = _n_eff(reference.count + reference.nulls, current.count + current.nulls)
    return _share_effect("jensenshannon", p, q, n_eff, levels, ordered=True)


def _share_effect(
    method: str, p: np.ndarray, q: np.ndarray, n_eff: float, levels: tuple[float, float], *, ordered: bool
) -> Effect:
    """Jensen-Shannon or PSI between bucket counts ``p`` and ``q``, with its interval."""
    p, q = _pooled(p, q, ordered=ordered)
    df = max(len(p) - 1, 0)
    if df == 0:
        return Effect(method, 0.0, 0.0, 0.0, n_eff)
    noise = chi2_quantile(df, levels[0]) / n_eff
    z = NormalDist().inv_cdf(levels[1])
    if method == "jensenshannon":
        return Effect(method, _jensenshannon(p, q), math.sqrt(noise / 8), z / math.sqrt(8 * n_eff), n_eff)
    return Effect(method, _psi(p, q), math.sqrt(noise), z / math.sqrt(n_eff), n_eff)


def _n_eff(n: int, m: int) -> float:
    return n * m / (n + m)


# --- Wasserstein -------------------------------------------------------------------------------


def _bin_integrals(column: Numeric) -> np.ndarray:
    """The integral of the empirical CDF over each bin (of 1 - CDF over the last), exact from counts and sums."""
    n = column.count
    e = column.edges
    cdf = np.cumsum(column.counts)[:-1] / n  # at each inner edge
    first = e[0] * cdf[0] - column.sums[0] / n
    inner = e[1:] * cdf[1:] - e[:-1] * cdf[:-1] - column.sums[1:-1] / n
    last = column.sums[-1] / n - e[-1] * (1 - cdf[-1])
    return np.concatenate(([first], inner, [-last]))


def _wasserstein(reference: Numeric, current: Numeric, level: float, n_eff: float) -> tuple[float, float, float]:
    """(distance, noise quantile at ``level``, sd of the noise's largest coordinate), in reference sds."""
    scale = reference.std
    if len(reference.edges) == 0:  # a constant reference: one bin, the distance is the gap between the means
        distance, noise, sd = abs(current.mean - reference.mean), 0.0, 0.0
    else:
        distance = float(np.abs(_bin_integrals(reference) - _bin_integrals(current)).sum())
        noise, sd = _l1_noise(reference, current, level, n_eff)
    if scale == 0:
        return (0.0, 0.0, 0.0) if distance == 0 else (math.inf, 0.0, 0.0)
    return distance / scale, noise / scale, sd / scale


def _l1_noise(reference: Numeric, current: Numeric, level: float, n_eff: float) -> tuple[float, float]:
    """For a Brownian-bridge model of the two CDFs, the noise in each bin's CDF integral: the ``level``
    quantile of the sum of their absolute values, and the standard deviation of their plain sum."""
    counts = reference.counts + current.counts
    sums = reference.sums + current.sums
    cdf = np.cumsum(counts)[:-1] / counts.sum()
    e = reference.edges
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)
    half = np.concatenate(([max(e[0] - means[0], 0.0)], np.diff(e) / 2, [max(means[-1] - e[-1], 0.0)]))
    # bin b's integral noise is left[b] * noise(edge b-1) + right[b] * noise(edge b): a bidiagonal map of the
    # Brownian-bridge covariance of the edges, done with shifted slices (a matrix product is slower here)
    left = np.concatenate(([0.0], half[1:]))
    right = np.concatenate((half[:-1], [0.0]))
    left[-1] *= 2  # the open outer bins: all of the edge's noise, over their mean distance to the edge
    right[0] *= 2
    low, high = np.minimum.outer(cdf, cdf), np.maximum.outer(cdf, cdf)
    bridge = np.pad((low * (1 - high)) / n_eff, 1)  # zero noise beyond the outer edges
    covariance = (
        np.outer(left, left) * bridge[:-1, :-1]
        + np.outer(left, right) * bridge[:-1, 1:]
        + np.outer(right, left) * bridge[1:, :-1]
        + np.outer(right, right) * bridge[1:, 1:]
    )  # every entry >= 0
    sd = np.sqrt(np.clip(np.diag(covariance), 0, None))
    keep = sd > 0
    if not keep.any():
        return 0.0, 0.0
    sd, covariance = sd[keep], covariance[np.ix_(keep, keep)]
    rho = np.clip(covariance / np.outer(sd, sd), -1.0, 1.0)
    # E|X||Y| for a standard bivariate normal with correlation rho, minus E|X| E|Y|
    joint = (2 / math.pi) * (np.sqrt(1 - rho * rho) + rho * np.arcsin(rho) - 1)
    mean = math.sqrt(2 / math.pi) * float(sd.sum())
    variance = float(sd @ joint @ sd)
    return gamma_quantile(mean, variance, level), math.sqrt(max(float(covariance.sum()), 0.0))


# --- Jensen-Shannon and PSI ----------------------------------------------------------------------


def _shares(reference: Numeric | Categorical, current: Numeric | Categorical) -> tuple[np.ndarray, np.ndarray]:
    """Counts per bucket on both sides: bins + missing, or values + other + missing."""

    def buckets(column: Numeric | Categorical) -> np.ndarray:
        if isinstance(column, Numeric):
            return np.concatenate((column.counts, [column.nulls])).astype(float)
        return np.concatenate((column.counts, [column.other, column.nulls])).astype(float)

    return buckets(reference), buckets(current)


def _pooled(p: np.ndarray, q: np.ndarray, *, ordered: bool) -> tuple[np.ndarray, np.ndarray]:
    """Buckets merged into groups that the smaller sample expects at least 5 rows of; empty ones dropped.

    ``ordered`` (a numeric column's bins): neighbouring bins merge, so 100 rows in 100 bins become about
    20 bins of 5, never one bin that sees nothing. Otherwise (categories) the buckets expecting 5 rows
    stay as they are and the rarer ones are grouped among themselves. A group left short at the end
    joins the one before it.
    """
    smaller = min(p.sum(), q.sum())
    expected = (p + q) / (p.sum() + q.sum()) * smaller
    present = np.flatnonzero(p + q > 0)
    if not ordered:
        large = expected[present] >= _MIN_EXPECTED
        present = np.concatenate((present[large], present[~large]))
    groups: list[list[int]] = []
    pending: list[int] = []
    filled = 0.0
    for i in present.tolist():
        pending.append(i)
        filled += expected[i]
        if filled >= _MIN_EXPECTED:
            groups.append(pending)
            pending, filled = [], 0.0
    if pending:
        if groups:
            groups[-1] += pending
        else:
            groups.append(pending)
    return np.array([p[g].sum() for g in groups]), np.array([q[g].sum() for g in groups])


def _jensenshannon(p: np.ndarray, q: np.ndarray) -> float:
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p / m), 0.0) + np.where(q > 0, q * np.log(q / m), 0.0)
    return math.sqrt(max(float(terms.sum()) / 2, 0.0))


def _psi(p: np.ndarray, q: np.ndarray) -> float:
    if (p == 0).any() or (q == 0).any():  # a bucket empty on one side: half a row in every bucket
        p, q = p + 0.5, q + 0.5
    p, q = p / p.sum(), q / q.sum()
    return float(((q - p) * np.log(q / p)).sum())


# --- quantiles without scipy ---------------------------------------------------------------------


def chi2_quantile(df: int, level: float) -> float:
    """The ``level`` quantile of chi-square with ``df`` degrees of freedom (Wilson-Hilferty; exact for df=1)."""
    if df == 1:
        return NormalDist().inv_cdf((1 + level) / 2) ** 2
    z = NormalDist().inv_cdf(level)
    c = 2 / (9 * df)
    return df * max(1 - c + z * math.sqrt(c), 0.0) ** 3


def gamma_quantile(mean: float, variance: float, level: float) -> float:
    """The ``level`` quantile of the gamma law with this mean and variance (Wilson-Hilferty)."""
    if variance <= 0:
        return mean
    shape = mean * mean / variance
    z = NormalDist().inv_cdf(level)
    return mean * max(1 - 1 / (9 * shape) + z / (3 * math.sqrt(shape)), 0.0) ** 3
