"""Turn what users pass (lists, numpy, pandas, polars, column names) into checked numpy arrays.

Every error names the argument and the problem: a length mismatch, missing values, labels that
are not binary where a binary metric needs them, an empty input. Spark DataFrames are detected
here (without importing pyspark) and handed to :mod:`mltest.fairness._spark`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mltest.errors import InvalidArgument, invalid_argument, invalid_type

__all__ = [
    "Column",
    "as_array",
    "as_labels",
    "as_values",
    "as_weights",
    "binary_pair",
    "check_length",
    "from_data",
    "is_spark",
    "sensitive_columns",
    "to_numpy",
]


def is_spark(obj: Any) -> bool:
    """Whether ``obj`` is a PySpark DataFrame (checked by type name: pyspark stays unimported)."""
    return any(cls.__name__ == "DataFrame" and cls.__module__.startswith("pyspark.sql") for cls in type(obj).__mro__)


@dataclass
class Column:
    """One sensitive column: its name and its values (numpy array, pandas Categorical or string Series)."""

    name: str
    values: Any


def from_data(name: str, value: Any, data: Any) -> Any:
    """With ``data=``, a string argument names a column of it."""
    if data is not None and isinstance(value, str):
        try:
            return data[value]
        except (KeyError, IndexError, TypeError):
            columns = list(getattr(data, "columns", []))
            raise invalid_argument(name, value, f"a column of data, one of {columns}", choices=columns) from None
    return value


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
        elif isinstance(value, (str, bytes, dict)) or np.isscalar(value):
            raise invalid_type(name, value, "an array-like of one value per row")
        else:
            array = np.asarray(value)
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise InvalidArgument(f"{name} has shape {array.shape}: expected one value per row (a 1-D array)")
    return array


def check_length(name: str, array: Any, n: int | None) -> None:
    if n is not None and len(array) != n:
        raise InvalidArgument(f"{name} has {len(array)} rows but y_pred has {n}: every input needs one value per row")
    if len(array) == 0:
        raise invalid_argument(name, [], "at least one row")  # [] whatever the container: short and exact


def _missing(array: np.ndarray) -> np.ndarray | None:
    """Positions of missing values (NaN, None, pd.NA, NaT), or None when there are none."""
    if array.dtype.kind in "iub":
        return None
    mask = np.isnan(array) if array.dtype.kind in "fc" else pd.isna(array)
    if not mask.any():
        return None
    return np.flatnonzero(mask)


def _missing_error(name: str, where: np.ndarray, advice: str) -> InvalidArgument:
    rows = ", ".join(str(int(i)) for i in where[:5]) + (", ..." if len(where) > 5 else "")
    values = "1 missing value" if len(where) == 1 else f"{len(where)} missing values"
    return InvalidArgument(f"{name} has {values} (NaN/None), at rows [{rows}]: {advice}")


def as_values(name: str, value: Any, *, data: Any = None, n: int | None = None) -> np.ndarray:
    """A 1-D float array of per-row values (regression targets, predictions) without missing values."""
    array = to_numpy(name, from_data(name, value, data))
    check_length(name, array, n)
    if array.dtype.kind not in "iubf":
        try:
            array = array.astype(float)
        except (TypeError, ValueError):
            raise InvalidArgument(f"{name} has dtype {array.dtype}: expected numbers") from None
    where = _missing(array)
    if where is not None:
        raise _missing_error(name, where, "drop or impute them before the check")
    return array


def as_array(name: str, value: Any, *, data: Any = None, n: int | None = None) -> np.ndarray:
    """One value per row as a 1-D numpy array, checked for length (``n``) and emptiness."""
    array = to_numpy(name, from_data(name, value, data))
    check_length(name, array, n)
    return array


def as_labels(name: str, value: Any, *, data: Any = None, n: int | None = None) -> np.ndarray:
    """Binary labels as an integer array of 0/1: the positive label is 1 (fairlearn's convention).

    Accepted: booleans, 0/1 or -1/1 (as integers or floats). Anything else is an error that
    shows the distinct values found, so scores and multi-class labels are caught. Labels of
    other types name their positive class: see :func:`binary_pair`.
    """
    return _standard_binary(name, as_array(name, value, data=data, n=n))


def _standard_binary(name: str, array: np.ndarray) -> np.ndarray:
    kind = array.dtype.kind
    if kind == "b":
        return array.view(np.int8)
    if kind in "iu":
        lo, hi = array.min(), array.max()
        if lo >= 0 and hi <= 1:
            return array  # 0/1 already: no copy
        if lo >= -1 and hi <= 1 and not (array == 0).any():  # -1/1 (possibly all -1 or all 1)
            return (array > 0).view(np.int8)
        return _not_binary(name, array)
    if kind == "f":
        where = _missing(array)
        if where is not None:
            raise _missing_error(name, where, "drop those rows before the check")
        ones = array == 1
        if (ones | (array == 0)).all():
            return ones.view(np.int8)
        if (ones | (array == -1)).all():
            return ones.view(np.int8)
        return _not_binary(name, array)
    where = _missing(array)
    if where is not None:
        raise _missing_error(name, where, "drop those rows before the check")
    try:
        return _standard_binary(name, array.astype(float))
    except (TypeError, ValueError):
        return _not_binary(name, array)


_NO_OTHER = object()  # no row holds a class other than pos_label


def _positive(name: str, array: np.ndarray, pos_label: Any) -> np.ndarray:
    """True where ``array`` holds ``pos_label`` (missing values are an error)."""
    where = _missing(array)
    if where is not None:
        raise _missing_error(name, where, "drop those rows before the check")
    positive = np.asarray(array == pos_label)
    if positive.ndim == 0:  # a comparison numpy cannot make elementwise (e.g. text with a number)
        positive = np.zeros(len(array), dtype=bool)
    return positive


def _other(name: str, array: np.ndarray, positive: np.ndarray, pos_label: Any) -> Any:
    """The one class of ``array`` other than ``pos_label`` (``_NO_OTHER`` when there is none)."""
    others = array[~positive]
    if len(others) == 0:
        return _NO_OTHER
    other = others[0]
    if not np.asarray(others == other).all():
        uniques = pd.unique(others[:1_000_000])
        raise InvalidArgument(
            f"{name} has {len(uniques)}{'+' if len(others) > 1_000_000 else ''} distinct values {_shown(uniques)} "
            f"besides pos_label={pos_label!r}: {_two_classes(pos_label)}"
        )
    return other.item() if isinstance(other, np.generic) else other


def _two_classes(pos_label: Any) -> str:
    return f"expected two classes, pos_label={pos_label!r} and one other"


def binary_pair(y_true: np.ndarray | None, y_pred: np.ndarray, pos_label: Any) -> tuple[np.ndarray | None, np.ndarray]:
    """``y_true`` and ``y_pred`` (already arrays) as 0/1 with ``pos_label`` as 1.

    Both hold ``pos_label`` and at most one other class, the same one; ``pos_label`` must be
    found in one of them (a misspelt class would otherwise make every row negative).
    """
    arrays = {"y_true": y_true, "y_pred": y_pred} if y_true is not None else {"y_pred": y_pred}
    positives = {name: _positive(name, array, pos_label) for name, array in arrays.items()}
    if not any(p.any() for p in positives.values()):
        found = pd.unique(np.concatenate([a[:1_000_000].astype(object) for a in arrays.values()]))
        raise invalid_argument(
            "pos_label",
            pos_label,
            f"a class of {' or '.join(arrays)}, one of {_shown(_sorted(found))}",
            choices=[str(v) for v in found],
        )
    others = {name: _other(name, arrays[name], positives[name], pos_label) for name in arrays}
    true_other, pred_other = others.get("y_true", _NO_OTHER), others["y_pred"]
    if _NO_OTHER not in (true_other, pred_other) and not true_other == pred_other:
        raise InvalidArgument(
            f"y_true and y_pred have different classes besides pos_label={pos_label!r} "
            f"({true_other!r} and {pred_other!r}): {_two_classes(pos_label)}"
        )
    true = positives["y_true"].view(np.int8) if y_true is not None else None
    return true, positives["y_pred"].view(np.int8)


def _shown(uniques: np.ndarray) -> str:
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in uniques[:6])
    return f"[{shown}{', ...' if len(uniques) > 6 else ''}]"


def _not_binary(name: str, array: np.ndarray) -> np.ndarray:
    uniques = pd.unique(array[:1_000_000])
    hint = ""
    if array.dtype.kind == "f" and len(uniques) > 2:
        hint = " (these look like scores: threshold them first, e.g. y_pred = scores >= 0.5)"
    elif len(uniques) == 2:
        hint = f"; name the positive class with pos_label=, one of {_shown(_sorted(uniques))}"
    raise InvalidArgument(
        f"{name} has {len(uniques)}{'+' if len(array) > 1_000_000 else ''} distinct values {_shown(uniques)}: "
        f"expected binary labels (0/1, -1/1 or booleans; 1 is the positive label) for a binary metric{hint}"
    )


def _sorted(values: np.ndarray) -> np.ndarray:
    try:
        return np.sort(values)
    except TypeError:
        return values


def as_weights(value: Any, *, data: Any = None, n: int) -> np.ndarray | None:
    """Sample weights as a float array (finite, not negative), or None."""
    if value is None:
        return None
    array = as_values("sample_weight", value, data=data, n=n).astype(float, copy=False)
    if not np.isfinite(array).all() or (array < 0).any():
        raise InvalidArgument("sample_weight has negative or infinite values: expected finite weights >= 0")
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
    if data is not None and isinstance(sf, (list, tuple)) and sf and all(isinstance(c, str) for c in sf):
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
                raise _missing_error(label, np.flatnonzero(values.codes < 0), _SENSITIVE_ADVICE)
        elif isinstance(values, pd.Series) and values.dtype.kind not in "iufb":
            # strings and other objects: pandas factorises the Series itself several times faster
            # than the object array to_numpy() would make (kept as a Series for _groups)
            check_length(label, values, n)
            mask = values.isna()
            if mask.any():
                raise _missing_error(label, np.flatnonzero(mask.to_numpy()), _SENSITIVE_ADVICE)
        else:
            values = to_numpy(label, values)
            check_length(label, values, n)
            where = _missing(values)
            if where is not None:
                raise _missing_error(label, where, _SENSITIVE_ADVICE)
        out.append(Column(column.name, values))
    return out


_SENSITIVE_ADVICE = "fill them (e.g. with 'unknown', which becomes a group of its own) or drop those rows"
