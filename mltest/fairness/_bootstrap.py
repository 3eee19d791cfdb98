"""Group-stratified bootstrap draws, vectorised over resamples and groups.

Confusion-table metrics: each group is resampled on its own (stratified), as a Bayesian
bootstrap (Rubin, 1981) of its rows collapsed onto the four confusion cells: the cell shares
are drawn from ``Dirichlet(cell_rows + 1/2)``. That is one gamma draw per (resample, group,
cell), whatever the number of rows, so 1,000 resamples of 10M rows cost milliseconds. The
Jeffreys 1/2 keeps a group with 5 of 5 selected from looking certain: a plain bootstrap would
resample 5 of 5 every time and report a zero-width interval. With sample weights, a cell keeps
its mean weight (the variability of weights inside a cell is not resampled).

Per-row metrics (MAE, MSE): a Bayesian bootstrap of the rows, exponential weights per row and
resample, in chunks. User callables: a classic resample of each group's rows (a Python call per
group and resample, so slow on big data).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["callable_draws", "confusion_draws", "percentile_interval", "row_draws"]

# Bayesian-bootstrap weights generated at once, at most (resamples x rows).
_CHUNK = 20_000_000


def confusion_draws(
    cell_rows: np.ndarray, cells: np.ndarray, has_y_true: bool, n_resamples: int, rng: np.random.Generator
) -> np.ndarray:
    """Resampled confusion tables, shape (resamples, groups, 4), in the units of ``cells``."""
    alpha = cell_rows + 0.5
    if not has_y_true:
        alpha[:, 2:] = 0.0  # only (tn, fp) cells exist when y_true is unknown
    gamma = rng.standard_gamma(np.broadcast_to(alpha, (n_resamples, *alpha.shape)))
    shares = gamma / gamma.sum(axis=-1, keepdims=True)
    rows = cell_rows.sum(axis=1)
    group_mean = cells.sum(axis=1) / rows
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_weight = np.where(cell_rows > 0, cells / np.maximum(cell_rows, 1), group_mean[:, None])
    return shares * (rows[:, None] * mean_weight)


def row_draws(
    values: np.ndarray,
    weights: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    n_resamples: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Bayesian-bootstrap weighted sums of ``values`` and of ``weights`` per group: two (resamples, groups)."""
    n = len(values)
    sums = np.empty((n_resamples, n_groups))
    totals = np.empty((n_resamples, n_groups))
    step = max(1, _CHUNK // max(n, 1))
    for start in range(0, n_resamples, step):
        stop = min(n_resamples, start + step)
        e = rng.standard_exponential((stop - start, n)) * weights
        index = (np.arange(stop - start)[:, None] * n_groups + group).ravel()
        size = (stop - start) * n_groups
        totals[start:stop] = np.bincount(index, weights=e.ravel(), minlength=size).reshape(-1, n_groups)
        sums[start:stop] = np.bincount(index, weights=(e * values).ravel(), minlength=size).reshape(-1, n_groups)
    return sums, totals


def callable_draws(
    fn: Callable[[np.ndarray], float], members: list[np.ndarray], n_resamples: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``fn(rows)`` on resampled rows of each group, and on their union: (resamples, groups), (resamples,)."""
    out = np.empty((n_resamples, len(members)))
    overall = np.empty(n_resamples)
    picks = [rng.integers(0, len(rows), size=(n_resamples, len(rows))) for rows in members]
    for b in range(n_resamples):
        chosen = [rows[p[b]] for rows, p in zip(members, picks, strict=True)]
        for g, rows in enumerate(chosen):
            out[b, g] = fn(rows)
        overall[b] = fn(np.concatenate(chosen))
    return out, overall


def percentile_interval(draws: np.ndarray, confidence: float) -> np.ndarray:
    """The central ``confidence`` interval along the first axis, ignoring NaN: shape (2, ...)."""
    tail = (1 - confidence) / 2 * 100
    with np.errstate(invalid="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanpercentile(draws, [tail, 100 - tail], axis=0)
