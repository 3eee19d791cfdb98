"""``infer_schema``: a pandera schema that this data passes and obvious corruption of it fails.

For every column: its exact dtype (no coercion, so a changed dtype fails), ``nullable`` only
if it has missing values, ``isin`` the values seen for text, categorical columns with at most
``max_categories`` distinct values, and ``in_range`` for numbers: the seen range widened on
each side by ``range_margin`` times its width (not across zero; rounded down for integers,
so a 0/1 column stays 0..1).
"""

from __future__ import annotations

import math
from typing import Any

from mltest._validation import columns as columns_
from mltest._validation import number
from mltest.schema._backend import frame_api, pandera_api
from mltest.schema._portable import text_dtype

__all__ = ["infer_schema"]


def infer_schema(data: Any, *, max_categories: int = 20, range_margin: float = 0.1, target: str | None = None) -> Any:
    """Infer a pandera ``DataFrameSchema`` from ``data`` (pandas or polars; the schema's API matches).

    ``max_categories``: text and categorical columns with at most this many distinct values get
    an ``isin`` check listing them (0 for none). ``range_margin``: numeric columns get an
    ``in_range`` check over the seen range widened by this fraction of its width on each side
    (0 for exactly the seen range). ``target``: the label column; a text (or categorical)
    target gets ``isin`` its classes whatever ``max_categories`` says, since a class never seen
    in training is one the model cannot predict; a numeric target gets its ``in_range`` like any
    number (a regression target, or classes coded as numbers). Edit the result (or its YAML) to
    tighten or loosen it.
    """
    api = frame_api(data)
    max_categories = number("max_categories", max_categories, low=0, integer=True)
    range_margin = number("range_margin", range_margin, low=0)
    if target is not None:
        columns_("target", target, list(data.columns))
    pa = pandera_api(api)
    columns = {}
    for name in data.columns:
        column = data[name]
        kind = _pandas_kind(column) if api == "pandas" else _polars_kind(column)
        checks = []
        values = column.dropna() if api == "pandas" else column.drop_nulls()
        nulls = len(column) - len(values)
        if kind == "number" and len(values):
            low, high = _range(values.min(), values.max(), range_margin, _is_integer(column, api))
            if low is not None and high is not None:
                checks.append(pa.Check.in_range(low, high))
            elif low is not None:  # a margin so wide that the other side overflows: open there
                checks.append(pa.Check.ge(low))
            elif high is not None:
                checks.append(pa.Check.le(high))
        elif kind == "text" and (max_categories > 0 or name == target):
            seen = values.unique()
            if len(seen) <= max_categories or name == target:
                checks.append(pa.Check.isin(sorted((_plain(v) for v in list(seen)), key=str)))
        dtype = column.dtype
        if api == "pandas" and kind == "text" and not isinstance(dtype, pandas_categorical()):
            dtype = text_dtype()  # `str`: the same file under pandas 2 (object) and 3 (str)
        columns[name] = pa.Column(dtype, checks=checks, nullable=bool(nulls))
    return pa.DataFrameSchema(columns, coerce=False, strict=False)


def pandas_categorical() -> type:
    import pandas

    return pandas.CategoricalDtype


def _pandas_kind(column: Any) -> str:
    import pandas.api.types as t

    if t.is_bool_dtype(column.dtype):
        return "bool"
    if t.is_numeric_dtype(column.dtype):
        return "number"
    if t.is_string_dtype(column.dtype) or isinstance(column.dtype, t.CategoricalDtype):
        if t.is_object_dtype(column.dtype) and not column.dropna().map(type).eq(str).all():
            return "other"  # an object column of mixed Python values
        return "text"
    return "other"


def _polars_kind(column: Any) -> str:
    dtype = column.dtype
    if dtype.is_numeric():
        return "number"
    if dtype.base_type().__name__ in ("String", "Utf8", "Categorical", "Enum"):
        return "text"
    return "other"


def _is_integer(column: Any, api: str) -> bool:
    if api == "pandas":
        import pandas.api.types as t

        return t.is_integer_dtype(column.dtype)
    return column.dtype.is_integer()


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _range(low: Any, high: Any, margin: float, integer: bool) -> tuple[Any, Any]:
    """The seen range widened by ``margin``; None for a side that is unbounded (or overflows)."""
    low, high = _plain(low), _plain(high)
    if not (math.isfinite(low) and math.isfinite(high)):
        return None, None
    pad = (high - low) * margin
    if integer and math.isfinite(pad):
        pad = math.floor(pad)  # a 0/1 column stays 0..1
    new_low, new_high = low - pad, high + pad
    if low >= 0:
        new_low = max(new_low, 0)  # a column that was never negative stays so
    if high <= 0:
        new_high = min(new_high, 0)
    if integer:
        return _int_bound(new_low), _int_bound(new_high)
    if not math.isfinite(new_low) or not math.isfinite(new_high):
        return (new_low if math.isfinite(new_low) else None), (new_high if math.isfinite(new_high) else None)
    # 6 significant digits keep the file readable (44.62, not 44.620000000000005), as long as
    # the rounded range still holds every value seen.
    tidy_low, tidy_high = float(f"{new_low:.6g}"), float(f"{new_high:.6g}")
    return (tidy_low if tidy_low <= low else float(new_low)), (tidy_high if tidy_high >= high else float(new_high))


def _int_bound(value: float) -> int | None:
    """An integer bound, or None past what a 64-bit integer column can hold."""
    if not math.isfinite(value) or abs(value) >= 2**63:
        return None
    return int(value)
