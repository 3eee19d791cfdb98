"""The verdict stage: group metrics against thresholds -> passed, failed or inconclusive, in the shared grammar.

Without ``confidence`` a disparity is judged on its value. With it, on its interval: passed
when the whole interval is within the threshold, failed when it is wholly beyond, inconclusive
otherwise. The message follows :func:`mltest._message.compose`: the verdict with the figures
and thresholds, the evidence (groups, worst pair, the table), likely causes, what to change,
how to reproduce (the seed) and how to waive exactly this check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mltest import _message, _settings, _validation
from mltest.fairness import _table
from mltest.fairness._result import GroupMetrics
from mltest.report import CheckResult, conclude

__all__ = ["Thresholds", "judge", "thresholds"]

_EPS = 1e-12  # a difference equal to its threshold passes, whatever the rounding


@dataclass(frozen=True)
class Thresholds:
    max_difference: float | None
    min_ratio: float | None


def thresholds(max_difference: Any, min_ratio: Any, *, rates: bool) -> Thresholds:
    """Both project defaults when neither is given (for rates; the ratio's only for numbers, whose
    differences are in the target's units); otherwise only what was given."""
    if max_difference is None and min_ratio is None:
        max_difference = _settings.get("fairness_max_difference") if rates else None
        min_ratio = _settings.get("fairness_min_ratio")
    return Thresholds(
        _validation.number("max_difference", max_difference, low=0, optional=True),
        _validation.probability("min_ratio", min_ratio, optional=True),
    )


@dataclass(frozen=True)
class _Finding:
    gm: GroupMetrics
    outcome: str
    text: str
    excess: float = 0.0  # how far beyond its threshold, relative to it (the worst finding is shown first)


def _fmt(x: float | None) -> str:
    return "nan" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3g}"


def _against(head: str, value: float, interval: Any, bound: str, threshold: float, *, upper: bool) -> tuple[str, str]:
    """(outcome, finding) for ``value`` (and its interval) against ``threshold``, a maximum when ``upper``."""
    sign = 1 if upper else -1  # a ratio is judged as a difference with both sides negated
    ok_text, bad_text = ("<=", ">") if upper else (">=", "<")
    if interval is None:
        ok = sign * value <= sign * threshold + _EPS
        return ("passed" if ok else "failed", f"{head} {ok_text if ok else bad_text} {bound}")
    lo, hi = interval
    worst, best = (hi, lo) if upper else (lo, hi)
    if sign * worst <= sign * threshold + _EPS:
        return "passed", f"{head} {ok_text} {bound}"
    if sign * best > sign * threshold + _EPS:
        return "failed", f"{head} {bad_text} {bound}"
    return "inconclusive", f"{head} straddles {bound}"


def _findings(gm: GroupMetrics, limits: Thresholds) -> list[_Finding]:
    judged = int(gm.judged.sum())
    if judged < 2:
        rows = "rows" if gm.support_name == "n" else gm.support_name.replace("_", " ")
        undefined = int(gm.undefined.sum())
        if undefined:
            small = len(gm.groups) - judged - undefined
            why = f"{undefined} where it is not a finite number"
            why += f", {small} with fewer than min_group_size={gm.min_group_size} {rows}" if small else ""
            text = f"{gm.name}: only {judged} of {len(gm.groups)} groups can be judged ({why})"
        else:
            verb = "has" if judged == 1 else "have"
            text = f"{gm.name}: only {judged} of {len(gm.groups)} groups {verb} at least "
            text += f"min_group_size={gm.min_group_size} {rows}"
        return [_Finding(gm, "inconclusive", text + ", so no two groups can be compared")]
    level = f" ({gm.level} interval " if gm.confidence is not None else ""
    out = []
    if limits.max_difference is not None:
        interval = gm.difference_interval
        head = f"{gm.name} difference {_fmt(gm.difference)}"
        head += f"{level}{_fmt(interval[0])} to {_fmt(interval[1])})" if interval else ""
        bound = f"max_difference {limits.max_difference:g}"
        outcome, text = _against(head, gm.difference, interval, bound, limits.max_difference, upper=True)
        excess = (gm.difference - limits.max_difference) / max(limits.max_difference, 1e-12)
        out.append(_Finding(gm, outcome, text, excess))
    if limits.min_ratio is not None:
        # A ratio 0/0 means every group has the value 0: the groups are equal.
        value = 1.0 if math.isnan(gm.ratio) else gm.ratio
        interval = gm.ratio_interval and tuple(1.0 if math.isnan(v) else v for v in gm.ratio_interval)
        head = f"{gm.name} ratio {_fmt(value)}"
        head += f"{level}{_fmt(interval[0])} to {_fmt(interval[1])})" if interval else ""
        bound = f"min_ratio {limits.min_ratio:g}" + (" (four-fifths rule)" if limits.min_ratio == 0.8 else "")
        outcome, text = _against(head, value, interval, bound, limits.min_ratio, upper=False)
        out.append(_Finding(gm, outcome, text, (limits.min_ratio - value) / max(limits.min_ratio, 1e-12)))
    return out


