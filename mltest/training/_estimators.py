"""What the scikit-learn checks share: argument checks, fitting clones, calling the fitted model, splitting.

Every check fits *clones* of the estimator (:func:`sklearn.base.clone`), so the estimator the
user passes is left as it was: unfitted if it was unfitted, with its parameters untouched.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest.errors import describe_error, invalid_argument, invalid_type

__all__ = [
    "EXAMPLES",
    "MODEL_ERRORS",
    "call",
    "check_estimator",
    "check_xy",
    "estimator_name",
    "fit_clone",
    "index_mismatch",
    "n_rows",
    "richest_predictions",
    "row_label",
    "scalar",
    "score",
    "scorer_for",
    "split",
    "task",
]


EXAMPLES = 5  # rows of evidence shown in a message


def check_estimator(estimator: Any) -> None:
    if isinstance(estimator, type):
        raise invalid_type("estimator", estimator, f"an estimator instance such as {estimator.__name__}(), not a class")
    if not (callable(getattr(estimator, "fit", None)) and callable(getattr(estimator, "predict", None))):
        raise invalid_type("estimator", estimator, "a scikit-learn style estimator with fit and predict methods")
    # The checks clone the estimator, and scikit-learn's scorers read its tags: both come with
    # BaseEstimator, and without them scikit-learn fails deep inside with an AttributeError.
    if not (hasattr(estimator, "get_params") and hasattr(estimator, "__sklearn_tags__")):
        raise invalid_type(
            "estimator",
            estimator,
            "a scikit-learn estimator: derive the class from sklearn.base.BaseEstimator (with "
            "ClassifierMixin or RegressorMixin), which gives it get_params and the tags the checks use",
        )


def n_rows(name: str, data: Any) -> int:
    if data is None or isinstance(data, (str, bytes)) or not hasattr(data, "__len__"):
        raise invalid_type(name, data, "array-like data with one row per sample (numpy, pandas, a list)")
    shape = getattr(data, "shape", None)
    return int(shape[0]) if shape is not None and len(shape) else len(data)


def check_xy(X: Any, y: Any) -> tuple[int, np.ndarray]:
    n = n_rows("X", X)
    m = n_rows("y", y)
    if n != m:
        raise invalid_argument("y", f"<{m} rows>", f"as many rows as X ({n})")
    if n < 2:
        raise invalid_argument("X", f"<{n} rows>", "at least 2 rows")
    return n, np.asarray(y)


def task(estimator: Any, y: np.ndarray) -> str:
    """``"binary"``, ``"multiclass"`` or ``"regression"``: what the estimator is, else what ``y`` looks like."""
    from sklearn.base import is_classifier, is_regressor
    from sklearn.utils.multiclass import type_of_target

    if is_regressor(estimator):
        return "regression"
    if is_classifier(estimator) or type_of_target(y) in ("binary", "multiclass"):
        classes = np.unique(y) if y.ndim == 1 else ()
        return "multiclass" if len(classes) > 2 else "binary"
    return "regression"


def estimator_name(estimator: Any) -> str:
    steps = getattr(estimator, "steps", None)
    if steps:  # a Pipeline: name its final estimator, which is what learns
        return f"Pipeline(... {type(steps[-1][1]).__name__})"
    return type(estimator).__name__


def scorer_for(scoring: Any, default: str) -> tuple[Any, str]:
    from sklearn.metrics import get_scorer, get_scorer_names

    if scoring is None:
        scoring = default
    if isinstance(scoring, str):
        try:
            return get_scorer(scoring), scoring
        except ValueError:
            raise invalid_argument(
                "scoring", scoring, "a scikit-learn scorer name or a callable", choices=get_scorer_names()
            ) from None
    if callable(scoring):
        return scoring, getattr(scoring, "__name__", type(scoring).__name__)
    raise invalid_type("scoring", scoring, "a scikit-learn scorer name (such as 'accuracy') or a callable")


def split(X: Any, y: Any, *, size: float | int, stratify: bool, seed: int, train: bool) -> list[Any]:
    from sklearn.model_selection import train_test_split

    key = "train_size" if train else "test_size"
    if stratify:
        try:
            return train_test_split(X, y, stratify=y, random_state=seed, **{key: size})
        except ValueError:
            pass  # a class too small to stratify: fall back to a plain split
    return train_test_split(X, y, random_state=seed, **{key: size})


def index_mismatch(X: Any, y: Any) -> bool:
    """Whether X and y are pandas objects whose row labels disagree (a classic misalignment)."""
    x_index, y_index = getattr(X, "index", None), getattr(y, "index", None)
    if x_index is None or y_index is None or not hasattr(x_index, "equals"):
        return False
    return not x_index.equals(y_index)


MODEL_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, RuntimeError)


def fit_clone(estimator: Any, X: Any, y: Any, *, params: dict[str, Any] | None = None) -> Any:
    """A clone of ``estimator`` (with ``params`` set) fitted on ``X, y``."""
    from sklearn.base import clone

    model = clone(estimator)
    if params:
        model.set_params(**params)
    try:
        return model.fit(X, y)
    except MODEL_ERRORS as error:
        raise invalid_argument(
            "estimator",
            estimator,
            f"an estimator that can be fitted on X and y; {type(model).__name__}.fit raised {describe_error(error)}",
        ) from error


def score(scorer: Any, metric: str, model: Any, X: Any, y: Any) -> float:
    """``scorer(model, X, y)``; an error from scoring the fitted model names the estimator."""
    try:
        return float(scorer(model, X, y))
    except MODEL_ERRORS as error:
        raise invalid_argument(
            "estimator",
            model,
            f"a fitted model that the {metric!r} scorer can score; it raised {describe_error(error)} "
            "(a classifier's fit must set classes_, as scikit-learn's do)",
        ) from error


def call(model: Any, method: str, X: Any, name: str) -> np.ndarray:
    """``model.<method>(X)`` as an array; an error of the model names the argument ``name``."""
    try:
        return np.asarray(getattr(model, method)(X))
    except MODEL_ERRORS as error:
        value = model if name == "estimator" else X
        raise invalid_argument(
            name,
            value,
            f"rows the fitted estimator can predict; {type(model).__name__}.{method} raised {describe_error(error)}",
        ) from error


def richest_predictions(model: Any, X: Any, name: str = "estimator") -> np.ndarray:
    """The richest output of a fitted model: probabilities when it has them, else predictions."""
    try:
        predict_proba = model.predict_proba
    except AttributeError:
        predict_proba = None
    return call(model, "predict_proba" if callable(predict_proba) else "predict", X, name)


def row_label(X: Any, position: int) -> Any:
    index = getattr(X, "index", None)
    return scalar(index[position]) if index is not None else int(position)


def scalar(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, for readable messages."""
    return value.item() if isinstance(value, np.generic) else value
