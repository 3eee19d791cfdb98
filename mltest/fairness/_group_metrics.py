"""``group_metrics``: any metric by group, and the one entry to the metrics stage for the assertions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mltest.errors import invalid_argument, invalid_type
from mltest.fairness._measure import confusion_counts, rate_metrics
from mltest.fairness._options import Inputs, Options, options
from mltest.fairness._rates import RATES, VALUE_METRICS
from mltest.fairness._result import GroupMetrics
from mltest.fairness._values import value_metric

__all__ = ["METRIC_NAMES", "check_metric", "group_metrics", "measure"]

METRIC_NAMES = (*RATES, *VALUE_METRICS)


def check_metric(metric: Any) -> None:
    """A metric name or a callable."""
    if isinstance(metric, str):
        if metric not in METRIC_NAMES:
            expected = f"one of {list(METRIC_NAMES)} or a callable f(y_true, y_pred)"
            raise invalid_argument("metric", metric, expected, choices=METRIC_NAMES)
    elif not callable(metric):
        raise invalid_type("metric", metric, "a metric name or a callable f(y_true, y_pred) -> float")


def is_rate(metric: Any) -> bool:
    return isinstance(metric, str) and metric in RATES


def measure(inputs: Inputs, metrics: Sequence[str | Callable[..., float]], options: Options) -> list[GroupMetrics]:
    """Every metric by group: rates from one counting pass (each measured class), other metrics one by one."""
    for metric in metrics:
        check_metric(metric)
    if all(is_rate(m) for m in metrics):
        counts = confusion_counts(inputs, options, need_y_true=any(RATES[m].needs_y_true for m in metrics))
        return rate_metrics(counts, list(metrics), options)
    return [value_metric(inputs, m, options) for m in metrics]


def group_metrics(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    metric: str | Callable[..., float] = "selection_rate",
    method: str = "between_groups",
    sample_weight: Any = None,
    min_group_size: int = 0,
    confidence: float | None = None,
    n_resamples: int = 1000,
    seed: int | None = None,
    data: Any = None,
    pos_label: Any = None,
    labels: Any = None,
) -> GroupMetrics:
    """``metric`` in every (intersectional) group, with the overall value, difference and ratio.

    ``metric`` is a rate of class labels (``selection_rate``, ``accuracy``, ``error_rate``,
    ``precision``, ``recall`` / ``true_positive_rate``, ``false_positive_rate``,
    ``false_negative_rate``, ``true_negative_rate``), a metric of numbers
    (``mean_absolute_error``, ``mean_squared_error``, ``root_mean_squared_error``,
    ``mean_prediction``) or a callable ``f(y_true, y_pred) -> float`` (given
    ``sample_weight=`` too when weights are passed), called once per group. With
    ``confidence`` (e.g. 0.95), ``n_resamples`` group-stratified bootstrap resamples give
    intervals. ``pos_label`` names the positive class of binary labels of any type
    (``">50K"``, ``"yes"``); with several classes, ``labels`` lists them all and ``pos_label``
    names the one measured (one-vs-rest).
    """
    check_metric(metric)
    opts = options(
        method=method,
        min_group_size=min_group_size,
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
        pos_label=pos_label,
        labels=labels,
    )
    if is_rate(metric) and opts.labels is not None and opts.pos_label is None:
        raise invalid_argument(
            "pos_label",
            None,
            f"the class to measure, one of labels={list(opts.labels)} (group_metrics measures one class; "
            "the assertions judge every class)",
        )
    inputs = Inputs(y_true, y_pred, sensitive_features, sample_weight, data)
    return measure(inputs, [metric], opts)[0]
