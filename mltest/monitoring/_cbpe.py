"""Performance without labels: confidence-based performance estimation (CBPE) for binary classifiers.

When a model's probabilities are calibrated, a row predicted positive with probability 0.8 is a
true positive 80% of the time, so the expected confusion matrix is the sum of the probabilities
(NannyML's CBPE; the estimates equal its, see tests/test_monitoring_cbpe.py). The interval is
that of the metric the labels would give if they were drawn from those probabilities: the
counts are sums of independent Bernoulli draws (Poisson-binomial, drawn here as their normal
approximation, rank sum included for ROC AUC), so it narrows as the rows grow.

Valid only without concept shift: the probabilities must still be calibrated on the current
data (the relation between features and label unchanged). ``calibration=(y_true, y_proba)``
of labelled reference data fits an isotonic calibration first (scikit-learn), as NannyML does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mltest import _settings, _validation
from mltest._message import compose, reproduce_with_seed
from mltest.errors import InvalidArgument
from mltest.report import CheckResult, conclude

__all__ = ["METRICS", "PerformanceEstimate", "assert_estimated_performance", "estimate_performance"]

METRICS = ("accuracy", "precision", "recall", "specificity", "f1", "roc_auc")


@dataclass(frozen=True)
class PerformanceEstimate:
    """The expected ``metric`` (``value``) with the interval of the metric the labels would give."""

    metric: str
    value: float
    low: float
    high: float
    confidence: float
    rows: int
    seed: int


def estimate_performance(
    y_proba: Any,
    *,
    metric: str = "accuracy",
    y_pred: Any = None,
    threshold: float = 0.5,
    calibration: Any = None,
    confidence: Any = 0.95,
    seed: Any = None,
) -> PerformanceEstimate:
    """Estimate ``metric`` of a binary classifier from its predicted probabilities of the positive class.

    ``y_pred``: the predicted labels (default ``y_proba >= threshold``). ``calibration``: a pair
    ``(y_true, y_proba)`` of labelled reference data to calibrate ``y_proba`` on first.
    ``metric``: one of ``accuracy``, ``precision``, ``recall``, ``specificity``, ``f1``, ``roc_auc``.
    """
    metric = _validation.choice("metric", metric, METRICS)
    confidence = _validation.number("confidence", confidence, low=0.5, high=1, high_open=True)
    threshold = _validation.probability("threshold", threshold)
    seed = _settings.resolve_seed(seed)
    scores = _probabilities("y_proba", y_proba)
    predicted = scores >= threshold if y_pred is None else _labels("y_pred", y_pred, len(scores))
    calibrated = scores if calibration is None else _calibrate(calibration, scores)
    value = _expected(metric, calibrated, predicted, scores)
    draws = _realised(metric, calibrated, predicted, scores, np.random.default_rng(seed))
    tail = (1 - confidence) / 2 * 100
    low, high = (float(v) for v in np.nanpercentile(draws, [tail, 100 - tail]))
    return PerformanceEstimate(
        metric=metric, value=value, low=low, high=high, confidence=confidence, rows=len(scores), seed=seed
    )


def assert_estimated_performance(
    y_proba: Any,
    *,
    min_value: Any,
    metric: str = "accuracy",
    y_pred: Any = None,
    threshold: float = 0.5,
    calibration: Any = None,
    confidence: Any = 0.95,
    seed: Any = None,
) -> CheckResult:
    """Fail when the estimated ``metric``'s whole interval is below ``min_value``; inconclusive when it straddles it."""
    min_value = _validation.number("min_value", min_value)
    estimate = estimate_performance(
        y_proba, metric=metric, y_pred=y_pred, threshold=threshold, calibration=calibration, confidence=confidence,
        seed=seed,
    )  # fmt: skip
    e = estimate
    outcome = "passed" if e.low >= min_value else "failed" if e.high < min_value else "inconclusive"
    op = {"passed": ">=", "failed": "<", "inconclusive": "straddles"}[outcome]
    verdict = (
        f"assert_estimated_performance {outcome}: estimated {e.metric} {e.value:.4g} "
        f"({e.confidence:.0%} interval {e.low:.3g} to {e.high:.3g}) {op} min_value {min_value:g}"
    )
    figures = {"metric": e.metric, "estimate": e.value, "low": e.low, "high": e.high, "min_value": min_value}
    figures |= {"score": e.value, "ci_low": e.low, "ci_high": e.high}  # what the model card lists
    figures |= {"rows": e.rows, "confidence": e.confidence, "seed": e.seed}
    message = verdict
    if outcome != "passed":
        message = compose(
            verdict,
            evidence=[f"{e.rows:,} rows without labels, CBPE from calibrated probabilities"],
            causes=[
                "the model is less sure of the current rows: they moved towards its decision boundary (covariate shift)"
                if outcome == "failed"
                else "too few rows to tell the estimate from min_value",
            ],
            fixes=[
                "check drift (mltest.assert_no_drift) and retrain on recent labelled data",
                "the estimate assumes calibrated probabilities: calibrate on recent labelled data (calibration=)",
            ],
            reproduce=reproduce_with_seed(e.seed),
            waive=f"pass min_value={e.low:.2g} if an estimated {e.metric} of {e.value:.3g} is acceptable.",
        )
    return conclude(CheckResult("monitoring", "assert_estimated_performance", outcome, message, figures=figures))


