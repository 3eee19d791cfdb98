"""assert_can_overfit: the estimator learns a small sample by heart.

Karpathy's "overfit one batch" for scikit-learn estimators: a clone is fitted on a small sample
with the limits that keep a healthy model from memorising it lifted (:mod:`._relax`), and must
then score ``min_score`` on those same rows. What it catches is what no amount of data fixes:
features that never reach the model, a model that ignores its input, too little capacity,
identical rows with different labels.

The sample follows the task: a classifier gets 20 rows (at least two per class, stratified), a
regressor at most one row more than X has columns, so that even a linear model can pass through
every point.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from mltest import _settings, _validation
from mltest._message import compose
from mltest.errors import invalid_type
from mltest.report import CheckResult
from mltest.training._common import fail, reproduce, succeed
from mltest.training._estimators import (
    EXAMPLES,
    call,
    check_estimator,
    check_xy,
    estimator_name,
    fit_clone,
    n_rows,
    row_label,
    scalar,
    scorer_for,
    split,
    task,
)
from mltest.training._estimators import (
    score as score_model,
)
from mltest.training._relax import relaxed_params

__all__ = ["DEFAULT_SAMPLE", "assert_can_overfit"]

DEFAULT_SAMPLE = 20  # rows a classifier learns by heart; fewer for a regressor with few columns


def _sample_size(n_samples: Any, kind: str, X: Any, y: np.ndarray) -> int:
    if n_samples is not None:
        return _validation.number("n_samples", n_samples, low=2, integer=True)
    if kind == "regression":
        shape = getattr(X, "shape", None) or np.shape(X)
        columns = int(shape[1]) if len(shape) > 1 else 1
        return max(2, min(DEFAULT_SAMPLE, columns + 1))
    return max(DEFAULT_SAMPLE, 2 * len(np.unique(y)))


def _fit_sample(estimator: Any, X: Any, y: Any, lifted: dict[str, tuple[Any, Any]]) -> Any:
    """A clone fitted on the sample with the ``lifted`` limits; the convergence warnings they cause are ours."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        if lifted:
            warnings.simplefilter("ignore", ConvergenceWarning)
        return fit_clone(estimator, X, y, params={key: new for key, (_, new) in lifted.items()})


def _listed(limits: dict[str, tuple[Any, Any]], *, lifted: bool = True) -> str:
    """``min_samples_leaf=1 (was 20)`` for lifted limits, ``min_samples_leaf=20`` for limits as they are."""
    if lifted:
        return ", ".join(f"{key.rpartition('__')[2]}={new!r} (was {old!r})" for key, (old, new) in limits.items())
    return ", ".join(f"{key.rpartition('__')[2]}={old!r}" for key, (old, _) in limits.items())


def _wrong_rows(kind: str, X: Any, truth: np.ndarray, predicted: np.ndarray) -> list[dict[str, Any]]:
    """The rows the fitted sample model gets most wrong: misclassified rows, or the largest residuals."""
    if predicted.shape != truth.shape:
        return []
    if kind == "regression":
        error = np.abs(predicted.astype(float) - truth.astype(float))
        positions = np.argsort(-error, kind="stable")[:EXAMPLES]
    else:
        positions = np.flatnonzero(predicted != truth)[:EXAMPLES]
    return [{"row": row_label(X, p), "y": scalar(truth[p]), "predicted": scalar(predicted[p])} for p in positions]


