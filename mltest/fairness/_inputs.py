"""Turn what users pass (lists, numpy, pandas, polars, column names) into checked numpy arrays.

Every error names the argument and the problem: a length mismatch, missing values, an empty
input, a misspelt column of ``data``. Class labels are read by :mod:`mltest.fairness._labels`;
Spark DataFrames never come here (see :mod:`mltest.fairness._spark`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mltest import _validation
from mltest.errors import InvalidArgument, invalid_argument, invalid_type

__all__ = [
    "Column",
    "as_array",
    "as_values",
    "as_weights",
    "check_data",
    "check_length",
    "from_data",
    "missing_error",
    "missing_rows",
    "sensitive_columns",
    "to_numpy",
]


@dataclass
class Column:
    """One sensitive column: its name and its values (numpy array, pandas Categorical or string Series)."""

    name: str
    values: Any


def from_data(name: str, value: Any, data: Any) -> Any:
    """With ``data=``, a string argument names a column of it."""
    if data is not None and isinstance(value, str):
        check_data(data)
        _validation.columns(name, value, list(data.columns))
        return data[value]
    return value


def check_data(data: Any) -> None:
    """``data=`` must be a DataFrame whose columns the other arguments can name."""
    expected = "a DataFrame (pandas, polars or Spark) whose columns the other arguments name"
    if type(data).__name__ == "LazyFrame":  # polars: no columns without resolving its schema, no data[name]
        raise invalid_type("data", data, f"{expected}; collect a polars LazyFrame first (data.collect())")
    if not hasattr(data, "columns"):
        raise invalid_type("data", data, expected)


def to_numpy(name: str, value: Any) -> np.ndarray:
    """A 1-D numpy array from a list, numpy array, pandas or polars Series (through narwhals)."""
    if value is None:
        raise invalid_type(name, value, "an array-like of one value per row")
    if isinstance(value, np.ndarray):
        array = value
    elif isinstance(value, pd.Series):
        array = value.to_numpy()
    else:
        import narwhals.stable.v1 as nw

        native = nw.from_native(value, allow_series=True, pass_through=True)
        if isinstance(native, nw.Series):
            array = native.to_numpy()
        elif isinstance(native, nw.DataFrame):
            if native.shape[1] != 1:
                raise invalid_type(name, value, "one column (a Series, list or 1-D array), not a DataFrame")
            array = native[native.columns[0]].to_numpy()
        elif isinstance(value, (str, bytes)):
            raise invalid_type(name, value, "an array-like of one value per row, or a column name together with data=")
        elif isinstance(value, (dict, set, frozenset)) or np.isscalar(value) or not hasattr(value, "__len__"):
            raise invalid_type(name, value, "an array-like of one value per row")  # unordered, or no length
        else:
            array = np.asarray(value)
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        hint = ""
        if name == "y_pred" and array.ndim == 2:
            hint = "; for the output of predict_proba, pass the predicted labels, e.g. model.predict(X)"
        raise InvalidArgument(f"{name} has shape {array.shape}: expected one value per row (a 1-D array{hint})")
    return array


def check_length(name: str, array: Any, n: int | None) -> None:
    if n is not None and len(array) != n:
        rows = "1 row" if len(array) == 1 else f"{len(array)} rows"
        raise InvalidArgument(f"{name} has {rows} but y_pred has {n}: every input needs one value per row")
    if len(array) == 0:
        raise invalid_argument(name, [], "at least one row")  # [] whatever the container: short and exact


def missing_rows(array: np.ndarray) -> np.ndarray | None:
    """Positions of missing values (NaN, None, pd.NA, NaT), or None when there are none."""
    if array.dtype.kind in "iub":
        return None
    mask = np.isnan(array) if array.dtype.kind in "fc" else pd.isna(array)
    if not mask.any():
        return None
    return np.flatnonzero(mask)


def missing_error(name: str, where: np.ndarray, advice: str, *, what: str = "missing") -> InvalidArgument:
    """``name has N <what> values (...), at rows [...]: advice`` (missing: NaN/None; infinite: inf/-inf)."""
    rows = ", ".join(str(int(i)) for i in where[:5]) + (", ..." if len(where) > 5 else "")
    values = f"1 {what} value" if len(where) == 1 else f"{len(where)} {what} values"
    shown = {"missing": "NaN/None", "infinite": "inf/-inf"}[what]
    return InvalidArgument(f"{name} has {values} ({shown}), at rows [{rows}]: {advice}")


def as_values(name: str, value: Any, *, data: Any = None, n: int | None = None) -> np.ndarray:
    """A 1-D float array of per-row values (regression targets, predictions) without missing values."""
    array = to_numpy(name, from_data(name, value, data))
    check_length(name, array, n)
    if array.dtype.kind not in "iubf":
        try:
            array = array.astype(float)
        except (TypeError, ValueError):
            raise InvalidArgument(f"{name} has dtype {array.dtype}: expected numbers") from None
    where = missing_rows(array)
    if where is not None:
        raise missing_error(name, where, "drop or impute them before the check")
    if name != "sample_weight" and array.dtype.kind == "f" and not np.isfinite(array).all():
        raise missing_error(name, np.flatnonzero(np.isinf(array)), "expected finite numbers", what="infinite")
    return array


def as_array(name: str, value: Any, *, data: Any = None, n: int | None = None) -> np.ndarray:
    """One value per row as a 1-D numpy array, checked for length (``n``) and emptiness."""
    array = to_numpy(name, from_data(name, value, data))
    check_length(name, array, n)
    return array


def as_weights(value: Any, *, data: Any = None, n: int) -> np.ndarray | None:
    """Sample weights as a float array (finite, not negative), or None."""
    if value is None:
        return None
    array = as_values("sample_weight", value, data=data, n=n).astype(float, copy=False)
    if not np.isfinite(array).all() or (array < 0).any():
        raise InvalidArgument("sample_weight has negative or infinite values: expected finite weights >= 0")
    if not array.any():
        raise InvalidArgument("sample_weight is 0 in every row: expected at least one positive weight")
    return array


def sensitive_columns(sensitive_features: Any, *, data: Any = None, n: int) -> list[Column]:
    """The sensitive columns, each checked for length and missing values.

    One column: a list, 1-D array or Series (or a column name with ``data=``). Several columns
    (intersectional groups): a DataFrame (pandas or polars), a 2-D array, a dict of columns,
    or a list of column names with ``data=``.
    """
    sf = sensitive_features
    if sf is None:
        raise invalid_type("sensitive_features", sf, "one column or several (a DataFrame, dict or 2-D array)")
    columns: list[Column] = []
    if data is not None and isinstance(sf, str):
        sf = [sf]
    names = isinstance(sf, (list, tuple)) and sf and all(isinstance(c, str) for c in sf)
    if data is None and names and len(sf) != n and len(set(sf)) == len(sf):  # distinct words: column names
        raise invalid_argument(
            "sensitive_features", sf, f"one value per row ({n}), or column names together with data="
        )
    if data is not None and names:
        for name in sf:
            columns.append(Column(name, from_data("sensitive_features", name, data)))
    elif isinstance(sf, dict):
        columns = [Column(str(k), v) for k, v in sf.items()]
    elif isinstance(sf, pd.DataFrame):
        columns = [Column(str(c), sf[c]) for c in sf.columns]
    elif isinstance(sf, pd.Series):
        columns = [Column(str(sf.name) if sf.name is not None else "sensitive_feature_0", sf)]
    elif isinstance(sf, np.ndarray) and sf.ndim == 2:
        columns = [Column(f"sensitive_feature_{i}", sf[:, i]) for i in range(sf.shape[1])]
    else:
        import narwhals.stable.v1 as nw

        native = nw.from_native(sf, allow_series=True, pass_through=True)
        if isinstance(native, nw.DataFrame):
            columns = [Column(str(c), native[c].to_numpy()) for c in native.columns]
        elif isinstance(native, nw.Series):
            columns = [Column(native.name or "sensitive_feature_0", native.to_numpy())]
        else:
            columns = [Column("sensitive_feature_0", sf)]
    if not columns:
        raise InvalidArgument("sensitive_features has no columns: expected at least one sensitive column")
    out = []
    for column in columns:
        label = f"sensitive_features column {column.name!r}" if len(columns) > 1 else "sensitive_features"
        values = column.values
        if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
            values = values.array  # a Categorical: its codes are the factorisation, for free
            check_length(label, values, n)
            if values.codes.min() < 0:
                raise missing_error(label, np.flatnonzero(values.codes < 0), _SENSITIVE_ADVICE)
        elif isinstance(values, pd.Series) and values.dtype.kind not in "iufb":
            # strings and other objects: pandas factorises the Series itself several times faster
            # than the object array to_numpy() would make (kept as a Series for _groups)
            check_length(label, values, n)
            mask = values.isna()
            if mask.any():
                raise missing_error(label, np.flatnonzero(mask.to_numpy()), _SENSITIVE_ADVICE)
        else:
            values = to_numpy(label, values)
            check_length(label, values, n)
            where = missing_rows(values)
            if where is not None:
                raise missing_error(label, where, _SENSITIVE_ADVICE)
        out.append(Column(column.name, values))
    return out


_SENSITIVE_ADVICE = "fill them (e.g. with 'unknown', which becomes a group of its own) or drop those rows"