def _shown(findings: list[_Finding], outcome: str) -> str:
    """The findings of the outcome; with several classes, those of the worst class and a count of the rest."""
    chosen = [f for f in findings if f.outcome == outcome] if outcome != "passed" else findings
    classes = [f.gm.label for f in chosen if f.gm.label is not None]
    if len(set(classes)) > 1:
        worst = max(chosen, key=_severity).gm.label
        rest = len({c for c in classes if c != worst})
        chosen = [f for f in chosen if f.gm.label == worst]
        return "; ".join(f.text for f in chosen) + f" (and {rest} more {'class' if rest == 1 else 'classes'})"
    return "; ".join(f.text for f in chosen)


def _severity(finding: _Finding) -> float:
    return -math.inf if math.isnan(finding.excess) else finding.excess


def judge(check: str, title: str, metrics: list[GroupMetrics], limits: Thresholds) -> CheckResult:
    """Judge every metric (each class, each rate) and conclude the check with its worst outcome."""
    findings = [f for gm in metrics for f in _findings(gm, limits)]
    outcomes = {f.outcome for f in findings}
    outcome = "failed" if "failed" in outcomes else "inconclusive" if "inconclusive" in outcomes else "passed"
    word = {"passed": "holds", "failed": "violated", "inconclusive": "inconclusive"}[outcome]
    verdict = f"{title} {word}: {_shown(findings, outcome)}"
    worst_gm = max((f for f in findings if f.outcome == outcome), key=_severity).gm
    first = metrics[0]
    parts: dict[str, Any] = {"evidence": _evidence(metrics, worst_gm)}
    if outcome != "passed":
        parts |= _advice(outcome, [f for f in findings if f.outcome == outcome], limits)
        if first.confidence is not None:
            parts["reproduce"] = _message.reproduce_with_seed(first.seed)
    result = CheckResult(
        "fairness",
        check,
        outcome,
        _message.compose(verdict, **parts),
        figures=_figures(metrics, limits),
        table=_table.report_rows(metrics),
        charts=_table.chart_specs(metrics),
    )
    return conclude(result)


def _evidence(metrics: list[GroupMetrics], worst: GroupMetrics) -> list[str]:
    first = metrics[0]
    lines = [f"groups: {len(first.groups)} by {' x '.join(first.columns)} ({first.method})"]
    if worst.worst_pair is not None:
        hi, lo = worst.worst_pair
        lines.append(
            f"worst pair: {worst.group_name(hi)} (n={int(worst.counts[hi])}) {worst.name} {worst.values[hi]:.4f} "
            f"vs {worst.group_name(lo)} (n={int(worst.counts[lo])}) {worst.values[lo]:.4f}; overall {worst.overall:.4f}"
        )
    if first.confidence is not None:
        each = ""
        if first.family > 1:
            each = f"; each of the {first.family} rates' at {1 - (1 - first.confidence) / first.family:.2%}"
        lines.append(
            f"intervals: {first.level}, group-stratified bootstrap, {first.n_resamples} resamples, "
            f"seed={first.seed} (those of the difference and ratio cover all groups at once{each})"
        )
    lines += ["", *_table.text_table(metrics)]
    notes = _table.notes(metrics)
    unjudged = sum(1 for n in notes if n)
    if unjudged:
        groups = "1 group" if unjudged == 1 else f"{unjudged} groups"
        if all(n.startswith("too small") for n in notes if n):
            lines += ["", f"{groups} with fewer than min_group_size={first.min_group_size} rows shown but not judged."]
        elif all(n.startswith("not a finite number") for n in notes if n):
            lines += ["", f"{groups} where the metric is not a finite number shown but not judged."]
        else:
            lines += ["", f"{groups} shown but not judged: a rate is judged where a group has min_group_size="
                      f"{first.min_group_size} (and at least one) of the rows it is a share of (the positives for a "
                      "true positive rate, the negatives for a false positive rate)."]  # fmt: skip
    return lines


