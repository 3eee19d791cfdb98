"""Group-stratified bootstrap draws, vectorised over resamples and groups.

Confusion-table metrics: each group is resampled on its own (stratified), as a Bayesian
bootstrap (Rubin, 1981) of its rows collapsed onto the cells of its confusion matrix: the cell
shares are drawn from ``Dirichlet(cell_rows + 1/2)`` (a K x K matrix of several classes spreads
the same prior mass over its cells). That is one gamma draw per (resample, group, cell),
whatever the number of rows, so 1,000 resamples of 10M rows cost milliseconds. The
Jeffreys 1/2 keeps a group with 5 of 5 selected from looking certain: a plain bootstrap would
resample 5 of 5 every time and report a zero-width interval. With sample weights, a cell keeps
its mean weight (the variability of weights inside a cell is not resampled).

Per-row metrics (MAE, MSE): a Bayesian bootstrap of the rows, exponential weights per row and
resample, in chunks; a group of more than 2,000 rows is drawn from the normal limit of its
Bayesian bootstrap instead (its mean and the variance of its mean), which at that size is the
same distribution for a fraction of the cost. User callables: a classic resample of each group's rows (a Python call per
group and resample, so slow on big data).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mltest.fairness._counts import Counts

__all__ = ["callable_draws", "confusion_draws", "row_draws"]

# Bayesian-bootstrap weights generated at once, at most (resamples x rows).
_CHUNK = 20_000_000
# Groups with more rows are drawn from the normal limit of the Bayesian bootstrap of their mean.
_EXACT_ROWS = 2_000


def confusion_draws(counts: Counts, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Resampled one-vs-rest tables, shape (resamples, groups, measured classes, 4), in the units of ``cells``."""
    n_groups, n_true, n_pred = counts.cell_rows.shape
    width = n_true * n_pred
    cell_rows = counts.cell_rows.reshape(n_groups, width)
    cells = counts.cells.reshape(n_groups, width)
    # Jeffreys' 1/2 per cell of a 2x2 table; a larger matrix spreads the same prior mass (2 rows)
    alpha = cell_rows + min(0.5, 2.0 / width)
    rows = cell_rows.sum(axis=1)
    group_mean = cells.sum(axis=1) / rows
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_weight = np.where(cell_rows > 0, cells / np.maximum(cell_rows, 1), group_mean[:, None])
    scale = rows[:, None] * mean_weight
    out = np.empty((n_resamples, n_groups, len(counts.measured), 4))
    step = max(1, _CHUNK // (n_groups * width))
    for start in range(0, n_resamples, step):
        stop = min(n_resamples, start + step)
        gamma = rng.standard_gamma(np.broadcast_to(alpha, (stop - start, *alpha.shape)))
        matrices = gamma / gamma.sum(axis=-1, keepdims=True) * scale
        out[start:stop] = counts.one_vs_rest(matrices.reshape(stop - start, n_groups, n_true, n_pred))
    return out


def row_draws(
    values: np.ndarray,
    weights: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    n_resamples: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Bayesian-bootstrap weighted sums of ``values`` and of ``weights`` per group: two (resamples, groups).

    A group of more than ``_EXACT_ROWS`` rows is drawn from the normal limit of its Bayesian
    bootstrap (its weighted mean, its variance over the effective number of rows), so 1,000
    resamples of 10M rows cost what the smaller groups' rows do.
    """
    rows = np.bincount(group, minlength=n_groups)
    sums = np.empty((n_resamples, n_groups))
    totals = np.empty((n_resamples, n_groups))
    large = rows > _EXACT_ROWS
    if large.any():
        total = np.bincount(group, weights=weights, minlength=n_groups)
        mean = np.bincount(group, weights=weights * values, minlength=n_groups) / np.where(total > 0, total, 1)
        spread = np.bincount(group, weights=weights * np.square(values - mean[group]), minlength=n_groups)
        n_effective = np.square(total) / np.maximum(
            np.bincount(group, weights=np.square(weights), minlength=n_groups), 1e-300
        )
        scale = np.sqrt(spread / np.where(total > 0, total, 1) / np.maximum(n_effective, 1))
        drawn = rng.normal(mean[large], scale[large], size=(n_resamples, int(large.sum())))
        sums[:, large], totals[:, large] = drawn * total[large], total[large]
    if not large.all():
        small = np.flatnonzero(~large)
        keep = ~large[group]
        compact = np.zeros(n_groups, dtype=np.intp)
        compact[small] = np.arange(len(small))
        s, t = _exact_row_draws(values[keep], weights[keep], compact[group[keep]], (n_resamples, len(small)), rng)
        sums[:, small], totals[:, small] = s, t
    return sums, totals


def _exact_row_draws(
    values: np.ndarray, weights: np.ndarray, group: np.ndarray, shape: tuple[int, int], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Exponential weights per row and resample (a Bayesian bootstrap), in chunks; ``shape`` is (resamples, groups)."""
    n_resamples, n_groups = shape
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
