"""assert_valid_predictions: what a fitted estimator predicts is well-formed."""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest.report import CheckResult
from mltest.training._common import check_number, fail, health_message, succeed
from mltest.training._estimators import (
    EXAMPLES,
    call,
    check_estimator,
    check_xy,
    estimator_name,
    fit_clone,
    is_classifier,
    n_rows,
    row_label,
    scalar,
)

__all__ = ["assert_valid_predictions"]


def assert_valid_predictions(
    estimator: Any, X: Any, y: Any, *, X_predict: Any = None, atol: float = 1e-6
) -> CheckResult:
    """Assert that a fitted clone predicts well-formed values on ``X_predict`` (default ``X``).

    Checked: one prediction per row in the shape of ``y``; numeric predictions finite; for
    classifiers, predicted labels among the classes of ``y`` and ``classes_`` equal to them;
    ``predict_proba`` (when present) of shape ``(rows, classes)``, finite, in [0, 1], each row
    summing to 1 within ``atol``.
    """
    check_estimator(estimator)
    _, y_array = check_xy(X, y)
    check_number("atol", atol, low=0)
    predict_name = "estimator" if X_predict is None else "X_predict"
    X_predict = X if X_predict is None else X_predict
    n = n_rows("X_predict", X_predict)
    classifier = is_classifier(estimator, y_array)
    model = fit_clone(estimator, X, y)
    name = estimator_name(estimator)
    problems: list[dict[str, Any]] = []

    def problem(check: str, observed: str, expected: str) -> None:
        problems.append({"check": check, "observed": observed, "expected": expected})

    predicted = call(model, "predict", X_predict, predict_name)
    expected_shape = (n, *y_array.shape[1:])
    if predicted.shape != expected_shape and not (predicted.shape == (n, 1) and y_array.ndim == 1):
        problem("predict shape", f"shape {predicted.shape}", f"shape {expected_shape}, one prediction per row")
    if np.issubdtype(predicted.dtype, np.number) and not np.issubdtype(predicted.dtype, np.bool_):
        bad = ~np.isfinite(predicted.astype(float))
        if bad.any():
            first = np.flatnonzero(bad.reshape(len(bad), -1).any(axis=1))[0] if bad.ndim else 0
            problem(
                "predict finite",
                f"{int(bad.sum())} NaN or infinite values (first in row {row_label(X_predict, first)})",
                "finite values",
            )
    classes = np.unique(y_array) if classifier and y_array.ndim == 1 else None
    if classes is not None:
        unknown, counts = np.unique(predicted[~np.isin(predicted, classes)], return_counts=True)
        if len(unknown):
            listed = ", ".join(f"{scalar(u)!r} ({c} rows)" for u, c in zip(unknown[:EXAMPLES], counts, strict=False))
            problem("predicted labels", f"labels never seen in y: {listed}", f"labels among {classes.tolist()}")
        model_classes = getattr(model, "classes_", None)
        if model_classes is not None and not np.array_equal(np.asarray(model_classes), classes):
            problem(
                "classes_", f"classes_={np.asarray(model_classes).tolist()}", f"the classes of y, {classes.tolist()}"
            )
        try:
            predict_proba = model.predict_proba
        except AttributeError:
            predict_proba = None
        if callable(predict_proba):
            proba = call(model, "predict_proba", X_predict, predict_name).astype(float)
            if proba.shape != (n, len(classes)):
                problem(
                    "predict_proba shape", f"shape {proba.shape}", f"shape {(n, len(classes))}, one column per class"
                )
            else:
                finite = np.isfinite(proba)
                if not finite.all():
                    problem(
                        "predict_proba finite", f"{int((~finite).sum())} NaN or infinite probabilities", "finite values"
                    )
                outside = finite & ((proba < 0) | (proba > 1))
                if outside.any():
                    row = np.flatnonzero(outside.any(axis=1))[0]
                    problem(
                        "predict_proba range",
                        f"{int(outside.sum())} probabilities outside [0, 1], from {np.nanmin(proba):.4g} to "
                        f"{np.nanmax(proba):.4g} (row {row_label(X_predict, row)}: "
                        f"{np.round(proba[row], 4).tolist()})",
                        "values in [0, 1]",
                    )
                sums = proba.sum(axis=1)
                off = np.flatnonzero(~(np.abs(sums - 1) <= atol))
                if len(off):
                    row = off[np.argmax(np.nan_to_num(np.abs(sums[off] - 1), nan=np.inf))]
                    problem(
                        "predict_proba sums",
                        f"{len(off)} rows do not sum to 1 (row {row_label(X_predict, row)} sums to {sums[row]:.6g})",
                        f"each row summing to 1 within {atol:g}",
                    )
    figures = {"rows": n, "problems": len(problems), "classifier": classifier}
    if not problems:
        return succeed(
            "assert_valid_predictions",
            f"assert_valid_predictions: {name} predicted well-formed values for {n} rows",
            figures,
        )
    checks = {p["check"] for p in problems}
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
    message = health_message(
        f"assert_valid_predictions: {len(problems)} problem{'s' if len(problems) > 1 else ''} in what "
        f"{name} predicts for {n} rows.",
        evidence=[f"{p['check']}: {p['observed']}; expected {p['expected']}" for p in problems],
        causes=causes,
        fixes=["call predict and predict_proba on a few rows by hand and compare with y and classes_"],
        silence="pass atol= a larger tolerance for sums of probabilities; the other properties are "
        "contracts of the scikit-learn API that callers rely on.",
    )
    return fail("assert_valid_predictions", message, figures, problems)