def _advice(outcome: str, findings: list[_Finding], limits: Thresholds) -> dict[str, Any]:
    """Likely causes, what to change and how to waive, for a failed or inconclusive verdict."""
    confidence = findings[0].gm.confidence
    if outcome == "inconclusive":
        too_few = [f.gm for f in findings if int(f.gm.judged.sum()) < 2]
        if too_few and too_few[0].undefined.any():
            gm = too_few[0]
            causes = [f"{gm.metric} is not a finite number (nan or inf) in {int(gm.undefined.sum())} groups"]
            fixes = [
                f"check what {gm.metric} returns on each group's rows (a score can be undefined, e.g. r2_score of a "
                "constant target)",
                "choose a metric defined on every group",
            ]
        elif too_few:
            gm = too_few[0]
            rows = "rows" if gm.support_name == "n" else gm.support_name.replace("_", " ")
            causes = [f"fewer than two groups have min_group_size={gm.min_group_size} {rows} (or any), so "
                      f"{gm.name} cannot be compared"]  # fmt: skip
            fixes = [
                f"collect more {rows} for the groups marked in the table",
                "lower min_group_size (this call's argument, or fairness_min_group_size in [tool.mltest])",
            ]
        else:
            causes = ["groups too small for this confidence, or a gap too close to the threshold to tell"]
            fixes = [
                "collect more rows for the groups with the widest intervals in the table",
                "lower confidence (e.g. 0.9) or min_group_size",
            ]
        waive = 'set inconclusive = "pass" in [tool.mltest] to report undecided results without failing them.'
        return {"causes": causes, "fixes": fixes, "waive": waive}
    causes = [
        "the model (or the labels it learnt from) treats these groups differently",
        "another feature stands in for the sensitive one (a proxy)",
    ]
    fixes = [
        "find the features that carry the group and the source of the gap (labels, sampling, features)",
        "mitigate (reweigh the training data, fairlearn's ThresholdOptimizer or ExponentiatedGradient) and retrain",
    ]
    if confidence is None:
        causes.append("chance, with small groups: the check judged point values")
        fixes.append(
            "with small groups, pass confidence=0.95 so that noise alone cannot fail the check (what the data "
            'cannot decide is then inconclusive, which fails unless inconclusive = "pass")'
        )
    return {"causes": causes, "fixes": fixes, "waive": _waive(findings, limits)}


def _waive(findings: list[_Finding], limits: Thresholds) -> str:
    """The thresholds that would let this result pass, as keywords."""
    confident = findings[0].gm.confidence is not None
    diffs = [f.gm.difference_interval[1] if confident else f.gm.difference for f in findings]
    ratios = [f.gm.ratio_interval[0] if confident else f.gm.ratio for f in findings]
    keywords = []
    if limits.max_difference is not None and any("> max_difference" in f.text for f in findings):
        keywords.append(f"max_difference={math.ceil(max(diffs) * 1000) / 1000:g}")
    if limits.min_ratio is not None and any("< min_ratio" in f.text for f in findings):
        keywords.append(f"min_ratio={math.floor(min(r for r in ratios if not math.isnan(r)) * 1000) / 1000:g}")
    where = " (the far end of the interval)" if confident else ""
    return (
        f"pass {' and '.join(keywords)}{where} if gaps this large are acceptable (or set fairness_max_difference / "
        "fairness_min_ratio in [tool.mltest])."
    )


def _figures(metrics: list[GroupMetrics], limits: Thresholds) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for gm in metrics:
        figures[f"{gm.name}_difference"] = gm.difference
        figures[f"{gm.name}_ratio"] = gm.ratio
        if gm.difference_interval is not None:
            figures[f"{gm.name}_difference_ci"] = (
                f"[{_fmt(gm.difference_interval[0])}, {_fmt(gm.difference_interval[1])}]"
            )
            figures[f"{gm.name}_ratio_ci"] = f"[{_fmt(gm.ratio_interval[0])}, {_fmt(gm.ratio_interval[1])}]"
    if limits.max_difference is not None:
        figures["max_difference"] = limits.max_difference
    if limits.min_ratio is not None:
        figures["min_ratio"] = limits.min_ratio
    first = metrics[0]
    figures["groups"] = len(first.groups)
    unjudged = sum(1 for n in _table.notes(metrics) if n)
    if unjudged:
        figures["too_small"] = unjudged
    if first.confidence is not None:
        figures["confidence"] = first.confidence
        figures["seed"] = first.seed
    return figures
