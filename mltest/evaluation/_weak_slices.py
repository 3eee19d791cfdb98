"""``assert_no_weak_slices``: no region of the data where the model is confirmed to be much worse."""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest import _settings, _validation
from mltest._message import compose, reproduce_with_seed
from mltest.evaluation._inputs import as_frame, as_vector, infer_task, predictions
from mltest.evaluation._metrics import RowScores, row_scores
from mltest.evaluation._search import Search, Slice, search
from mltest.evaluation._slices import encode, families
from mltest.evaluation._stats import CORRECTIONS
from mltest.report import CheckResult, conclude

__all__ = ["assert_no_weak_slices"]

_SHOWN = 5  # confirmed slices named in the message; the report has every candidate
_CORRECTION_NAMES = {"holm": "Holm", "bh": "Benjamini-Hochberg"}


def _options(metric_scores: RowScores, max_gap: Any, min_size: Any, confidence: Any) -> tuple[float, str, int, float]:
    """(max_gap, how max_gap was set, min_size, confidence) with the project defaults filled in."""
    if max_gap is None:
        share = _settings.get("evaluation_max_gap")
        if metric_scores.binary:
            max_gap, origin = share, ""
        else:  # an error in the target's units: the setting is a share of the overall error
            overall = float(metric_scores.score.mean())
            max_gap = share * overall
            origin = f" ({share:g} x overall {metric_scores.metric} {overall:.4g})"
    else:
        max_gap, origin = _validation.number("max_gap", max_gap, low=0), ""
    if min_size is None:
        min_size = _settings.get("evaluation_min_slice_size")
    min_size = _validation.number("min_size", min_size, low=1, integer=True)
    if confidence is None:
        confidence = _settings.get("evaluation_confidence")
    confidence = _validation.number("confidence", confidence, low=0, high=1, low_open=True, high_open=True)
    return max_gap, origin, min_size, confidence


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _line(s: Slice, metric: str, confidence: float) -> str:
    return (
        f"{s.predicate}: n={s.n}, {metric} {s.value:.3f} ({confidence:.0%} interval {s.low:.3f} to {s.high:.3f}), "
        f"rest {s.rest:.3f}, gap {s.gap:.3f} (adjusted p {s.p_adjusted:.2g})"
    )


def _table(found: Search, metric: str) -> list[dict[str, Any]]:
    return [
        {
            "slice": s.predicate,
            "n": s.n,
            metric: round(s.value, 4),
            "ci_low": round(s.low, 4),
            "ci_high": round(s.high, 4),
            "rest": round(s.rest, 4),
            "gap": round(s.gap, 4),
            "search_gap": round(s.search_gap, 4),
            "p_adjusted": float(f"{s.p_adjusted:.3g}"),
            "confirmed": s.confirmed,
            "unconfirmed": not s.confirmed,
        }
        for s in found.slices
    ]


def _message(found: Search, metric: str, settings: dict[str, Any]) -> tuple[str, str]:
    """(outcome, message) of a finished search."""
    max_gap, confidence, correction = settings["max_gap"], settings["confidence"], settings["correction"]
    how = f"{confidence:.0%} confidence, {_CORRECTION_NAMES[correction]} correction"
    scope = (
        f"{found.searched} slices of {found.families} one- and two-feature families searched on "
        f"{found.halves[0]} rows, {_count(len(found.slices), 'candidate')} tested on the other {found.halves[1]}"
    )
    bound = f"max_gap {max_gap:.4g}{settings['origin']}"
    if found.searched == 0:
        verdict = (
            f"assert_no_weak_slices inconclusive: no slice has min_size={settings['min_size']} rows "
            f"in each half ({found.halves[0]} and {found.halves[1]} rows)"
        )
        fixes = ["pass a smaller min_size=", "evaluate on more rows"]
        return "inconclusive", compose(verdict, fixes=fixes)
    confirmed = found.confirmed
    if not confirmed:
        return (
            "passed",
            f"assert_no_weak_slices passed: no slice's {metric} gap is confirmed > {bound} ({scope}; {how})",
        )
    worst = max(confirmed, key=lambda s: s.gap)
    verdict = (
        f"assert_no_weak_slices failed: {metric} gap {worst.gap:.3f} > {bound} on {len(confirmed)} confirmed "
        f"slice{'s' if len(confirmed) > 1 else ''} ({how})"
    )
    evidence = [
        f"overall {metric} {found.overall:.3f}; {scope}; figures below are from the confirmation half:",
        *(_line(s, metric, confidence) for s in confirmed[:_SHOWN]),
    ]
    if len(confirmed) > _SHOWN:
        evidence.append(f"... {len(confirmed) - _SHOWN} more confirmed slices in the mltest report")
    message = compose(
        verdict,
        evidence=evidence,
        causes=[
            "the training data has few rows like these, or their labels follow a different pattern",
            "a feature that matters for this group is missing or encoded badly",
        ],
        fixes=[
            "collect or up-weight training rows from these slices, or add the feature the model lacks",
            "look at the slice's errors: assert_no_weak_slices(..., features=[...]) narrows the search",
        ],
        reproduce=reproduce_with_seed(settings["seed"]) + " The split into halves depends on the seed.",
        waive=f"pass max_gap={np.ceil(worst.gap * 100) / 100:.2f} if a gap of {worst.gap:.3f} is acceptable.",
    )
    return "failed", message


