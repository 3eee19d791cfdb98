"""``group_metrics``: one metric per group, with overall value, difference, ratio and intervals."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mltest import _settings
from mltest.errors import InvalidArgument, invalid_argument, invalid_type
from mltest.fairness import _bootstrap, _inputs
from mltest.fairness._groups import factorise
from mltest.fairness._metrics import CONFUSION_METRICS, Counts, check_method, difference, prepare, ratio

__all__ = ["VALUE_METRICS", "GroupMetrics", "group_metrics"]

# Per-row metrics averaged within each group (regression or scores), name -> per-row value.
VALUE_METRICS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "mean_absolute_error": lambda t, p: np.abs(t - p),
    "mean_squared_error": lambda t, p: (t - p) ** 2,
    "mean_prediction": lambda t, p: p,
}
METRIC_NAMES = (*CONFUSION_METRICS, *VALUE_METRICS)


@dataclass(frozen=True, eq=False)
class GroupMetrics:
    """One metric by group, and how far apart the groups are.

    ``values[i]`` and ``counts[i]`` (rows) belong to ``groups[i]``, a tuple with one value per
    sensitive column. ``difference`` and ``ratio`` compare the groups with at least
    ``min_group_size`` rows (``judged``), following ``method`` exactly like fairlearn's
    ``MetricFrame.difference``/``ratio``. With ``confidence``, ``intervals`` holds each group's
    bootstrap interval and ``difference_interval``/``ratio_interval`` those of the disparities.
    """

    metric: str
    columns: tuple[str, ...]
    groups: list[tuple[Any, ...]]
    counts: np.ndarray
    values: np.ndarray
    overall: float
    difference: float
    ratio: float
    method: str
    judged: np.ndarray
    min_group_size: int
    confidence: float | None = None
    intervals: np.ndarray | None = None
    difference_interval: tuple[float, float] | None = None
    ratio_interval: tuple[float, float] | None = None
    n_resamples: int | None = None
    seed: int | None = None

    def group_name(self, i: int) -> str:
        """``"female"`` for one column, ``"sex=female, age=<25"`` for several."""
        label = self.groups[i]
        if len(self.columns) == 1:
            return str(label[0])
        return ", ".join(f"{c}={v}" for c, v in zip(self.columns, label, strict=True))

    @property
    def worst_pair(self) -> tuple[int, int] | None:
        """Indices of the judged groups with the highest and the lowest value (None if < 2 judged)."""
        idx = np.flatnonzero(self.judged & ~np.isnan(self.values))
        if len(idx) < 2:
            return None
        return int(idx[np.argmax(self.values[idx])]), int(idx[np.argmin(self.values[idx])])

    @property
    def by_group(self) -> Any:
        """The values as a pandas Series indexed by group (as fairlearn's ``MetricFrame.by_group``)."""
        import pandas as pd

        if len(self.columns) == 1:
            index = pd.Index([g[0] for g in self.groups], name=self.columns[0])
        else:
            index = pd.MultiIndex.from_tuples(self.groups, names=list(self.columns))
        return pd.Series(self.values, index=index, name=self.metric)

    def table(self) -> list[dict[str, Any]]:
        """One row per group: the sensitive values, ``n``, the metric, its interval, whether judged."""
        rows = []
        for i, label in enumerate(self.groups):
            row: dict[str, Any] = dict(zip(self.columns, label, strict=True))
            row["n"] = int(self.counts[i])
            row[self.metric] = float(self.values[i])
            if self.intervals is not None:
                row["ci_low"], row["ci_high"] = float(self.intervals[0, i]), float(self.intervals[1, i])
            if not self.judged[i]:
                row["note"] = f"too small (n < {self.min_group_size})"
            rows.append(row)
        return rows

    def to_pandas(self) -> Any:
        """:meth:`table` as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.table())

    def __repr__(self) -> str:
        return (
            f"GroupMetrics(metric={self.metric!r}, groups={len(self.groups)}, overall={self.overall:.4g}, "
            f"difference={self.difference:.4g}, ratio={self.ratio:.4g}, method={self.method!r})"
        )


def check_options(confidence: Any, n_resamples: Any, min_group_size: Any) -> None:
    if confidence is not None and (
        not isinstance(confidence, numbers.Real) or isinstance(confidence, bool) or not 0 < confidence < 1
    ):
        raise invalid_argument("confidence", confidence, "None or a number between 0 and 1, e.g. 0.95")
    if not isinstance(n_resamples, numbers.Integral) or isinstance(n_resamples, bool) or n_resamples < 10:
        raise invalid_argument("n_resamples", n_resamples, "an integer >= 10 (1000 is a good default)")
    if not isinstance(min_group_size, numbers.Integral) or isinstance(min_group_size, bool) or min_group_size < 0:
        raise invalid_argument("min_group_size", min_group_size, "an integer >= 0")


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
) -> GroupMetrics:
    """``metric`` in every (intersectional) group, with the overall value, difference and ratio.

    ``metric`` is a name (``selection_rate``, ``accuracy``, ``precision``, ``recall`` /
    ``true_positive_rate``, ``false_positive_rate``, ``false_negative_rate``,
    ``true_negative_rate``, ``error_rate`` for binary labels; ``mean_absolute_error``,
    ``mean_squared_error``, ``mean_prediction`` for numbers) or a callable
    ``f(y_true, y_pred) -> float`` (given ``sample_weight=`` too when weights are passed),
    called once per group. With ``confidence`` (e.g. 0.95), ``n_resamples`` group-stratified
    bootstrap resamples give intervals. ``pos_label`` names the positive class of binary labels
    of any type (``">50K"``, ``"yes"``); without it, labels are booleans, 0/1 or -1/1.
    """
    check_method(method)
    check_options(confidence, n_resamples, min_group_size)
    if isinstance(metric, str):
        if metric not in METRIC_NAMES:
            raise invalid_argument(
                "metric", metric, f"one of {list(METRIC_NAMES)} or a callable f(y_true, y_pred)", choices=METRIC_NAMES
            )
    elif not callable(metric):
        raise invalid_type("metric", metric, "a metric name or a callable f(y_true, y_pred) -> float")
    used_seed = _settings.resolve_seed(seed) if confidence is not None else None
    if isinstance(metric, str) and metric in CONFUSION_METRICS:
        counts = prepare(
            y_true,
            y_pred,
            sensitive_features=sensitive_features,
            sample_weight=sample_weight,
            data=data,
            need_y_true=CONFUSION_METRICS[metric][1],
            pos_label=pos_label,
        )
        return from_counts(counts, metric, method, min_group_size, confidence, n_resamples, used_seed)
    if _inputs.is_spark(data):
        raise invalid_argument(
            "metric", metric, f"one of {list(CONFUSION_METRICS)} for a Spark DataFrame (computed on Spark)"
        )
    rng = np.random.default_rng(used_seed)
    columns, labels, rows, values, overall, draws, overall_draws = _row_metric(
        metric, y_true, y_pred, sensitive_features, sample_weight, data, confidence, n_resamples, rng
    )
    name = metric if isinstance(metric, str) else getattr(metric, "__name__", "metric")
    return _summarise(
        name, columns, labels, rows, np.asarray(values, dtype=float), overall, method, rows >= min_group_size,
        min_group_size, confidence, draws, overall_draws, n_resamples, used_seed,
    )  # fmt: skip


def from_counts(
    counts: Counts,
    metric: str,
    method: str,
    min_group_size: int,
    confidence: float | None,
    n_resamples: int,
    seed: int | None,
) -> GroupMetrics:
    """A confusion-table metric from counts already made (several metrics share one counting pass)."""
    fn = CONFUSION_METRICS[metric][0]
    values, overall = fn(counts.cells), float(fn(counts.overall))
    draws = overall_draws = None
    if confidence is not None:
        rng = np.random.default_rng(seed)
        cells = _bootstrap.confusion_draws(counts.cell_rows, counts.cells, counts.has_y_true, n_resamples, rng)
        draws, overall_draws = fn(cells), fn(cells.sum(axis=1))
    return _summarise(
        metric, counts.columns, counts.labels, counts.rows, values, overall, method, counts.rows >= min_group_size,
        min_group_size, confidence, draws, overall_draws, n_resamples, seed,
    )  # fmt: skip


def _row_metric(metric, y_true, y_pred, sensitive_features, sample_weight, data, confidence, n_resamples, rng):
    """Per-row (MAE, ...) and callable metrics: group sums by bincount, or one call per group."""
    builtin = isinstance(metric, str)
    if builtin:
        pred = _inputs.as_values("y_pred", y_pred, data=data)
        true = _inputs.as_values("y_true", y_true, data=data, n=len(pred))
    else:
        pred = _inputs.to_numpy("y_pred", _inputs.from_data("y_pred", y_pred, data))
        _inputs.check_length("y_pred", pred, None)
        true = _inputs.to_numpy("y_true", _inputs.from_data("y_true", y_true, data))
        _inputs.check_length("y_true", true, len(pred))
    n = len(pred)
    weights = _inputs.as_weights(sample_weight, data=data, n=n)
    groups = factorise(_inputs.sensitive_columns(sensitive_features, data=data, n=n))
    all_rows = np.bincount(groups.key, minlength=groups.size)
    keys = np.flatnonzero(all_rows)
    rows = all_rows[keys]
    labels = groups.labels(keys)
    if len(keys) < 2:
        shown = labels[0][0] if len(labels[0]) == 1 else labels[0]
        raise InvalidArgument(
            f"sensitive_features has a single group ({shown!r}, {n} rows): "
            "a fairness metric compares at least two groups; check that the right column was passed"
        )
    lookup = np.zeros(groups.size, dtype=np.intp)
    lookup[keys] = np.arange(len(keys))
    group = lookup[groups.key]
    draws = overall_draws = None
    if builtin:
        per_row = VALUE_METRICS[metric](true.astype(float), pred.astype(float))
        w = np.ones(n) if weights is None else weights
        sums = np.bincount(group, weights=w * per_row, minlength=len(keys))
        totals = np.bincount(group, weights=w, minlength=len(keys))
        with np.errstate(divide="ignore", invalid="ignore"):
            values = sums / totals
            overall = float(sums.sum() / totals.sum())
        if confidence is not None:
            s, t = _bootstrap.row_draws(per_row, w, group, len(keys), n_resamples, rng)
            with np.errstate(divide="ignore", invalid="ignore"):
                draws, overall_draws = s / t, s.sum(axis=1) / t.sum(axis=1)
    else:

        def call(rows_: np.ndarray) -> float:
            try:
                if weights is None:
                    return float(metric(true[rows_], pred[rows_]))
                return float(metric(true[rows_], pred[rows_], sample_weight=weights[rows_]))
            except (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError) as error:
                needs = "f(y_true, y_pred, sample_weight=...)" if weights is not None else "f(y_true, y_pred)"
                text = " ".join(str(error).split())[:300]
                raise invalid_argument(
                    "metric",
                    metric,
                    f"a callable {needs} returning one number; it raised {type(error).__name__}: {text}",
                ) from error

        order = np.argsort(group, kind="stable")
        members = np.split(order, np.cumsum(rows)[:-1])
        values = np.array([call(m) for m in members])
        overall = call(np.arange(n))
        if confidence is not None:
            draws, overall_draws = _bootstrap.callable_draws(call, members, n_resamples, rng)
    return groups.columns, labels, rows, values, overall, draws, overall_draws


def _summarise(
    name, columns, labels, rows, values, overall, method, judged, min_group_size, confidence, draws, overall_draws,
    n_resamples, seed,
) -> GroupMetrics:  # fmt: skip
    sel = np.flatnonzero(judged)
    if len(sel) >= 2:
        diff = float(difference(values[sel], overall, method))
        rat = float(ratio(values[sel], overall, method))
    else:
        diff = rat = float("nan")
    intervals = diff_ci = ratio_ci = None
    if draws is not None:
        intervals = _bootstrap.percentile_interval(draws, confidence)
        if len(sel) >= 2:
            d = difference(draws[:, sel], overall_draws, method)
            r = ratio(draws[:, sel], overall_draws, method)
            lo, hi = _bootstrap.percentile_interval(d, confidence)
            diff_ci = (float(lo), float(hi))
            lo, hi = _bootstrap.percentile_interval(r, confidence)
            ratio_ci = (float(lo), float(hi))
    return GroupMetrics(
        metric=name,
        columns=tuple(columns),
        groups=list(labels),
        counts=np.asarray(rows),
        values=values,
        overall=overall,
        difference=diff,
        ratio=rat,
        method=method,
        judged=np.asarray(judged, dtype=bool),
        min_group_size=min_group_size,
        confidence=confidence,
        intervals=intervals,
        difference_interval=diff_ci,
        ratio_interval=ratio_ci,
        n_resamples=n_resamples if draws is not None else None,
        seed=seed,
    )
