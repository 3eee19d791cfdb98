"""The fairness assertions: inputs -> counts -> metrics -> verdict (passed, failed, inconclusive)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mltest import _settings
from mltest.fairness._group_metrics import check_metric, is_rate, measure
from mltest.fairness._options import Inputs, options
from mltest.fairness._verdict import judge, thresholds
from mltest.report import CheckResult

__all__ = ["assert_demographic_parity", "assert_equal_opportunity", "assert_equalized_odds", "assert_group_metric"]


def _check(check: str, title: str, metrics: list[str | Callable[..., float]], arguments: dict[str, Any]) -> CheckResult:
    """Validate the options, measure every metric (one pass for rates) and judge them.

    ``arguments`` are the public function's own arguments (its ``locals()``): the four
    assertions share them, so they are read in this one place.
    """
    for metric in metrics:
        check_metric(metric)
    limits = thresholds(arguments["max_difference"], arguments["min_ratio"], rates=all(is_rate(m) for m in metrics))
    min_group_size = arguments["min_group_size"]
    opts = options(
        method=arguments["method"],
        min_group_size=_settings.get("fairness_min_group_size") if min_group_size is None else min_group_size,
        confidence=arguments["confidence"],
        n_resamples=arguments["n_resamples"],
        seed=arguments["seed"],
        pos_label=arguments["pos_label"],
        labels=arguments["labels"],
    )
    inputs = Inputs(
        arguments["y_true"], arguments["y_pred"], arguments["sensitive_features"], arguments["sample_weight"],
        arguments["data"],
    )  # fmt: skip
    return judge(check, title, measure(inputs, metrics, opts), limits)


def assert_demographic_parity(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    max_difference: float | None = None,
    min_ratio: float | None = None,
    min_group_size: int | None = None,
    confidence: float | None = None,
    n_resamples: int = 1000,
    method: str = "between_groups",
    sample_weight: Any = None,
    seed: int | None = None,
    data: Any = None,
    pos_label: Any = None,
    labels: Any = None,
) -> CheckResult:
    """Fail when the groups' selection rates ``P(h(X)=1 | A=a)`` are too far apart.

    ``max_difference`` bounds ``max - min`` of the rates, ``min_ratio`` bounds ``min / max``
    (0.8 is the four-fifths rule). Neither given: both project defaults
    (``fairness_max_difference``, ``fairness_min_ratio``) apply; one given: only that one.
    A group with fewer than ``min_group_size`` of the rows that determine a rate (all rows for
    a selection rate, the positives for a true positive rate, the negatives for a false
    positive rate) is listed, not judged. With ``confidence``, the check passes when the whole
    bootstrap interval is within the threshold, fails when it is wholly beyond, and is
    inconclusive otherwise. ``pos_label`` names the positive class of labels of any type
    (``">50K"``); ``labels`` lists every class of a multiclass task: each class is judged
    one-vs-rest and the worst one decides (only ``pos_label``'s when both are given).
    """
    return _check("assert_demographic_parity", "demographic parity", ["selection_rate"], locals())


def assert_equalized_odds(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    max_difference: float | None = None,
    min_ratio: float | None = None,
    min_group_size: int | None = None,
    confidence: float | None = None,
    n_resamples: int = 1000,
    method: str = "between_groups",
    sample_weight: Any = None,
    seed: int | None = None,
    data: Any = None,
    pos_label: Any = None,
    labels: Any = None,
) -> CheckResult:
    """Fail when the groups' true positive rates or false positive rates are too far apart.

    Both rates must meet the thresholds (fairlearn's ``agg="worst_case"``). Options as in
    :func:`assert_demographic_parity`.
    """
    return _check("assert_equalized_odds", "equalized odds", ["true_positive_rate", "false_positive_rate"], locals())


def assert_equal_opportunity(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    max_difference: float | None = None,
    min_ratio: float | None = None,
    min_group_size: int | None = None,
    confidence: float | None = None,
    n_resamples: int = 1000,
    method: str = "between_groups",
    sample_weight: Any = None,
    seed: int | None = None,
    data: Any = None,
    pos_label: Any = None,
    labels: Any = None,
) -> CheckResult:
    """Fail when the groups' true positive rates ``P(h(X)=1 | A=a, Y=1)`` are too far apart.

    Options as in :func:`assert_demographic_parity`.
    """
    return _check("assert_equal_opportunity", "equal opportunity", ["true_positive_rate"], locals())


def assert_group_metric(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    metric: str | Callable[..., float],
    max_difference: float | None = None,
    min_ratio: float | None = None,
    min_group_size: int | None = None,
    confidence: float | None = None,
    n_resamples: int = 1000,
    method: str = "between_groups",
    sample_weight: Any = None,
    seed: int | None = None,
    data: Any = None,
    pos_label: Any = None,
    labels: Any = None,
) -> CheckResult:
    """Fail when ``metric`` (e.g. ``"accuracy"``, ``"mean_absolute_error"`` or a callable) differs too much by group.

    ``metric`` is anything :func:`mltest.fairness.group_metrics` accepts. Options as in
    :func:`assert_demographic_parity`, except that a metric of numbers (MAE, RMSE, a callable)
    has only the ``fairness_min_ratio`` default when no threshold is given: its difference is
    in the target's units, so ``max_difference`` must be passed to be checked.
    """
    return _check("assert_group_metric", "group metric", [metric], locals())
