"""assert_valid_predictions: what a fitted estimator predicts is well-formed.

The properties follow the task: every estimator predicts one finite value per row in the shape
of ``y``; a classifier (binary or multiclass) predicts labels among the classes of ``y``, has
those classes in ``classes_``, and gives probabilities of shape ``(rows, classes)`` in [0, 1]
summing to 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest import _validation
from mltest._message import compose
from mltest.report import CheckResult
from mltest.training._common import fail, succeed
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
    task,
)

__all__ = ["assert_valid_predictions"]

Problems = list[dict[str, str]]


def _problem(problems: Problems, check: str, observed: str, expected: str) -> None:
    problems.append({"check": check, "observed": observed, "expected": expected})


def _predict_problems(problems: Problems, predicted: np.ndarray, y: np.ndarray, X_predict: Any) -> None:
    expected_shape = (n_rows("X_predict", X_predict), *y.shape[1:])
    if predicted.shape != expected_shape and not (predicted.shape == (expected_shape[0], 1) and y.ndim == 1):
        _problem(
            problems, "predict shape", f"shape {predicted.shape}", f"shape {expected_shape}, one prediction per row"
        )
    if np.issubdtype(predicted.dtype, np.number) and not np.issubdtype(predicted.dtype, np.bool_):
        bad = ~np.isfinite(predicted.astype(float))
        if bad.any():
            first = np.flatnonzero(bad.reshape(len(bad), -1).any(axis=1))[0] if bad.ndim else 0
            observed = f"{int(bad.sum())} NaN or infinite values (first in row {row_label(X_predict, first)})"
            _problem(problems, "predict finite", observed, "finite values")


def _label_problems(problems: Problems, model: Any, predicted: np.ndarray, classes: np.ndarray) -> None:
    unknown, counts = np.unique(predicted[~np.isin(predicted, classes)], return_counts=True)
    if len(unknown):
        listed = ", ".join(f"{scalar(u)!r} ({c} rows)" for u, c in zip(unknown[:EXAMPLES], counts, strict=False))
        _problem(problems, "predicted labels", f"labels never seen in y: {listed}", f"labels among {classes.tolist()}")
    model_classes = getattr(model, "classes_", None)
    if model_classes is not None and not np.array_equal(np.asarray(model_classes), classes):
        observed = f"classes_={np.asarray(model_classes).tolist()}"
        _problem(problems, "classes_", observed, f"the classes of y, {classes.tolist()}")


def _proba_problems(problems: Problems, proba: np.ndarray, classes: np.ndarray, atol: float, X_predict: Any) -> None:
    n = n_rows("X_predict", X_predict)
    if proba.shape != (n, len(classes)):
        observed, expected = f"shape {proba.shape}", f"shape {(n, len(classes))}, one column per class"
        _problem(problems, "predict_proba shape", observed, expected)
        return
    finite = np.isfinite(proba)
    if not finite.all():
        _problem(
            problems, "predict_proba finite", f"{int((~finite).sum())} NaN or infinite probabilities", "finite values"
        )
    outside = finite & ((proba < 0) | (proba > 1))
    if outside.any():
        row = np.flatnonzero(outside.any(axis=1))[0]
        observed = (
            f"{int(outside.sum())} probabilities outside [0, 1], from {np.nanmin(proba):.4g} to "
            f"{np.nanmax(proba):.4g} (row {row_label(X_predict, row)}: {np.round(proba[row], 4).tolist()})"
        )
        _problem(problems, "predict_proba range", observed, "values in [0, 1]")
    sums = proba.sum(axis=1)
    off = np.flatnonzero(~(np.abs(sums - 1) <= atol))
    if len(off):
        row = off[np.argmax(np.nan_to_num(np.abs(sums[off] - 1), nan=np.inf))]
        observed = f"{len(off)} rows do not sum to 1 (row {row_label(X_predict, row)} sums to {sums[row]:.6g})"
        _problem(problems, "predict_proba sums", observed, f"each row summing to 1 within {atol:g}")


def assert_valid_predictions(
    estimator: Any, X: Any, y: Any, *, X_predict: Any = None, atol: float = 1e-6
) -> CheckResult:
    """Assert that a fitted clone predicts well-formed values on ``X_predict`` (default ``X``).

    Checked: one prediction per row in the shape of ``y``; numeric predictions finite; for
    classifiers (binary or multiclass), predicted labels among the classes of ``y`` and
    ``classes_`` equal to them; ``predict_proba`` (when present) of shape ``(rows, classes)``,
    finite, in [0, 1], each row summing to 1 within ``atol``.
    """
    check_estimator(estimator)
    _, y_array = check_xy(X, y)
    atol = _validation.number("atol", atol, low=0)
    predict_name = "estimator" if X_predict is None else "X_predict"
    X_predict = X if X_predict is None else X_predict
    n = n_rows("X_predict", X_predict)
    kind = task(estimator, y_array)
    model = fit_clone(estimator, X, y)
    problems: Problems = []
    predicted = call(model, "predict", X_predict, predict_name)
    _predict_problems(problems, predicted, y_array, X_predict)
    if kind != "regression" and y_array.ndim == 1:
        classes = np.unique(y_array)
        _label_problems(problems, model, predicted, classes)
        if callable(getattr(model, "predict_proba", None)):
            proba = call(model, "predict_proba", X_predict, predict_name).astype(float)
            _proba_problems(problems, proba, classes, atol, X_predict)
    name = estimator_name(estimator)
    figures = {"task": kind, "rows": n, "problems": len(problems), "classifier": kind != "regression"}
    if not problems:
        message = f"assert_valid_predictions: {name} predicted well-formed values for {n} rows"
        return succeed("assert_valid_predictions", message, figures)
    message = compose(
        f"assert_valid_predictions: {len(problems)} problem{'s' if len(problems) > 1 else ''} in what "
        f"{name} predicts for {n} rows.",
        evidence=[f"{p['check']}: {p['observed']}; expected {p['expected']}" for p in problems],
        causes=_causes({p["check"] for p in problems}),
        fixes=["call predict and predict_proba on a few rows by hand and compare with y and classes_"],
        waive="pass atol= a larger tolerance for sums of probabilities; the other properties are "
        "contracts of the scikit-learn API that callers rely on.",
    )
    return fail("assert_valid_predictions", message, figures, problems)


def _causes(checks: set[str]) -> list[str]:
    causes = []
    if checks & {"predict_proba range", "predict_proba sums", "predict_proba finite"}:
        causes.append(
            "predict_proba returns scores rather than probabilities: a missing or doubled normalisation "
            "(softmax or division by the row sum), or a calibration step that breaks it"
        )
    if "predicted labels" in checks or "classes_" in checks:
        causes.append(
            "labels re-encoded between fit and predict (a LabelEncoder fitted twice, a hard-coded class "
            "list, an index returned instead of classes_[index])"
        )
    if "predict shape" in checks or "predict_proba shape" in checks:
        causes.append("predictions reshaped, transposed or computed for a different set of rows")
    if "predict finite" in checks:
        causes.append("a division by zero, log of zero or overflow in the model, or missing values reaching predict")
    return causes