def _result(found: Search, metric: str, task: str, settings: dict[str, Any]) -> CheckResult:
    """The check's result: verdict, message, figures, the candidates' table and its chart."""
    outcome, message = _message(found, metric, settings)
    figures = {
        "metric": metric,
        "task": task,
        f"overall_{metric}": found.overall,
        "confirmed": len(found.confirmed),
        "candidates": len(found.slices),
        "searched": found.searched,
        **{k: v for k, v in settings.items() if k != "origin"},
    }
    table = _table(found, metric)
    chart = {
        "kind": "bar",
        "title": f"{metric} of the candidate slices (grey: not confirmed)",
        "label": "slice",
        "value": metric,
        "low": "ci_low",
        "high": "ci_high",
        "muted": "unconfirmed",
    }
    result = CheckResult("evaluation", "assert_no_weak_slices", outcome, message, figures=figures, table=table)
    result.charts = [chart] if table else []
    return result


def assert_no_weak_slices(
    model_or_predictions: Any,
    X: Any,
    y: Any,
    *,
    metric: str | None = None,
    min_size: int | None = None,
    max_gap: float | None = None,
    confidence: float | None = None,
    features: Any = None,
    max_features: int = 2,
    bins: int = 5,
    correction: str = "holm",
    task: str | None = None,
    pos_label: Any = None,
    seed: int | None = None,
) -> CheckResult:
    """Fail when a slice (one or two features) is confirmed to be worse than the rest by more than ``max_gap``.

    ``model_or_predictions`` is a fitted model (``predict`` is called once on ``X``), a callable,
    or the predictions themselves. Slices are every level of one column and every pair of levels
    of two columns (``max_features=1`` for single columns only); numbers are cut at their
    quantiles into ``bins`` levels. The rows are split in two at random (``seed``): slices are
    searched on one half and the most suspicious are confirmed on the other with a one-sided test
    of "gap > max_gap", adjusted for the number of candidates (``correction="holm"`` or ``"bh"``).
    The check fails only on confirmed slices; the message names them as predicates with their
    size, metric and interval, and the rest's metric.

    ``metric`` is ``"accuracy"`` (default for classes), ``"recall"``, ``"precision"`` (binary,
    positive class ``pos_label``, default the last label in sorted order),
    ``"mean_absolute_error"`` (default for regression) or ``"mean_squared_error"``. Defaults come
    from ``[tool.mltest]``: ``evaluation_max_gap`` (for errors, a share of the overall error),
    ``evaluation_min_slice_size`` (rows of a slice in each half) and ``evaluation_confidence``.
    """
    frame = as_frame("X", X)
    target = as_vector("y", y, len(frame))
    correction = _validation.choice("correction", correction, CORRECTIONS)
    max_features = _validation.choice("max_features", max_features, (1, 2))
    bins = _validation.number("bins", bins, low=2, high=50, integer=True)
    names = list(frame.columns) if features is None else _validation.columns("features", features, list(frame.columns))
    task = infer_task(target, task)
    predicted = predictions("model_or_predictions", model_or_predictions, X, len(frame))
    scores = row_scores(metric, task, target, predicted, pos_label)
    max_gap, origin, min_size, confidence = _options(scores, max_gap, min_size, confidence)
    used_seed = _settings.resolve_seed(seed)
    half = (np.random.default_rng(used_seed).permutation(len(frame)) >= len(frame) // 2).astype(np.int64)
    found = search(
        families(encode(frame[names], bins=bins, max_levels=20), max_features),
        scores,
        half,
        min_size=min_size,
        max_gap=max_gap,
        confidence=confidence,
        correction=correction,
    )
    settings = {
        "max_gap": max_gap,
        "origin": origin,
        "min_size": min_size,
        "confidence": confidence,
        "correction": correction,
        "seed": used_seed,
    }
    return conclude(_result(found, scores.metric, task, settings))