def assert_can_overfit(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    n_samples: int | None = None,
    min_score: float = 0.95,
    scoring: Any = None,
    relax: bool = True,
    seed: int | None = None,
) -> CheckResult:
    """Assert that the estimator learns a small sample by heart: fitted on ``n_samples`` rows,
    it scores at least ``min_score`` on those same rows.

    ``n_samples`` defaults to 20 rows for a classifier (two per class when there are more than
    ten classes) and to one more than the number of columns of X, at most 20, for a regressor.
    ``scoring`` defaults to ``"accuracy"`` for classifiers and ``"r2"`` for regressors. With
    ``relax=True`` the sample is fitted with the limits a healthy model sets for the full data
    lifted (``min_samples_leaf``, ``n_neighbors``, ``C``, ``alpha``, ``bootstrap``, ...; see the
    docs); ``relax=False`` fits the estimator as it is. ``seed`` picks the sample (default: the
    ``seed`` setting).
    """
    check_estimator(estimator)
    n, y_array = check_xy(X, y)
    min_score = _validation.number("min_score", min_score)
    if not isinstance(relax, bool):
        raise invalid_type("relax", relax, "True (lift the limits set for the full data) or False")
    seed = _settings.resolve_seed(seed)
    kind = task(estimator, y_array)
    size = min(_sample_size(n_samples, kind, X, y_array), n)
    scorer, metric = scorer_for(scoring, "r2" if kind == "regression" else "accuracy")
    if size < n:
        X_small, _, y_small, _ = split(X, y, size=size, stratify=kind != "regression", seed=seed, train=True)
    else:
        X_small, y_small = X, y
    limits = relaxed_params(estimator)
    model = _fit_sample(estimator, X_small, y_small, limits if relax else {})
    score = score_model(scorer, metric, model, X_small, y_small)
    size = n_rows("X", X_small)
    figures = {"task": kind, "metric": metric, "score": score, "min_score": min_score, "n_samples": size}
    figures |= {"seed": seed, "relaxed": _listed(limits) if relax else ""}
    truth, predicted = np.asarray(y_small), call(model, "predict", X_small, "estimator")
    table = _wrong_rows(kind, X_small, truth, predicted)
    if kind != "regression" and predicted.shape == truth.shape:
        figures["rows_wrong"] = int(np.sum(predicted != truth))
    name = estimator_name(estimator)
    rows = f"the {size} rows it was fitted on" + (f" (seed={seed})" if size < n else "")
    if score >= min_score:
        lifted = f"; fitted with {figures['relaxed']}" if figures["relaxed"] else ""
        message = f"assert_can_overfit: {name} scored {metric}={score:.4g} on {rows} (required {min_score:g}){lifted}"
        return succeed("assert_can_overfit", message, figures, table)
    verdict = (
        f"assert_can_overfit: {name} scored {metric}={score:.4g} on {rows}; required: at least {min_score:g}. "
        f"A model that cannot learn {size} rows by heart will not learn the full data."
    )
    return fail("assert_can_overfit", _failure(verdict, figures, table, limits, relax), figures, table)


def _failure(
    verdict: str, figures: dict[str, Any], table: list[dict[str, Any]], limits: dict[str, Any], relax: bool
) -> str:
    regression = figures["task"] == "regression"
    evidence = [f"row {r['row']}: y={r['y']!r}, predicted {r['predicted']!r}" for r in table]
    if evidence:
        wrong = f"{figures.get('rows_wrong')} of {figures['n_samples']} rows predicted wrong, for example:"
        evidence.insert(0, "the largest errors:" if regression else wrong)
    if relax and limits:
        evidence.append(f"fitted with the limits for the full data lifted: {figures['relaxed']}")
    causes, fixes = [], []
    if limits and not relax:
        size = figures["n_samples"]
        causes.append(f"limits set for the full data, which {size} rows cannot meet: {_listed(limits, lifted=False)}")
        fixes.append(f"pass relax=True (the default), which fits the sample with {_listed(limits)}")
    causes += [
        "the model ignores its input: the features are dropped or constant before they reach it",
        "too little capacity for the task (max_depth=1, a linear model for a curved target, too few "
        "iterations or estimators)",
        "identical rows with different " + ("targets" if regression else "labels") + " in the sample",
    ]
    if regression:
        causes.append(
            "a target on a scale the model does not reach in its iterations (an MLP or SGD model on an "
            "unscaled target: wrap it in TransformedTargetRegressor(..., transformer=StandardScaler()))"
        )
    fixes += [
        "fit on the same rows and inspect the predictions: do they follow the target at all?",
        "check the preprocessing output: does it still vary from row to row?",
    ]
    return compose(
        verdict,
        evidence=evidence,
        causes=causes,
        fixes=fixes,
        reproduce=reproduce(figures["seed"]),
        waive=f"pass min_score= the score you accept (this model reached {figures['score']:.3g}).",
    )
