"""Intervals from bootstrap draws: each group's own, and those of the disparities between groups.

A group's interval is the central percentile interval of its draws.

The difference ``max - min`` over many noisy groups is biased upwards: 40 groups of 200 rows,
all selected at 30%, have sample rates about 0.15 apart, and the percentile interval of the
resampled ``max - min`` (0.15 to 0.26) does not even contain the true 0. So the interval of a
disparity comes from a *simultaneous* band over the contrasts it is the largest of: every pair
of groups (``between_groups``) or every group against the overall value (``to_overall``).

With draws ``x`` of each group (resamples x groups), each contrast ``k`` has a centre
``mu_k`` and a standard error ``s_k``; ``c`` is the ``confidence`` quantile over resamples of
``max_k |x_k - mu_k| / s_k(x)`` (a sup-t band, as Tukey's studentized range is for pairs; for
rates ``s_k(x)`` is the binomial standard error at the resampled rates, a bootstrap-t, which
keeps the coverage when groups near 0 or 1 vary less than the rest). Then, with probability
``confidence``, every true contrast lies in ``mu_k +- c s_k`` at once, and so the true
difference ``max_k |contrast_k|`` lies between ``max_k dist(0, band_k)`` and
``max_k max|band_k|``. With two groups this is the usual interval of ``|a - b|``; with many, a
fair model's difference is "violated" in at most ``1 - confidence`` of samples.

The ratio ``min / max`` is ``exp(-difference of the log values)``: for positive metrics of
numbers, the same band on the log scale. A rate is often near 0 (a group nobody in which is
selected), where a band on the log scale fails; its ratio is bounded by simultaneous
percentile intervals of the groups, which are exact there. The caller widens both intervals
to hold the point value.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["disparity_intervals", "percentile_interval"]

# Contrast draws handled at once (resamples x pairs).
_CHUNK = 4_000_000


def percentile_interval(draws: np.ndarray, confidence: float) -> np.ndarray:
    """The central ``confidence`` interval along the first axis, ignoring NaN: shape (2, ...)."""
    tail = (1 - confidence) / 2 * 100
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanpercentile(draws, [tail, 100 - tail], axis=0)


@dataclass(frozen=True)
class _Variance:
    """How a group's value varies with its level (for a studentized band), or not at all.

    For a rate ``r`` of ``m`` rows, ``r (1 - r) / m``; ``total`` is the overall rate's rows.
    Without ``support`` (metrics of numbers, callables) the band is not studentized.
    """

    support: np.ndarray | None
    total: float = 0.0

    def of(self, x: np.ndarray, m: np.ndarray | float) -> np.ndarray:
        r = np.clip(x, 1e-12, 1 - 1e-12)
        return r * (1 - r) / m


def disparity_intervals(
    draws: np.ndarray, overall_draws: np.ndarray, method: str, confidence: float, support: np.ndarray | None = None
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Intervals of the difference and of the ratio from the draws of the judged groups (resamples x groups).

    ``support`` (rates only): the rows that determine each group's rate, and as its last
    item the overall rate's; it studentizes each contrast by the binomial variance of its
    resampled rates (a bootstrap-t band), which keeps the band's coverage when groups whose
    rate is near 0 or 1 vary less than the rest. A rate's ratio is bounded by simultaneous
    intervals of the groups themselves (see :func:`_ratio_bounds`).
    """
    variance = _Variance(None) if support is None else _Variance(support[:-1], float(support[-1]))
    difference = _abs_max_band(draws, overall_draws, method, confidence, variance)
    if support is not None:  # rates: often near 0, where only percentile intervals are exact
        ratio = _ratio_bounds(draws, overall_draws, method, confidence)
    elif (draws > 0).all() and (overall_draws > 0).all():  # positive numbers: the band on the log scale
        lo, hi = _abs_max_band(np.log(draws), np.log(overall_draws), method, confidence, variance)
        ratio = (float(np.exp(-hi)), float(np.exp(-lo)))
    else:  # values of either sign: the percentile interval of the ratio draws
        ratio = tuple(float(v) for v in percentile_interval(_ratio_draws(draws, overall_draws, method), confidence))
    return difference, ratio


