"""Intervals from bootstrap draws: each group's own, and those of the disparities between groups.

A group's interval is the central percentile interval of its draws.

The difference ``max - min`` over many noisy groups is biased upwards: 40 groups of 200 rows,
all selected at 30%, have sample rates about 0.15 apart, and the percentile interval of the
resampled ``max - min`` (0.15 to 0.26) does not even contain the true 0. So the interval of a
disparity comes from a *simultaneous* band over the contrasts it is the largest of: every pair
of groups (``between_groups``) or every group against the overall value (``to_overall``).

With draws ``x`` of each group (resamples x groups), each contrast ``k`` has a centre
``mu_k`` and a spread ``s_k``; ``c`` is the ``confidence`` quantile over resamples of
``max_k |x_k - mu_k| / s_k`` (the sup-t band, as Tukey's studentized range for pairs). Then,
with probability ``confidence``, every true contrast lies in ``mu_k +- c s_k`` at once, and so
the true difference ``max_k |contrast_k|`` lies between ``max_k dist(0, band_k)`` and
``max_k max|band_k|``. With two groups this is the usual interval of ``|a - b|``; with many, a
fair model's difference is "violated" in at most ``1 - confidence`` of samples. The ratio
(``min / max``) is ``exp(-difference of the log values)``: the same band on the log scale.
Both intervals are widened to hold the point value.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

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

    For a rate ``r`` of ``m`` rows, ``r (1 - r) / m`` (and ``(1 - r) / (r m)`` on the log
    scale); ``share`` is each group's part of the overall value's rows. Without ``support``
    (metrics of numbers, callables) the band is not studentized.
    """

    support: np.ndarray | None
    total: float = 0.0
    log: bool = False

    def of(self, x: np.ndarray, m: np.ndarray | float) -> np.ndarray:
        r = np.exp(x) if self.log else x
        r = np.clip(r, 1e-12, 1 - 1e-12)
        return (1 - r) / (r * m) if self.log else r * (1 - r) / m


def disparity_intervals(
    draws: np.ndarray, overall_draws: np.ndarray, method: str, confidence: float, support: np.ndarray | None = None
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Intervals of the difference and of the ratio from the draws of the judged groups (resamples x groups).

    ``support`` (rates only): the rows that determine each group's rate, and as its last
    item the overall rate's; it studentizes each contrast by the binomial variance of its
    resampled rates (a bootstrap-t band), which keeps the band's coverage when groups whose
    rate is near 0 or 1 vary less than the rest.
    """
    variance = _Variance(None) if support is None else _Variance(support[:-1], float(support[-1]))
    difference = _abs_max_band(draws, overall_draws, method, confidence, variance)
    with np.errstate(divide="ignore", invalid="ignore"):
        positive = (draws > 0).all() and (overall_draws > 0).all()
    if positive:
        log_variance = replace(variance, log=True)
        lo, hi = _abs_max_band(np.log(draws), np.log(overall_draws), method, confidence, log_variance)
        ratio = (float(np.exp(-hi)), float(np.exp(-lo)))
    else:  # a value that can be 0 or negative has no log: the percentile interval of the ratio draws
        ratio = tuple(float(v) for v in percentile_interval(_ratio_draws(draws, overall_draws, method), confidence))
    return difference, ratio


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
