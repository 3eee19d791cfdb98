"""The metrics stage: counts (or per-row values) -> :class:`GroupMetrics`, with bootstrap intervals.

Rates (selection rate, true positive rate, ...) come from one counting pass over the rows, on
the backend the data calls for (Spark or local), for every class measured one-vs-rest.
Metrics of numbers (MAE, RMSE, mean prediction) are group sums from ``np.bincount``; a user's
callable is called once per group.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from mltest import _validation
from mltest.fairness import _bootstrap, _counts, _intervals
from mltest.fairness._counts import Counts
from mltest.fairness._options import Inputs, Options
from mltest.fairness._rates import RATES, difference, ratio
from mltest.fairness._result import GroupMetrics

__all__ = ["Grouping", "Measured", "confusion_counts", "rate_metrics", "summarise"]


@dataclass(frozen=True)
class Grouping:
    """The groups that occur: sensitive column names, each group's values and its row count."""

    columns: tuple[str, ...]
    groups: list[tuple[Any, ...]]
    rows: np.ndarray


@dataclass(frozen=True)
class Measured:
    """One metric's values by group (``support``: the rows that determine each) and its draws."""

    metric: str
    values: np.ndarray
    overall: float
    support: np.ndarray
    support_name: str = "n"
    label: Any = None
    draws: np.ndarray | None = None  # (resamples, groups)
    overall_draws: np.ndarray | None = None  # (resamples,)
    rate: bool = False  # a share of ``support`` rows (its variance follows from its level)


def confusion_counts(inputs: Inputs, options: Options, *, need_y_true: bool) -> Counts:
    """Every group's confusion matrix, counted where the data lives (Spark or this process)."""
    if _validation.frame_kind(inputs.data) == "spark":
        from mltest.fairness import _spark

        return _spark.count(inputs, options, need_y_true=need_y_true)
    return _counts.count(inputs, options, need_y_true=need_y_true)


def rate_metrics(counts: Counts, metrics: list[str], options: Options) -> list[GroupMetrics]:
    """Each rate of ``metrics`` for each measured class (class by class), from one set of draws."""
    tables = counts.one_vs_rest(counts.cells)  # (groups, classes, 4)
    row_tables = counts.one_vs_rest(counts.cell_rows)
    overall = tables.sum(axis=0)
    draws = None
    if options.confidence is not None:
        draws = _bootstrap.confusion_draws(counts, options.n_resamples, np.random.default_rng(options.seed))
        overall_draws = draws.sum(axis=1)
    grouping = Grouping(counts.columns, counts.groups, counts.rows)
    out = []
    for c, code in enumerate(counts.measured):
        label = None if counts.binary else counts.classes[code]
        for metric in metrics:
            rate = RATES[metric]
            support = rate.size(row_tables[:, c])
            values = np.where(support > 0, rate.of(tables[:, c]), np.nan)  # an empty support has no rate
            measured = Measured(metric, values, float(rate.of(overall[c])), support, rate.support, label, rate=True)
            if draws is not None:
                measured = replace(measured, draws=rate.of(draws[:, :, c]), overall_draws=rate.of(overall_draws[:, c]))
            out.append(summarise(grouping, measured, options, family=len(metrics) * len(counts.measured)))
    return out


def summarise(grouping: Grouping, measured: Measured, options: Options, *, family: int = 1) -> GroupMetrics:
    """Judge the groups whose support is large enough; the disparities and intervals among them.

    ``family`` disparities are judged together (each rate of each class): each one's interval
    is at ``1 - (1 - confidence) / family`` (Bonferroni), so that ``confidence`` holds for the
    check as a whole.
    """
    values = np.asarray(measured.values, dtype=float)
    judged = (measured.support >= options.min_group_size) & (measured.support > 0) & np.isfinite(values)
    sel = np.flatnonzero(judged)
    diff = rat = float("nan")
    if len(sel) >= 2:
        diff = float(difference(values[sel], measured.overall, options.method))
        rat = float(ratio(values[sel], measured.overall, options.method))
    intervals = diff_ci = ratio_ci = None
    if measured.draws is not None:
        intervals = _intervals.percentile_interval(measured.draws, options.confidence)
        if len(sel) >= 2:
            support = np.append(measured.support[sel], measured.support.sum()) if measured.rate else None
            level = 1 - (1 - options.confidence) / family
            diff_ci, ratio_ci = _intervals.disparity_intervals(
                measured.draws[:, sel], measured.overall_draws, options.method, level, support
            )
            if measured.rate:  # rates lie in [0, 1], and so do their differences
                diff_ci = (diff_ci[0], min(diff_ci[1], 1.0))
            diff_ci, ratio_ci = _hull(diff_ci, diff), _hull(ratio_ci, rat)
    return GroupMetrics(
        metric=measured.metric,
        columns=tuple(grouping.columns),
        groups=list(grouping.groups),
        counts=np.asarray(grouping.rows),
        values=values,
        overall=measured.overall,
        difference=diff,
        ratio=rat,
        method=options.method,
        judged=judged,
        min_group_size=options.min_group_size,
        confidence=options.confidence,
        intervals=intervals,
        difference_interval=diff_ci,
        ratio_interval=ratio_ci,
        n_resamples=options.n_resamples if measured.draws is not None else None,
        seed=options.seed if measured.draws is not None else None,
        label=measured.label,
        support=np.asarray(measured.support),
        support_name=measured.support_name,
        family=family,
    )


def _hull(interval: tuple[float, float], point: float) -> tuple[float, float]:
    """``interval`` widened to hold ``point`` (NaN points leave it as it is)."""
    lo, hi = interval
    if np.isnan(point):
        return float(lo), float(hi)
    return float(min(lo, point)), float(max(hi, point))
