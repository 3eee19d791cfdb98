"""The result of ``assert_no_drift``: its verdict over columns, its message and its report table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from mltest._message import compose
from mltest.report import CheckResult

__all__ = ["result"]

_NAMES = {"wasserstein": "normalised Wasserstein", "jensenshannon": "Jensen-Shannon distance", "psi": "PSI"}
_SHOWN = 10  # columns listed in the message; the report's table has them all


def _f(x: float) -> str:
    return "inf" if math.isinf(x) else f"{x:.3g}"


def _rows(n: float) -> str:
    return f"{math.ceil(n):,}"


def result(drifts: Sequence[Any], *, confidence: float, max_drifted_share: float, rows: tuple[int, int]) -> CheckResult:
    k = len(drifts)
    confirmed = sum(d.verdict == "drift" for d in drifts)
    possible = confirmed + sum(d.verdict == "undecided" for d in drifts)
    low_share, high_share = confirmed / k, possible / k
    if low_share > max_drifted_share:
        outcome = "failed"
    elif high_share <= max_drifted_share:
        outcome = "passed"
    else:
        outcome = "inconclusive"
    verdict = _verdict(outcome, drifts, confidence, (confirmed, possible), max_drifted_share)
    order = {"drift": 0, "undecided": 1, "no drift": 2}
    worst = sorted(drifts, key=lambda d: (order[d.verdict], -_ratio(d)))
    message = verdict if outcome == "passed" else _explain(outcome, verdict, worst, confidence, rows)
    figures: dict[str, Any] = {"columns": k, "drifted": confirmed, "undecided": possible - confirmed}
    if k == 1:
        e = drifts[0].effect
        figures |= {"method": e.method, "distance": e.value, "low": e.low, "high": e.high}
        figures["threshold"] = drifts[0].threshold
    figures |= {"max_drifted_share": max_drifted_share, "confidence": confidence}
    figures |= {"reference_rows": rows[0], "current_rows": rows[1]}
    chart = {
        "kind": "bar",
        "title": f"drift by column: distance and its {confidence:.0%} bounds"
        " (grey: no drift; the line: each column's threshold)",
        "label": "column",
        "value": "distance",
        "low": "low",
        "high": "high",
        "muted": "stable",
        "threshold": "threshold",
    }
    table = [d.row(confidence) for d in worst]
    return CheckResult("monitoring", "assert_no_drift", outcome, message, figures=figures, table=table, charts=[chart])


def _ratio(d: Any) -> float:
    return max(e.value / threshold if threshold else math.inf for _, e, threshold, _ in d.judged())


def _verdict(outcome: str, drifts: Sequence[Any], confidence: float, counts: tuple[int, int], share: float) -> str:
    head = f"assert_no_drift {outcome}: "
    k = len(drifts)
    if k == 1:
        d = drifts[0]
        label, e, threshold, _ = d.deciding()
        what = f"{d.column!r} missing values:" if label != str(d.column) else repr(d.column)
        op = {"passed": "<=", "failed": ">", "inconclusive": "straddles"}[outcome]
        return (
            f"{head}{what} {_NAMES[e.method]} {_f(e.value)} "
            f"({confidence:.0%} bounds {_f(e.low)} to {_f(e.high)}) {op} threshold {threshold:g}"
        )
    confirmed, possible = counts
    if outcome == "failed":
        return f"{head}{confirmed} of {k} columns drifted (share {confirmed / k:.3g} > max_drifted_share {share:g})"
    if outcome == "passed" and possible == 0:
        return f"{head}none of the {k} columns drifted beyond its threshold"
    if outcome == "passed":
        return (
            f"{head}at most {possible} of {k} columns drifted (share {possible / k:.3g} <= max_drifted_share {share:g})"
        )
    return (
        f"{head}{confirmed} to {possible} of {k} columns drifted "
        f"(share {confirmed / k:.3g} to {possible / k:.3g} straddles max_drifted_share {share:g})"
    )


def _table(drifts: Sequence[Any], confidence: float) -> list[str]:
    header = ["column", "method", "distance", f"{confidence:.0%} bounds", "threshold", "detectable", "verdict"]
    body = [
        [
            label,
            e.method,
            _f(e.value),
            f"{_f(e.low)} to {_f(e.high)}",
            f"{threshold:g}",
            f">= {_f(e.detectable(threshold))}",
            verdict,
        ]
        for d in drifts[:_SHOWN]
        for label, e, threshold, verdict in d.judged()
    ]
    widths = [max(len(r[j]) for r in [header, *body]) for j in range(len(header))]
    lines = ["  ".join(c.ljust(widths[j]) for j, c in enumerate(r)).rstrip() for r in [header, *body]]
    if len(drifts) > _SHOWN:
        lines.append(f"... {len(drifts) - _SHOWN} more columns in the mltest report")
    return lines


def _explain(outcome: str, verdict: str, worst: Sequence[Any], confidence: float, rows: tuple[int, int]) -> str:
    k = len(worst)
    tests = sum(len(d.judged()) for d in worst)
    over = f"{k} columns" if tests == k else f"{tests} distances"
    simultaneous = f" (lower bounds simultaneous over the {over})" if tests > 1 else ""
    sizes = f"rows: reference {rows[0]:,}, current {rows[1]:,}; {confidence:.0%} confidence bounds{simultaneous}"
    evidence = [*_table(worst, confidence), "", sizes]
    constant = [d.column for d in worst if math.isinf(d.effect.value)][:3]
    evidence += [
        f"{c!r} is constant in the reference (standard deviation 0): any change is infinitely many of its standard "
        f"deviations; compare it as a category with method={{{c!r}: 'jensenshannon'}}"
        for c in constant
    ]
    if outcome == "failed":
        drifted = [d for d in worst if d.judged()[0][3] == "drift" and math.isfinite(d.effect.value)]
        allowed = {d.column: float(f"{d.effect.value * 1.1:.2g}") for d in drifted[:3]}
        by_threshold = f"pass threshold={allowed} if these distances are acceptable, " if allowed else ""
        return compose(
            verdict,
            evidence=evidence,
            causes=[
                "the population the model sees has changed (a new market, season or product)",
                "an upstream pipeline changed a feature's units, encoding or default values",
            ],
            fixes=[
                "compare the training and serving feature code on the same rows (mltest.assert_no_skew)",
                "retrain on recent data, or profile a new reference if the change is expected",
            ],
            waive=f"{by_threshold}leave columns out with columns=[...], or allow a share of drifted columns with "
            "max_drifted_share=.",
        )
    undecided = [d for d in worst if d.verdict == "undecided"]
    _, effect, threshold, _ = undecided[0].deciding()
    first = undecided[0]
    needed = effect.rows_needed(threshold)
    current_rows = 1 / (1 / needed - 1 / first.reference_rows) if needed < first.reference_rows else math.inf
    more = (
        f"about {_rows(current_rows)} current rows (with this reference) would decide {first.column!r}"
        if math.isfinite(current_rows)
        else f"about {_rows(2 * needed)} rows on each side would decide {first.column!r}"
    )
    evidence += [
        f"smallest drift this sample can confirm in {first.column!r}: {_f(effect.detectable(threshold))} "
        f"(threshold {threshold:g} plus the sampling noise at these sizes)"
    ]
    return compose(
        verdict,
        evidence=evidence,
        causes=[f"too few rows to tell a distance of {threshold:g} from sampling noise"],
        fixes=[f"compare more rows: {more}", "raise the threshold if only larger drift matters"],
        waive='set inconclusive = "pass" in [tool.mltest] to report undecided comparisons without failing '
        "(mltest drift: --allow-inconclusive).",
    )
