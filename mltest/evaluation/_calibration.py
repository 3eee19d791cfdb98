"""``assert_calibrated``: predicted probabilities mean what they say.

The expected calibration error (ECE) bins the predicted probabilities and averages, weighted by
the bins' sizes, the distance between each bin's mean prediction and how often the event
happened in it. Binary: the probability of the positive class against the positive rate.
Multiclass: the top-label confidence (the largest probability) against the accuracy of the
argmax (Guo et al., 2017).

The interval is the basic (reverse-percentile) bootstrap of the rows: a finite sample's ECE is
biased upwards (noise alone puts each bin off the diagonal) and a resample's more so, so the
resamples' spread is reflected around the estimate, ``(2 ece - q_high, 2 ece - q_low)``, which
takes that bias out instead of doubling it; the low end is clipped at 0. The bias-corrected
estimate ``2 ece - mean of the resamples`` is reported with it; the verdict uses the interval.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest import _settings, _validation
from mltest._message import compose, reproduce_with_seed
from mltest.errors import invalid_argument
from mltest.evaluation._inputs import as_vector
from mltest.report import CheckResult, conclude

__all__ = ["assert_calibrated", "expected_calibration_error"]

STRATEGIES = ("uniform", "quantile")
_CHUNK = 4_000_000  # resampled rows per bootstrap batch (memory stays under ~100 MB)


def _probabilities(y_true: Any, proba: Any, labels: Any, pos_label: Any) -> tuple[np.ndarray, np.ndarray, str]:
    """(event indicator, predicted probability of it, what the event is) for each row."""
    y = as_vector("y_true", y_true)
    p = np.asarray(proba.to_numpy() if hasattr(proba, "to_numpy") else proba, dtype=float)
    if p.ndim == 1 or (p.ndim == 2 and p.shape[1] == 1):
        p = p.reshape(-1)
        columns = 2
    elif p.ndim == 2:
        columns = p.shape[1]
    else:
        raise invalid_argument("proba", proba, "probabilities: one per row, or one column per class")
    if len(p) != len(y):
        raise invalid_argument("proba", proba, f"{len(y)} rows, one per value of y_true (got {len(p)})")
    if not np.isfinite(p).all() or p.min() < 0 or p.max() > 1:
        raise invalid_argument("proba", proba, "probabilities from 0 to 1 (found a value outside, NaN or infinity)")
    known = np.unique(y) if labels is None else np.asarray(labels)
    if len(known) != columns:
        raise invalid_argument(
            "labels",
            labels,
            f"one label per column of proba ({columns} columns; y_true has {len(np.unique(y))} labels)",
        )
    unknown = ~np.isin(y, known)
    if unknown.any():
        raise invalid_argument("y_true", y[unknown][0], f"one of the labels {[_plain(v) for v in known]}")
    if p.ndim == 1 or columns == 2:
        plain = [_plain(v) for v in known]
        label = (
            known[-1] if pos_label is None else known[plain.index(_validation.choice("pos_label", pos_label, plain))]
        )
        positive = p if p.ndim == 1 else p[:, int(np.flatnonzero(known == label)[0])]
        return (y == label).astype(float), positive, f"P(y == {_plain(label)!r})"
    if pos_label is not None:
        raise invalid_argument(
            "pos_label", pos_label, f"None for {columns} classes (pos_label names a binary task's class)"
        )
    top = p.argmax(axis=1)
    return (known[top] == y).astype(float), p.max(axis=1), "top-label confidence"


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _edges(p: np.ndarray, bins: int, strategy: str) -> np.ndarray:
    if strategy == "uniform":
        return np.linspace(0, 1, bins + 1)
    return np.unique(np.quantile(p, np.linspace(0, 1, bins + 1)))


def _bin_of(p: np.ndarray, edges: np.ndarray) -> np.ndarray:
    return np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)


def expected_calibration_error(event: np.ndarray, p: np.ndarray, which: np.ndarray, bins: int) -> float:
    """ECE of rows with outcome ``event`` (0/1), probability ``p`` and bin index ``which``."""
    gaps = np.bincount(which, weights=event, minlength=bins) - np.bincount(which, weights=p, minlength=bins)
    return float(np.abs(gaps).sum() / len(p))


def _bootstrap(event: np.ndarray, p: np.ndarray, which: np.ndarray, bins: int, rounds: int, seed: int) -> np.ndarray:
    """ECE of ``rounds`` bootstrap resamples: one bincount per batch of resamples."""
    rng = np.random.default_rng(seed)
    n = len(p)
    batch = max(1, _CHUNK // n)
    out = []
    for start in range(0, rounds, batch):
        size = min(batch, rounds - start)
        rows = rng.integers(0, n, (size, n))
        key = (np.arange(size)[:, None] * bins + which[rows]).ravel()
        diff = np.bincount(key, weights=(event[rows] - p[rows]).ravel(), minlength=size * bins)
        out.append(np.abs(diff.reshape(size, bins)).sum(axis=1) / n)
    return np.concatenate(out)


def _table(event: np.ndarray, p: np.ndarray, which: np.ndarray, edges: np.ndarray) -> list[dict[str, Any]]:
    bins = len(edges) - 1
    n = np.bincount(which, minlength=bins)
    predicted = np.bincount(which, weights=p, minlength=bins)
    observed = np.bincount(which, weights=event, minlength=bins)
    rows = []
    for b in np.flatnonzero(n):
        mean_p, rate = predicted[b] / n[b], observed[b] / n[b]
        rows.append(
            {
                "bin": f"{edges[b]:.2f} to {edges[b + 1]:.2f}",
                "n": int(n[b]),
                "predicted": round(float(mean_p), 4),
                "observed": round(float(rate), 4),
                "perfect": round(float(mean_p), 4),
                "gap": round(float(rate - mean_p), 4),
            }
        )
    return rows


def assert_calibrated(
    y_true: Any,
    proba: Any,
    *,
    max_ece: float | None = None,
    bins: int = 10,
    strategy: str = "uniform",
    confidence: float | None = None,
    n_resamples: int = 1000,
    labels: Any = None,
    pos_label: Any = None,
    seed: int | None = None,
) -> CheckResult:
    """Fail when the expected calibration error of ``proba`` exceeds ``max_ece``.

    ``proba`` is ``predict_proba``'s output: one column per class in the order of ``labels``
    (default: the sorted labels of ``y_true``, as scikit-learn's ``classes_``), or for a binary
    task the positive class's probability alone. Binary: calibration of the positive class
    (``pos_label``, scikit-learn's and fairlearn's name; default the last label); multiclass: of
    the top-label confidence. ``bins`` equal-width bins (``strategy="uniform"``) or equal-count
    bins (``"quantile"``). With ``confidence`` (default
    the ``evaluation_confidence`` setting; ``None`` in code is that default, pass ``0`` to judge
    the point estimate alone) the check passes when the bootstrap interval is within
    ``max_ece``, fails when it is wholly above, and is inconclusive otherwise.
    """
    max_ece = _validation.probability("max_ece", _settings.get("evaluation_max_ece") if max_ece is None else max_ece)
    bins = _validation.number("bins", bins, low=1, high=1000, integer=True)
    strategy = _validation.choice("strategy", strategy, STRATEGIES)
    if confidence is None:
        confidence = _settings.get("evaluation_confidence")
    confidence = _validation.number("confidence", confidence, low=0, high=1, high_open=True)
    n_resamples = _validation.number("n_resamples", n_resamples, low=100, integer=True)
    event, p, what = _probabilities(y_true, proba, labels, pos_label)
    edges = _edges(p, bins, strategy)
    which = _bin_of(p, edges)
    ece = expected_calibration_error(event, p, which, len(edges) - 1)
    used_seed = _settings.resolve_seed(seed) if confidence > 0 else None
    interval = corrected = None
    if confidence > 0:
        draws = _bootstrap(event, p, which, len(edges) - 1, n_resamples, used_seed)
        low, high = np.quantile(draws, [(1 - confidence) / 2, (1 + confidence) / 2])
        corrected = max(2 * ece - float(draws.mean()), 0.0)
        interval = (max(2 * ece - float(high), 0.0), max(2 * ece - float(low), 0.0))  # basic bootstrap
    table = _table(event, p, which, edges)
    outcome, message = _message(
        ece,
        interval,
        table,
        max_ece=max_ece,
        confidence=confidence,
        what=what,
        seed=used_seed,
        bins=len(edges) - 1,
        corrected=corrected,
    )
    # metric/score/ci_low/ci_high: the names a headline metric has in every family (the model card reads them)
    figures = {"metric": "expected_calibration_error", "score": ece, "max_ece": max_ece}
    figures |= {"bins": len(edges) - 1, "strategy": strategy, "rows": len(p)}
    if interval is not None:
        figures |= {"ece_bias_corrected": corrected, "ci_low": interval[0], "ci_high": interval[1]}
        figures |= {"confidence": confidence, "seed": used_seed}
    chart = {"kind": "line", "title": f"reliability: {what}", "x": "predicted", "y": ["observed", "perfect"]}
    result = CheckResult("evaluation", "assert_calibrated", outcome, message, figures=figures, table=table)
    result.charts = [chart]
    return conclude(result)


def _message(
    ece: float, interval: tuple[float, float] | None, table: list[dict[str, Any]], **context: Any
) -> tuple[str, str]:
    max_ece, confidence, what, seed = context["max_ece"], context["confidence"], context["what"], context["seed"]
    shown = f"ECE {ece:.3f}"
    if interval is None:
        outcome = "passed" if ece <= max_ece else "failed"
    else:
        shown += (
            f" (bias-corrected {context['corrected']:.3f}, {confidence:.0%} interval {interval[0]:.3f} "
            f"to {interval[1]:.3f})"
        )
        outcome = "passed" if interval[1] <= max_ece else "failed" if interval[0] > max_ece else "inconclusive"
    op = {"passed": "<=", "failed": ">", "inconclusive": "straddles"}[outcome]
    verdict = f"assert_calibrated {outcome}: {shown} {op} max_ece {max_ece:g} ({what}, {context['bins']} bins)"
    if outcome == "passed":
        return outcome, verdict
    high = ece if interval is None else interval[1]
    worst = sorted(table, key=lambda row: -abs(row["gap"]) * row["n"])[:3]
    evidence = [
        f"bin {row['bin']}: n={row['n']}, predicted {row['predicted']:.3f}, observed {row['observed']:.3f}"
        for row in worst
    ]
    causes = [
        "the model is over- or under-confident (boosted trees, SVMs and naive Bayes often are)",
        "the class balance or the population changed since training",
    ]
    if outcome == "inconclusive":
        causes = ["too few rows to tell: the interval is wide", *causes]
    message = compose(
        verdict,
        evidence=["the bins furthest from the diagonal (predicted vs observed):", *evidence],
        causes=causes,
        fixes=[
            "recalibrate on held-out data: sklearn.calibration.CalibratedClassifierCV(method='isotonic' or 'sigmoid')",
            "with few rows, fewer bins (bins=5) or strategy='quantile' narrow the interval",
        ],
        reproduce=reproduce_with_seed(seed) if seed is not None else "",
        waive=f"pass max_ece={np.ceil(high * 100) / 100:.2f} if an ECE of {ece:.3f} is acceptable.",
    )
    return outcome, message
