"""``assert_no_regression``: the new model is not worse than the old one on the same rows (paired bootstrap).

Both models predict the same rows; the difference of their scores is resampled with the same
weights for both (a Bayesian bootstrap of the rows), so the interval is about the difference
itself, not about two separate scores. The new model passes when the whole interval lies above
``-margin`` (not worse by more than the margin), fails when it lies wholly below, and is
inconclusive otherwise: the gate of a continuous-training pipeline that promotes a model only
when it is not worse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mltest import _settings, _validation
from mltest._message import compose, reproduce_with_seed
from mltest.errors import InvalidArgument, invalid_type
from mltest.report import CheckResult, conclude

__all__ = ["METRICS", "assert_no_regression"]

# name: (needs probabilities, higher is better)
METRICS = {
    "accuracy": (False, True),
    "log_loss": (True, False),
    "brier": (True, False),
    "roc_auc": (True, True),
    "mae": (False, False),
    "mse": (False, False),
    "rmse": (False, False),
    "r2": (False, True),
}
_CHUNK = 5_000_000  # resampling weights drawn at once, at most


def assert_no_regression(
    new: Any,
    old: Any,
    X: Any,
    y: Any,
    *,
    metric: Any = "accuracy",
    margin: Any = None,
    confidence: Any = None,
    n_resamples: int = 1000,
    seed: Any = None,
) -> CheckResult:
    """Fail when ``new`` scores worse than ``old`` on ``X, y`` by more than ``margin``.

    ``new``/``old``: fitted models (``predict``, or ``predict_proba`` for probability metrics) or
    callables returning predictions. ``metric``: one of ``accuracy``, ``log_loss``, ``brier``,
    ``roc_auc`` (binary), ``mae``, ``mse``, ``rmse``, ``r2``, or a callable
    ``(y_true, y_pred) -> score`` where higher is better. ``margin``: how much worse is still
    acceptable, in the metric's units (default ``regression_margin``, 0). ``confidence``: of the
    paired bootstrap interval (default ``regression_confidence``, 0.95).
    """
    margin = _validation.number("margin", _settings.get("regression_margin") if margin is None else margin, low=0)
    level = _settings.get("regression_confidence") if confidence is None else confidence
    level = _validation.number("confidence", level, low=0.5, high=1, high_open=True)
    n_resamples = _validation.number("n_resamples", n_resamples, low=10, high=100_000, integer=True)
    seed = _settings.resolve_seed(seed)
    name, score, higher = _metric(metric)
    truth = _values("y", y)
    proba = name in METRICS and METRICS[name][0]
    new_pred, old_pred = _predict("new", new, X, proba, len(truth)), _predict("old", old, X, proba, len(truth))
    rng = np.random.default_rng(seed)
    new_score, old_score = float(score(truth, new_pred, None)), float(score(truth, old_pred, None))
    draws = _paired_draws(score, truth, (new_pred, old_pred), n_resamples, rng)
    sign = 1.0 if higher else -1.0
    gain = sign * (new_score - old_score)  # > 0: the new model is better
    tail = (1 - level) / 2 * 100
    low, high = (float(v) for v in np.nanpercentile(sign * (draws[0] - draws[1]), [tail, 100 - tail]))
    outcome = "passed" if low >= -margin else "failed" if high < -margin else "inconclusive"
    op = {"passed": ">=", "failed": "<", "inconclusive": "straddles"}[outcome]
    verdict = (
        f"assert_no_regression {outcome}: {name} {new_score:.4g} (new) vs {old_score:.4g} (old): gain {gain:.3g} "
        f"({level:.0%} interval {low:.3g} to {high:.3g}) {op} {-margin if margin else 0:g} (margin {margin:g})"
    )
    figures = {"metric": name, "new": new_score, "old": old_score, "gain": gain, "low": low, "high": high}
    ci_low, ci_high = (float(v) for v in np.nanpercentile(draws[0], [tail, 100 - tail]))
    figures |= {"score": new_score, "ci_low": ci_low, "ci_high": ci_high}  # the new model's, for the model card
    figures |= {"margin": margin, "confidence": level, "rows": len(truth), "seed": seed}
    chart = {"kind": "bar", "title": f"{name}: new against old", "label": "model", "value": name}
    table = [{"model": "old", name: old_score}, {"model": "new", name: new_score}]
    message = verdict
    if outcome != "passed":
        message = compose(
            verdict,
            evidence=[f"{len(truth):,} rows, paired Bayesian bootstrap of {n_resamples} resamples"],
            causes=["the new training data or code made the model worse on these rows"]
            if outcome == "failed"
            else [f"too few rows to tell a change of {margin:g} in {name} from noise"],
            fixes=["keep the old model in production and look at what changed in the data or the training code"]
            if outcome == "failed"
            else ["compare on more rows, or accept a larger margin"],
            reproduce=reproduce_with_seed(seed),
            waive=f"pass margin={abs(min(low, 0)) * 1.1:.2g} if a loss of that much {name} is acceptable.",
        )
    result = CheckResult("monitoring", "assert_no_regression", outcome, message, figures, table, charts=[chart])
    return conclude(result)


def _metric(metric: Any) -> tuple[str, Callable[..., float], bool]:
    if callable(metric):
        name = getattr(metric, "__name__", "metric")

        def custom(t: np.ndarray, p: np.ndarray, w: np.ndarray | None) -> float:
            if w is not None:
                raise AssertionError("unreachable: a callable metric is resampled by index")
            return float(metric(t, p))

        return name, custom, True
    name = _validation.choice("metric", metric, list(METRICS))
    return name, _SCORES[name], METRICS[name][1]


def _values(name: str, value: Any) -> np.ndarray:
    array = np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value)
    if array.ndim != 1 or len(array) == 0:
        raise InvalidArgument(f"{name} has shape {array.shape}: expected one value per row (at least one row)")
    return array


def _predict(name: str, model: Any, X: Any, proba: bool, n: int) -> np.ndarray:
    if proba and hasattr(model, "predict_proba"):
        out = np.asarray(model.predict_proba(X))
        out = out[:, -1] if out.ndim == 2 else out
    elif hasattr(model, "predict"):
        out = np.asarray(model.predict(X))
    elif callable(model):
        out = np.asarray(model(X))
    else:
        raise invalid_type(name, model, "a fitted model (predict or predict_proba) or a callable")
    out = out.reshape(-1) if out.ndim == 2 and 1 in out.shape else out
    if out.ndim != 1 or len(out) != n:
        raise InvalidArgument(f"{name} gave predictions of shape {out.shape} for {n} rows of y")
    return out


def _mean(values: np.ndarray, w: np.ndarray | None) -> Any:
    return values.mean() if w is None else (w @ values) / w.sum(axis=1)


def _log_loss(t: np.ndarray, p: np.ndarray, w: np.ndarray | None) -> Any:
    p = np.clip(p.astype(float), 1e-15, 1 - 1e-15)
    return _mean(-(t * np.log(p) + (1 - t) * np.log1p(-p)), w)


def _r2(t: np.ndarray, p: np.ndarray, w: np.ndarray | None) -> Any:
    t = t.astype(float)
    if w is None:
        return 1 - ((t - p) ** 2).sum() / ((t - t.mean()) ** 2).sum()
    total = w.sum(axis=1)
    mean = (w @ t) / total
    sst = w @ (t * t) - total * mean * mean
    return 1 - (w @ ((t - p) ** 2)) / sst


def _roc_auc(t: np.ndarray, p: np.ndarray, w: np.ndarray | None) -> Any:
    """The area under the ROC curve with weighted rows: the weighted Mann-Whitney statistic (ties count half)."""
    order = np.argsort(p, kind="stable")
    t, p = t[order].astype(bool), p[order]
    weights = np.ones((1, len(t))) if w is None else w[:, order]
    negatives = np.where(~t, weights, 0.0)
    below = np.cumsum(negatives, axis=1) - negatives  # negative weight strictly before each row
    _, first, counts = np.unique(p, return_index=True, return_counts=True)
    tie_group = np.repeat(np.arange(len(first)), counts)
    starts = below[:, first]
    tied = np.add.reduceat(negatives, first, axis=1)
    below = starts[:, tie_group] + tied[:, tie_group] / 2
    positives = np.where(t, weights, 0.0)
    auc = (positives * below).sum(axis=1) / (positives.sum(axis=1) * negatives.sum(axis=1))
    return float(auc[0]) if w is None else auc


_SCORES: dict[str, Callable[..., Any]] = {
    "accuracy": lambda t, p, w: _mean((t == p).astype(float), w),
    "log_loss": _log_loss,
    "brier": lambda t, p, w: _mean((p.astype(float) - t) ** 2, w),
    "roc_auc": _roc_auc,
    "mae": lambda t, p, w: _mean(np.abs(t - p.astype(float)), w),
    "mse": lambda t, p, w: _mean((t - p.astype(float)) ** 2, w),
    "rmse": lambda t, p, w: np.sqrt(_mean((t - p.astype(float)) ** 2, w)),
    "r2": _r2,
}


def _paired_draws(
    score: Callable[..., Any], truth: np.ndarray, predictions: tuple[np.ndarray, np.ndarray], n: int, rng: Any
) -> np.ndarray:
    """Scores of both models on the same resamples: shape (2, n)."""
    out = np.empty((2, n))
    if score not in _SCORES.values():  # a user's callable: resample indices, a Python call per resample
        picks = rng.integers(0, len(truth), size=(n, len(truth)))
        for b in range(n):
            out[:, b] = [score(truth[picks[b]], pred[picks[b]], None) for pred in predictions]
        return out
    step = max(1, _CHUNK // len(truth))
    for start in range(0, n, step):
        stop = min(n, start + step)
        weights = rng.standard_exponential((stop - start, len(truth)))
        for i, pred in enumerate(predictions):
            out[i, start:stop] = score(truth, pred, weights)
    return out
