"""Metrics of numbers by group (regression): MAE, MSE, RMSE, mean prediction, or any callable.

A built-in metric is a per-row quantity (``|y - p|``, ``(y - p)^2``, ``p``) averaged within
each group by two ``np.bincount`` calls (then finished, e.g. RMSE's square root): no Python
call per group. A callable ``f(y_true, y_pred) -> float`` (scikit-learn's ``r2_score``, ...)
is called once per group and once on all rows, as fairlearn's ``MetricFrame`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mltest import _validation
from mltest.errors import invalid_argument
from mltest.fairness import _bootstrap, _inputs
from mltest.fairness._counts import require_two_groups
from mltest.fairness._groups import Groups, factorise
from mltest.fairness._measure import Grouping, Measured, summarise
from mltest.fairness._options import Inputs, Options
from mltest.fairness._rates import RATES, VALUE_METRICS
from mltest.fairness._result import GroupMetrics

__all__ = ["value_metric"]


def value_metric(inputs: Inputs, metric: str | Callable[..., float], options: Options) -> GroupMetrics:
    """``metric`` of ``y_true`` and ``y_pred`` (numbers) in every group."""
    name = metric if isinstance(metric, str) else getattr(metric, "__name__", "metric")
    for option in ("pos_label", "labels"):
        if getattr(options, option) is not None:
            raise invalid_argument(option, getattr(options, option), f"None for {name} (a metric of numbers)")
    if _validation.frame_kind(inputs.data) == "spark":
        raise invalid_argument(
            "metric", metric, f"one of {list(RATES)} for a Spark DataFrame (rates are counted on Spark)", choices=RATES
        )
    data = inputs.data
    if isinstance(metric, str):
        pred = _inputs.as_values("y_pred", inputs.y_pred, data=data)
        true = _inputs.as_values("y_true", inputs.y_true, data=data, n=len(pred))
    else:
        pred = _inputs.as_array("y_pred", inputs.y_pred, data=data)
        true = _inputs.as_array("y_true", inputs.y_true, data=data, n=len(pred))
    weights = _inputs.as_weights(inputs.sample_weight, data=data, n=len(pred))
    groups = factorise(_inputs.sensitive_columns(inputs.sensitive_features, data=data, n=len(pred)))
    grouping, group = _grouping(groups)
    rows = _Rows(true, pred, weights, group)
    rng = np.random.default_rng(options.seed)
    if isinstance(metric, str):
        measured = _builtin(metric, rows, grouping, options, rng)
    else:
        measured = _callable(metric, rows, grouping, options, rng)
    return summarise(grouping, measured, options)


@dataclass(frozen=True)
class _Rows:
    """The checked per-row arrays and each row's group index."""

    true: np.ndarray
    pred: np.ndarray
    weights: np.ndarray | None
    group: np.ndarray


def _grouping(groups: Groups) -> tuple[Grouping, np.ndarray]:
    """The groups that occur, and each row's group index into them."""
    all_rows = np.bincount(groups.key, minlength=groups.size)
    keys = np.flatnonzero(all_rows)
    labels = groups.labels(keys)
    require_two_groups(labels, int(all_rows.sum()))
    if len(keys) == groups.size:  # every key occurs: the key is the index
        group = groups.key
    else:
        lookup = np.zeros(groups.size, dtype=np.intp)
        lookup[keys] = np.arange(len(keys))
        group = lookup[groups.key]
    return Grouping(tuple(groups.columns), labels, all_rows[keys]), group


def _builtin(metric: str, rows: _Rows, grouping: Grouping, options: Options, rng: np.random.Generator) -> Measured:
    """Group means of a per-row quantity from two bincounts, and Bayesian-bootstrap draws."""
    spec = VALUE_METRICS[metric]
    per_row = spec.per_row(rows.true.astype(float, copy=False), rows.pred.astype(float, copy=False))
    group, weights = rows.group, rows.weights
    n_groups = len(grouping.groups)
    if weights is None:
        sums = np.bincount(group, weights=per_row, minlength=n_groups)
        totals = grouping.rows.astype(float)
    else:
        sums = np.bincount(group, weights=weights * per_row, minlength=n_groups)
        totals = np.bincount(group, weights=weights, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = spec.finish(sums / totals)
        overall = float(spec.finish(sums.sum() / totals.sum()))
    measured = Measured(metric, values, overall, grouping.rows)
    if options.confidence is None:
        return measured
    w = np.ones(len(per_row)) if weights is None else weights
    s, t = _bootstrap.row_draws(per_row, w, group, n_groups, options.n_resamples, rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        draws, overall_draws = spec.finish(s / t), spec.finish(s.sum(axis=1) / t.sum(axis=1))
    return Measured(metric, values, overall, grouping.rows, draws=draws, overall_draws=overall_draws)


def _callable(
    metric: Callable[..., float], rows: _Rows, grouping: Grouping, options: Options, rng: np.random.Generator
) -> Measured:
    """One call of the user's metric per group (and per group and resample for intervals)."""
    name = getattr(metric, "__name__", "metric")
    true, pred, weights, group = rows.true, rows.pred, rows.weights, rows.group

    def call(index: np.ndarray) -> float:
        try:
            if weights is None:
                return float(metric(true[index], pred[index]))
            return float(metric(true[index], pred[index], sample_weight=weights[index]))
        except (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError) as error:
            needs = "f(y_true, y_pred, sample_weight=...)" if weights is not None else "f(y_true, y_pred)"
            text = " ".join(str(error).split())[:300]
            raise invalid_argument(
                "metric", metric, f"a callable {needs} returning one number; it raised {type(error).__name__}: {text}"
            ) from error

    order = np.argsort(group, kind="stable")
    members = np.split(order, np.cumsum(grouping.rows)[:-1])
    values = np.array([call(m) for m in members])
    overall = call(np.arange(len(pred)))
    if options.confidence is None:
        return Measured(name, values, overall, grouping.rows)
    draws, overall_draws = _bootstrap.callable_draws(call, members, options.n_resamples, rng)
    return Measured(name, values, overall, grouping.rows, draws=draws, overall_draws=overall_draws)
