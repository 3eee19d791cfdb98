"""pandas and polars frames (through narwhals): which columns there are, of which kind, and their values.

Spark frames are read by :mod:`mltest.monitoring._spark`; everything here stays on one machine.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from mltest import _validation
from mltest.errors import InvalidArgument, invalid_type

__all__ = ["Kind", "as_frame", "kind_of", "numeric_values", "value_counts"]

Kind = Literal["numeric", "categorical", "skipped"]

_ACCEPTED = "a pandas, polars or Spark DataFrame (or a pandas or polars Series)"


def as_frame(data: Any, name: str) -> Any:
    """A narwhals DataFrame of ``data`` (a pandas or polars DataFrame or Series), with at least one row."""
    import narwhals.stable.v1 as nw

    kind = _validation.frame_kind(data)
    if kind == "other":
        native = nw.from_native(data, allow_series=True, pass_through=True)
        if not isinstance(native, nw.Series):
            raise invalid_type(name, data, _ACCEPTED)
        frame = native.to_frame() if native.name is not None else native.alias("value").to_frame()
    else:
        frame = nw.from_native(data, eager_only=True)
    if len(frame) == 0:
        raise InvalidArgument(f"{name} has no rows: expected at least one row to profile")
    return frame


def kind_of(dtype: Any) -> Kind:
    """numeric (integers and floats), categorical (text, categories, booleans) or skipped (dates, nested)."""
    import narwhals.stable.v1 as nw

    if dtype == nw.Boolean:
        return "categorical"
    if dtype.is_numeric():
        return "numeric"
    if dtype.is_temporal() or dtype in (nw.List, nw.Struct, nw.Array):
        return "skipped"
    return "categorical"


def numeric_values(series: Any) -> np.ndarray:
    """The values as float64, nulls as NaN."""
    import narwhals.stable.v1 as nw

    values = series.cast(nw.Float64).to_numpy()
    return np.asarray(values, dtype=float)


def value_counts(series: Any) -> tuple[list[Any], np.ndarray, int]:
    """(values, counts, nulls) of a column; values are plain Python scalars (JSON-friendly)."""
    nulls = int(series.null_count())
    table = series.drop_nulls().value_counts(sort=False, name="__mltest_count__")
    values = [_plain(v) for v in table[series.name].to_list()]
    counts = np.asarray(table["__mltest_count__"].to_numpy(), dtype=np.int64)
    return values, counts, nulls


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    return value if isinstance(value, (str, bool, int, float)) else str(value)
