"""Reading what the evaluation checks are given: features, targets, predictions and the task.

Features become a pandas DataFrame (pandas and polars frames, or a two-dimensional array whose
columns are named ``x0``, ``x1``, ...); targets and predictions become one-dimensional numpy
arrays of the same length. The task is ``"binary"``, ``"multiclass"`` or ``"regression"``:
given, or read from the target (text, booleans and integers with at most
:data:`MAX_CLASSES` distinct values are classes; other numbers are a regression target).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest import _validation
from mltest.errors import InvalidArgumentType, MltestError, invalid_argument, invalid_type

__all__ = ["MAX_CLASSES", "TASKS", "as_frame", "as_vector", "infer_task", "predictions", "require_sklearn"]

TASKS = ("binary", "multiclass", "regression")
MAX_CLASSES = 20  # an integer target with more distinct values than this is a regression target


def as_frame(name: str, data: Any) -> Any:
    """``data`` as a pandas DataFrame with at least one column and one row."""
    import pandas as pd

    kind = _validation.frame_kind(data)
    if kind == "polars":
        data = data.to_pandas()
    elif kind == "spark":
        raise invalid_type(name, data, "a pandas or polars DataFrame (collect a sample with .toPandas() first)")
    elif kind == "other":
        array = np.asarray(data) if isinstance(data, (np.ndarray, list)) else None
        if array is None or array.ndim != 2:
            raise invalid_type(name, data, "a pandas or polars DataFrame, or a two-dimensional array")
        data = pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])
    if data.shape[0] == 0 or data.shape[1] == 0:
        raise invalid_argument(name, data, "a frame with at least one row and one column")
    if not data.columns.is_unique:
        duplicated = list(data.columns[data.columns.duplicated()])
        raise invalid_argument(name, data, f"unique column names ({duplicated[0]!r} appears twice)")
    return data


def as_vector(name: str, values: Any, rows: int | None = None) -> np.ndarray:
    """``values`` (a list, array, pandas or polars Series) as a 1-D numpy array, ``rows`` long when given."""
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        values = values.to_numpy()
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise invalid_type(name, values, "a list, array or Series with one value per row")
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise invalid_argument(name, values, "one value per row (a one-dimensional array)")
    if rows is not None and len(array) != rows:
        raise invalid_argument(name, values, f"{rows} values, one per row of X (got {len(array)})")
    return array


def _is_classes(y: np.ndarray) -> bool:
    if y.dtype.kind in "OUSb":
        return True
    if y.dtype.kind in "iu":
        return len(np.unique(y)) <= MAX_CLASSES
    if y.dtype.kind == "f":
        finite = y[np.isfinite(y)]
        return bool(np.all(finite == np.round(finite))) and len(np.unique(finite)) <= MAX_CLASSES
    return False


def infer_task(y: np.ndarray, task: Any) -> str:
    """``task`` when given (checked), else what ``y`` looks like."""
    if task is not None:
        return _validation.choice("task", task, TASKS)
    if not _is_classes(y):
        return "regression"
    return "binary" if len(_unique(y)) <= 2 else "multiclass"


def _unique(values: np.ndarray) -> np.ndarray:
    import pandas as pd

    return pd.unique(pd.Series(values).dropna())


def predictions(name: str, model_or_predictions: Any, X: Any, rows: int) -> np.ndarray:
    """The model's predictions on ``X`` (one call), or the predictions themselves.

    A model is anything with ``predict``, or a callable; ``X`` is passed to it as it was given.
    """
    source = model_or_predictions
    if isinstance(source, type):
        raise invalid_type(name, source, f"a fitted model, a callable or predictions, not the class {source.__name__}")
    if callable(getattr(source, "predict", None)):
        fn, label = source.predict, f"{type(source).__name__}.predict"
    elif callable(source):
        fn, label = source, getattr(source, "__name__", type(source).__name__)
    else:
        return as_vector(name, source, rows)
    try:
        output = fn(X)
    except Exception as error:  # the user's model failed: say which call, keep the cause chained
        raise MltestError(f"{label}(X) raised {type(error).__name__}: {' '.join(str(error).split())[:300]}") from error
    try:
        return as_vector(f"{label}(X)", output, rows)
    except InvalidArgumentType:
        raise
    except MltestError as error:
        raise invalid_argument(
            name, source, f"a model whose predict gives one label or value per row ({error})"
        ) from None


def require_sklearn(check: str) -> None:
    """Raise a one-line error naming the extra to install when scikit-learn is missing."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise MltestError(
            f"{check} needs scikit-learn: pip install pytest-mltest[sklearn] (or pip install scikit-learn)"
        ) from None