def _ratio_bounds(draws: np.ndarray, overall_draws: np.ndarray, method: str, confidence: float) -> tuple[float, float]:
    """Bounds of ``min / max`` from simultaneous percentile intervals of the groups (and the overall value).

    A group's percentile interval is exact where a delta-method band is not: near a rate of 0
    (a group nobody in which is selected), where the ratio matters most. The groups are
    resampled independently, so intervals at ``confidence ** (1 / groups)`` hold together
    (Sidak); the overall value, which depends on them, takes a Bonferroni share.
    """
    n_groups = draws.shape[1]
    if method == "between_groups":
        low, high = percentile_interval(draws, confidence ** (1 / n_groups))
        with np.errstate(divide="ignore", invalid="ignore"):
            lo = low.min() / high.max() if high.max() > 0 else 1.0
            hi = min(1.0, high.min() / low.max()) if low.max() > 0 else 1.0
        return float(lo), float(hi)
    share = (1 - confidence) / (n_groups + 1)
    low, high = percentile_interval(draws, 1 - share)
    o_low, o_high = percentile_interval(overall_draws, 1 - share)
    with np.errstate(divide="ignore", invalid="ignore"):
        worst = np.minimum(np.where(o_high > 0, low / o_high, 1.0), np.where(high > 0, o_low / high, 1.0))
        below = np.where(o_low > 0, high / o_low, 1.0)  # the group's value below the overall one
        above = np.where(low > 0, o_high / low, 1.0)
        best = np.where(high < o_low, below, np.where(low > o_high, above, 1.0))
    return float(np.clip(worst.min(), 0, 1)), float(np.clip(best.min(), 0, 1))


def _ratio_draws(draws: np.ndarray, overall_draws: np.ndarray, method: str) -> np.ndarray:
    from mltest.fairness._rates import ratio

    return ratio(draws, overall_draws, method)


def _scales(variance: _Variance, x: np.ndarray, overall: np.ndarray, method: str) -> np.ndarray:
    """The standard error of each contrast at values ``x`` (..., groups) and ``overall`` (...)."""
    if variance.support is None:
        n_contrasts = x.shape[-1] * (x.shape[-1] - 1) // 2 if method == "between_groups" else x.shape[-1]
        return np.ones((*x.shape[:-1], n_contrasts))
    v = variance.of(x, variance.support)
    if method == "between_groups":
        first, second = np.triu_indices(x.shape[-1], 1)
        return np.sqrt(v[..., first] + v[..., second])
    # a group is part of the overall value: var(a - o) = var(a) (1 - 2 share) + var(o)
    share = variance.support / variance.total
    v_overall = variance.of(overall, variance.total)[..., None]
    return np.sqrt(np.maximum(v * (1 - 2 * share) + v_overall, 1e-24))


def _abs_max_band(
    x: np.ndarray, overall: np.ndarray, method: str, confidence: float, variance: _Variance
) -> tuple[float, float]:
    """Bounds of ``max_k |contrast_k|`` from a simultaneous band over the contrasts."""
    first, second = np.triu_indices(x.shape[1], 1)

    def contrasts(rows: slice) -> np.ndarray:
        if method == "between_groups":
            return x[rows, first] - x[rows, second]
        return x[rows] - overall[rows, None]

    centre = _centre(x, overall, method)
    scale = _scales(variance, x.mean(axis=0), np.mean(overall), method)
    n = x.shape[0]
    step = max(1, _CHUNK // max(len(centre), 1))
    worst = np.empty(n)
    for start in range(0, n, step):
        rows = slice(start, min(n, start + step))
        t = np.abs(contrasts(rows) - centre) / _scales(variance, x[rows], overall[rows], method)
        worst[rows] = t.max(axis=1)
    c = float(np.quantile(worst, confidence))
    low, high = centre - c * scale, centre + c * scale
    nearest = np.maximum(0.0, np.maximum(low, -high))  # distance of each band from 0
    farthest = np.maximum(np.abs(low), np.abs(high))
    return float(nearest.max()), float(farthest.max())


def _centre(x: np.ndarray, overall: np.ndarray, method: str) -> np.ndarray:
    """The mean of each contrast over the draws (linear: the contrast of the means)."""
    mean = x.mean(axis=0)
    if method == "between_groups":
        first, second = np.triu_indices(x.shape[1], 1)
        return mean[first] - mean[second]
    return mean - np.mean(overall)