def _probabilities(name: str, value: Any) -> np.ndarray:
    array = np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=float)
    if array.ndim == 2 and array.shape[1] == 2:
        array = array[:, 1]
    if array.ndim != 1 or len(array) == 0:
        raise InvalidArgument(f"{name} has shape {array.shape}: expected the positive class's probability per row")
    if not np.isfinite(array).all() or array.min() < 0 or array.max() > 1:
        raise InvalidArgument(f"{name} has values outside 0..1 or missing: expected probabilities")
    return array


def _labels(name: str, value: Any, n: int) -> np.ndarray:
    array = np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value)
    if array.shape != (n,) or not np.isin(array, (0, 1)).all():
        raise InvalidArgument(f"{name} must be {n} labels 0/1 (one per row of y_proba), got shape {array.shape}")
    return array.astype(bool)


def _calibrate(calibration: Any, scores: np.ndarray) -> np.ndarray:
    if not isinstance(calibration, (tuple, list)) or len(calibration) != 2:
        raise InvalidArgument("calibration must be a pair (y_true, y_proba) of labelled reference data")
    truth = _probabilities("calibration y_true", calibration[0])
    reference = _probabilities("calibration y_proba", calibration[1])
    from sklearn.isotonic import IsotonicRegression

    return IsotonicRegression(out_of_bounds="clip", increasing=True).fit(reference, truth).predict(scores)


def _ratio(a: Any, b: Any) -> Any:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1), 0.0)


def _from_counts(metric: str, tp: Any, fn: Any, n1: float, n0: float) -> Any:
    """A metric from true positives and false negatives, with n1 rows predicted positive and n0 negative."""
    fp, tn = n1 - tp, n0 - fn
    return {
        "accuracy": lambda: (tp + tn) / (n1 + n0),
        "precision": lambda: _ratio(tp, tp + fp),
        "recall": lambda: _ratio(tp, tp + fn),
        "specificity": lambda: _ratio(tn, tn + fp),
        "f1": lambda: _ratio(tp, tp + 0.5 * (fp + fn)),
    }[metric]()


def _expected(metric: str, p: np.ndarray, predicted: np.ndarray, scores: np.ndarray) -> float:
    if metric == "roc_auc":
        order = np.argsort(-scores, kind="stable")
        tps = np.cumsum(p[order])
        fps = np.arange(1, len(p) + 1) - tps
        last = np.r_[np.flatnonzero(np.diff(scores[order])), len(p) - 1]  # one point per distinct score
        tpr = np.r_[0.0, tps[last]] / tps[-1]
        fpr = np.r_[0.0, fps[last]] / fps[-1]
        return float(np.trapezoid(tpr, fpr) if hasattr(np, "trapezoid") else np.trapz(tpr, fpr))
    n1 = float(predicted.sum())
    return float(_from_counts(metric, p[predicted].sum(), p[~predicted].sum(), n1, len(p) - n1))


def _realised(metric: str, p: np.ndarray, predicted: np.ndarray, scores: np.ndarray, rng: Any) -> np.ndarray:
    """Draws of the metric the labels would give: normal draws of (true positives, false negatives, rank sum)."""
    variance = p * (1 - p)
    n = 10_000
    if metric == "roc_auc":
        ranks = _ranks(scores)
        mean = np.array([p.sum(), p @ ranks])
        cov = np.array([[variance.sum(), variance @ ranks], [variance @ ranks, variance @ (ranks * ranks)]])
        positives, rank_sum = rng.multivariate_normal(mean, cov, size=n, method="cholesky").T
        positives = np.clip(positives, 1, len(p) - 1)
        return (rank_sum - positives * (positives + 1) / 2) / (positives * (len(p) - positives))
    n1 = float(predicted.sum())
    tp = rng.normal(p[predicted].sum(), np.sqrt(variance[predicted].sum()), n).clip(0, n1)
    fn = rng.normal(p[~predicted].sum(), np.sqrt(variance[~predicted].sum()), n).clip(0, len(p) - n1)
    return _from_counts(metric, tp, fn, n1, len(p) - n1)


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties given their mean rank."""
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    _, first, counts = np.unique(sorted_values, return_index=True, return_counts=True)
    mean_rank = first + (counts + 1) / 2
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(mean_rank, counts)
    return ranks
