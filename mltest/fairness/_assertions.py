"""The fairness assertions: a verdict (passed, failed, inconclusive) with the evidence behind it."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

from mltest import _settings
from mltest.errors import invalid_argument
from mltest.fairness._metrics import CONFUSION_METRICS, check_method, prepare
from mltest.fairness._result import GroupMetrics, check_options, from_counts, group_metrics
from mltest.report import CheckResult, conclude

__all__ = ["assert_demographic_parity", "assert_equal_opportunity", "assert_equalized_odds", "assert_group_metric"]

_EPS = 1e-12  # a difference equal to its threshold passes, whatever the rounding


def _thresholds(max_difference: Any, min_ratio: Any) -> tuple[float | None, float | None]:
    """Both project defaults when neither is given; otherwise only what was given."""
    if max_difference is None and min_ratio is None:
        max_difference = _settings.get("fairness_max_difference")
        min_ratio = _settings.get("fairness_min_ratio")
    if max_difference is not None and (
        not isinstance(max_difference, numbers.Real) or isinstance(max_difference, bool) or not max_difference >= 0
    ):
        raise invalid_argument("max_difference", max_difference, "None or a number >= 0, e.g. 0.1")
    if min_ratio is not None and (
        not isinstance(min_ratio, numbers.Real) or isinstance(min_ratio, bool) or not 0 <= min_ratio <= 1
    ):
        raise invalid_argument("min_ratio", min_ratio, "None or a number between 0 and 1, e.g. 0.8")
    return max_difference, min_ratio


def _fmt(x: float) -> str:
    return "nan" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3g}"


def _verdict(
    head: str, value: float, interval: Any, level: str, bound: str, threshold: float, *, upper: bool
) -> tuple[str, str]:
    """(outcome, finding) for ``value`` and its interval against ``threshold``, a maximum when ``upper``."""
    sign = 1 if upper else -1  # a ratio is judged as a difference with both sides negated

    def within(x: float) -> bool:
        return sign * x <= sign * threshold + _EPS

    def beyond(x: float) -> bool:
        return sign * x > sign * threshold + _EPS

    ok_text, bad_text = ("<=", ">") if upper else (">=", "<")
    if interval is None:
        ok = within(value)
        return ("passed" if ok else "failed", f"{head} {ok_text if ok else bad_text} {bound}")
    lo, hi = interval
    worst, best = (hi, lo) if upper else (lo, hi)
    head = f"{head} ({level} {_fmt(lo)} to {_fmt(hi)})"
    if within(worst):
        return ("passed", f"{head} {ok_text} {bound}")
    if beyond(best):
        return ("failed", f"{head} {bad_text} {bound}")
    return ("inconclusive", f"{head} straddles {bound}")


def _verdicts(gm: GroupMetrics, max_difference: float | None, min_ratio: float | None) -> list[tuple[str, str]]:
    """(outcome, finding) for each threshold applied to one metric."""
    judged = int(gm.judged.sum())
    if judged < 2:
        return [
            (
                "inconclusive",
                f"{gm.metric}: only {judged} of {len(gm.groups)} groups have at least "
                f"min_group_size={gm.min_group_size} rows, so no two groups can be compared",
            )
        ]
    level = f"{gm.confidence:.0%} interval" if gm.confidence is not None else ""
    out = []
    if max_difference is not None:
        head = f"{gm.metric} difference {_fmt(gm.difference)}"
        bound = f"max_difference {max_difference}"
        out.append(_verdict(head, gm.difference, gm.difference_interval, level, bound, max_difference, upper=True))
    if min_ratio is not None:
        # A ratio 0/0 means every group has the value 0: the groups are equal.
        value = 1.0 if math.isnan(gm.ratio) else gm.ratio
        interval = gm.ratio_interval and tuple(1.0 if math.isnan(v) else v for v in gm.ratio_interval)
        head = f"{gm.metric} ratio {_fmt(value)}"
        bound = f"min_ratio {min_ratio}" + (" (four-fifths rule)" if min_ratio == 0.8 else "")
        out.append(_verdict(head, value, interval, level, bound, min_ratio, upper=False))
    return out


def _text_table(metrics: list[GroupMetrics]) -> list[str]:
    first = metrics[0]
    header = ["group", "n", *(gm.metric for gm in metrics)]
    if first.intervals is not None:
        header += [f"{gm.metric} {first.confidence:.0%} interval" for gm in metrics]
    body = []
    for i in range(len(first.groups)):
        row = [first.group_name(i), str(int(first.counts[i])), *(f"{gm.values[i]:.4f}" for gm in metrics)]
        if first.intervals is not None:
            row += [f"[{gm.intervals[0, i]:.3f}, {gm.intervals[1, i]:.3f}]" for gm in metrics]
        if not first.judged[i]:
            row.append(f"too small (n < {first.min_group_size}), not judged")
        body.append(row)
    widths = [max(len(r[j]) for r in [header, *body] if j < len(r)) for j in range(len(header))]
    lines = []
    for r in [header, *body]:
        cells = [c.ljust(widths[j]) if j == 0 else c.rjust(widths[j]) for j, c in enumerate(r[: len(header)])]
        lines.append("  " + "  ".join(cells) + ("  " + r[-1] if len(r) > len(header) else ""))
    limit = 30
    if len(lines) > limit + 1:
        lines = [*lines[: limit + 1], f"  ... {len(lines) - limit - 1} more groups in the mltest report"]
    return lines


def _report_table(metrics: list[GroupMetrics]) -> list[dict[str, Any]]:
    rows = metrics[0].table()
    for gm in metrics[1:]:
        for row, other in zip(rows, gm.table(), strict=True):
            row[gm.metric] = other[gm.metric]
            if "ci_low" in other:
                row[f"{gm.metric}_ci_low"], row[f"{gm.metric}_ci_high"] = other["ci_low"], other["ci_high"]
    if len(metrics) > 1 and "ci_low" in rows[0]:
        for row in rows:
            m = metrics[0].metric
            row[f"{m}_ci_low"], row[f"{m}_ci_high"] = row.pop("ci_low"), row.pop("ci_high")
    return rows


_ADVICE = {
    "failed": (
        "Likely causes: the model (or the labels it learnt from) treats these groups differently, or another "
        "feature stands in for the sensitive one. To change the check: pass max_difference=/min_ratio=, or set "
        "fairness_max_difference / fairness_min_ratio in [tool.mltest]; with small groups, pass confidence=0.95 "
        "so that noise alone cannot fail it (what the data cannot decide is then reported as inconclusive, which "
        'fails unless inconclusive = "pass").'
    ),
    "inconclusive": (
        "The data cannot tell at this confidence (groups too small or the gap too close to the threshold): "
        'collect more rows for the small groups, or lower min_group_size or confidence; set inconclusive = "pass" in '
        "[tool.mltest] to report such results without failing."
    ),
}


def _judge(
    check: str, title: str, metrics: list[GroupMetrics], max_difference: float | None, min_ratio: float | None
) -> CheckResult:
    findings = [(gm, outcome, text) for gm in metrics for outcome, text in _verdicts(gm, max_difference, min_ratio)]
    outcomes = {o for _, o, _ in findings}
    outcome = "failed" if "failed" in outcomes else "inconclusive" if "inconclusive" in outcomes else "passed"
    word = {"passed": "holds", "failed": "violated", "inconclusive": "inconclusive"}[outcome]
    shown = [t for _, o, t in findings if o == outcome] if outcome != "passed" else [t for _, _, t in findings]
    first = metrics[0]
    columns = " x ".join(first.columns)
    lines = [f"{title} {word}: {'; '.join(shown)}", f"groups: {len(first.groups)} by {columns} ({first.method})"]
    worst_gm = next((gm for gm, o, _ in findings if o == outcome), first)
    pair = worst_gm.worst_pair
    if pair is not None:
        hi, lo = pair
        lines.append(
            f"worst pair: {worst_gm.group_name(hi)} (n={int(worst_gm.counts[hi])}) {worst_gm.metric} "
            f"{worst_gm.values[hi]:.4f} vs {worst_gm.group_name(lo)} (n={int(worst_gm.counts[lo])}) "
            f"{worst_gm.values[lo]:.4f}; overall {worst_gm.overall:.4f}"
        )
    if first.confidence is not None:
        lines.append(
            f"intervals: {first.confidence:.0%}, group-stratified bootstrap, {first.n_resamples} resamples, "
            f"seed={first.seed}"
        )
    lines += ["", *_text_table(metrics)]
    small = int((~first.judged).sum())
    if small:
        lines += [
            "",
            f"{'1 group' if small == 1 else f'{small} groups'} with fewer than "
            f"min_group_size={first.min_group_size} rows shown but not judged.",
        ]
    if outcome in _ADVICE:
        lines += ["", _ADVICE[outcome]]
    figures: dict[str, Any] = {}
    for gm in metrics:
        figures[f"{gm.metric}_difference"] = gm.difference
        figures[f"{gm.metric}_ratio"] = gm.ratio
        if gm.difference_interval is not None:
            figures[f"{gm.metric}_difference_ci"] = (
                f"[{_fmt(gm.difference_interval[0])}, {_fmt(gm.difference_interval[1])}]"
            )
    if max_difference is not None:
        figures["max_difference"] = max_difference
    if min_ratio is not None:
        figures["min_ratio"] = min_ratio
    figures["groups"] = len(first.groups)
    if small:
        figures["too_small"] = small
    if first.confidence is not None:
        figures["confidence"] = first.confidence
        figures["seed"] = first.seed
    result = CheckResult("fairness", check, outcome, "\n".join(lines), figures=figures, table=_report_table(metrics))
    return conclude(result)


def _check(
    check: str,
    title: str,
    metric_names: list[str | Callable[..., float]],
    y_true: Any,
    y_pred: Any,
    sensitive_features: Any,
    max_difference: Any,
    min_ratio: Any,
    min_group_size: Any,
    confidence: Any,
    n_resamples: int,
    method: str,
    sample_weight: Any,
    seed: Any,
    data: Any,
    pos_label: Any,
) -> CheckResult:
    max_difference, min_ratio = _thresholds(max_difference, min_ratio)
    if min_group_size is None:
        min_group_size = _settings.get("fairness_min_group_size")
    used_seed = _settings.resolve_seed(seed) if confidence is not None else None
    if all(isinstance(m, str) and m in CONFUSION_METRICS for m in metric_names):
        # one counting pass (one Spark job) for every rate the check needs
        check_method(method)
        check_options(confidence, n_resamples, min_group_size)
        counts = prepare(
            y_true,
            y_pred,
            sensitive_features=sensitive_features,
            sample_weight=sample_weight,
            data=data,
            need_y_true=any(CONFUSION_METRICS[m][1] for m in metric_names),
            pos_label=pos_label,
        )
        metrics = [
            from_counts(counts, m, method, min_group_size, confidence, n_resamples, used_seed) for m in metric_names
        ]
        return _judge(check, title, metrics, max_difference, min_ratio)
    metrics = [
        group_metrics(
            y_true,
            y_pred,
            sensitive_features=sensitive_features,
            metric=m,
            method=method,
            sample_weight=sample_weight,
            min_group_size=min_group_size,
            confidence=confidence,
            n_resamples=n_resamples,
            seed=used_seed,
            data=data,
            pos_label=pos_label,
        )
        for m in metric_names
    ]
    return _judge(check, title, metrics, max_difference, min_ratio)


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
) -> CheckResult:
    """Fail when the groups' selection rates ``P(h(X)=1 | A=a)`` are too far apart.

    ``max_difference`` bounds ``max - min`` of the rates, ``min_ratio`` bounds ``min / max``
    (0.8 is the four-fifths rule). Neither given: both project defaults
    (``fairness_max_difference``, ``fairness_min_ratio``) apply; one given: only that one.
    Groups with fewer than ``min_group_size`` rows are listed, not judged. With
    ``confidence``, the check passes when the whole bootstrap interval is within the threshold,
    fails when it is wholly beyond, and is inconclusive otherwise.
    """
    return _check(
        "assert_demographic_parity", "demographic parity", ["selection_rate"], y_true, y_pred, sensitive_features,
        max_difference, min_ratio, min_group_size, confidence, n_resamples, method, sample_weight, seed, data,
        pos_label,
    )  # fmt: skip


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
) -> CheckResult:
    """Fail when the groups' true positive rates or false positive rates are too far apart.

    Both rates must meet the thresholds (fairlearn's ``agg="worst_case"``). Options as in
    :func:`assert_demographic_parity`.
    """
    return _check(
        "assert_equalized_odds", "equalized odds", ["true_positive_rate", "false_positive_rate"], y_true, y_pred,
        sensitive_features, max_difference, min_ratio, min_group_size, confidence, n_resamples, method,
        sample_weight, seed, data, pos_label,
    )  # fmt: skip


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
) -> CheckResult:
    """Fail when the groups' true positive rates ``P(h(X)=1 | A=a, Y=1)`` are too far apart.

    Options as in :func:`assert_demographic_parity`.
    """
    return _check(
        "assert_equal_opportunity", "equal opportunity", ["true_positive_rate"], y_true, y_pred, sensitive_features,
        max_difference, min_ratio, min_group_size, confidence, n_resamples, method, sample_weight, seed, data,
        pos_label,
    )  # fmt: skip


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
) -> CheckResult:
    """Fail when ``metric`` (e.g. ``"accuracy"``, ``"mean_absolute_error"`` or a callable) differs too much by group.

    ``metric`` is anything :func:`mltest.fairness.group_metrics` accepts. Options as in
    :func:`assert_demographic_parity`.
    """
    return _check(
        "assert_group_metric", "group metric", [metric], y_true, y_pred, sensitive_features, max_difference,
        min_ratio, min_group_size, confidence, n_resamples, method, sample_weight, seed, data, pos_label,
    )  # fmt: skip
