"""A thin adapter over pandas and polars frames: just what perturbations and checks need.

Perturbations work column by column on numpy arrays; this module reads a column, writes one
back in the column's own dtype, repeats rows, and renders a row for a message. polars is
imported only when a polars frame comes in.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mltest._validation import frame_kind
from mltest.errors import InvalidArgumentType, invalid_argument, invalid_type

__all__ = ["Frame", "as_frame"]

# What a column holds, as perturbations see it.
KINDS = ("bool", "integer", "float", "string", "categorical", "datetime", "other")


def as_frame(data: Any, name: str = "data") -> Frame:
    """Wrap a pandas or polars DataFrame; anything else is a type error naming ``name``."""
    if isinstance(data, Frame):
        return data
    kind = frame_kind(data)
    if kind in ("pandas", "polars"):
        return Frame(data, kind)
    raise invalid_type(name, data, "a pandas or polars DataFrame")


class Frame:
    """A pandas or polars DataFrame (``native``) seen through one small interface."""

    def __init__(self, native: Any, backend: str) -> None:
        self.native = native
        self.backend = backend

    def __len__(self) -> int:
        return self.native.shape[0]

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.native.columns]

    def _wrap(self, native: Any) -> Frame:
        return Frame(native, self.backend)

    # -- columns -------------------------------------------------------------------------------
    def require_column(self, column: str, owner: str) -> None:
        """Raise a clear error, with "did you mean", if ``column`` is not in the frame."""
        if column not in self.columns:
            error = invalid_argument(
                "column", column, f"one of the columns of the data {self.columns}", choices=self.columns
            )
            raise type(error)(f"{owner}: {error}")

    def dtype_name(self, column: str) -> str:
        if self.backend == "pandas":  # text is `str` under pandas 2 (object) and 3 alike
            from mltest._dtypes import dtype_name

            return dtype_name(self.native[column])
        return str(self.native[column].dtype)

    def kind(self, column: str) -> str:
        """One of :data:`KINDS` for ``column``."""
        if self.backend == "polars":
            import polars as pl

            dtype = self.native.schema[column]
            if dtype == pl.Boolean:
                return "bool"
            if dtype.is_integer():
                return "integer"
            if dtype.is_float() or dtype.is_decimal():
                return "float"
            if dtype == pl.String:
                return "string"
            if isinstance(dtype, (pl.Categorical, pl.Enum)):
                return "categorical"
            if dtype.is_temporal():
                return "datetime"
            return "other"
        series = self.native[column]
        dtype = series.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            return "categorical"
        if pd.api.types.is_bool_dtype(dtype):
            return "bool"
        if pd.api.types.is_integer_dtype(dtype):
            return "integer"
        if pd.api.types.is_float_dtype(dtype):
            return "float"
        if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
            return "datetime"
        if pd.api.types.is_string_dtype(dtype):
            if pd.api.types.is_object_dtype(dtype) and pd.api.types.infer_dtype(series, skipna=True) not in (
                "string",
                "empty",
            ):
                return "other"
            return "string"
        return "other"

    def columns_of_kind(self, *kinds: str) -> list[str]:
        return [c for c in self.columns if self.kind(c) in kinds]

    def require_kind(self, column: str, owner: str, kinds: tuple[str, ...], expected: str) -> str:
        """Check that ``column`` exists and holds one of ``kinds``; return its kind."""
        self.require_column(column, owner)
        kind = self.kind(column)
        if kind not in kinds:
            fitting = self.columns_of_kind(*kinds)
            raise InvalidArgumentType(
                f"{owner}: column {column!r} has dtype {self.dtype_name(column)}: expected {expected}"
                f" (such columns in the data: {fitting if fitting else 'none'})"
            )
        return kind

    def categories(self, column: str) -> list[Any] | None:
        """The allowed values of a categorical/enum column, or None when any value is allowed."""
        if self.backend == "polars":
            import polars as pl

            dtype = self.native.schema[column]
            if isinstance(dtype, pl.Enum):
                return dtype.categories.to_list()
            return None
        dtype = self.native[column].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            return list(dtype.categories)
        return None

    def values(self, column: str) -> np.ndarray:
        """The column as a numpy array (object for strings and categories)."""
        if self.backend == "polars":
            return self.native.get_column(column).to_numpy()
        series = self.native[column]
        if isinstance(series.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(series.dtype):
            return series.to_numpy(dtype=object, na_value=None)
        return series.to_numpy()

    def numbers(self, column: str) -> np.ndarray:
        """A numeric column as floats, missing values as NaN (also for nullable integers)."""
        if self.backend == "polars":
            return self.native.get_column(column).cast(float).to_numpy()
        return self.native[column].to_numpy(dtype=float, na_value=np.nan)

    def missing(self, column: str) -> np.ndarray:
        """A boolean mask of the missing values of ``column``."""
        if self.backend == "polars":
            series = self.native.get_column(column)
            mask = series.is_null()
            if series.dtype.is_float():
                mask = mask | series.is_nan()
            return mask.to_numpy()
        return self.native[column].isna().to_numpy()

    def with_values(self, column: str, values: np.ndarray) -> Frame:
        """A copy with ``column`` replaced by ``values``, kept in the column's dtype where possible."""
        if self.backend == "polars":
            import polars as pl

            dtype = self.native.schema[column]
            try:
                if values.dtype.kind == "f" and not dtype.is_float():  # NaN stands for a missing integer
                    series = pl.Series(column, values).fill_nan(None).cast(dtype)
                else:
                    series = pl.Series(column, values, dtype=dtype)
            except (TypeError, ValueError, pl.exceptions.PolarsError):
                series = pl.Series(column, values)
            return self._wrap(self.native.with_columns(series))
        out = self.native.copy(deep=False)
        dtype = out[column].dtype
        try:
            new = pd.Series(values, index=out.index, dtype=dtype)
        except (TypeError, ValueError):
            new = pd.Series(values, index=out.index)
        out[column] = new
        return self._wrap(out)

    def with_missing(self, column: str) -> Frame:
        """A copy where every value of ``column`` is missing (NaN in pandas, null in polars)."""
        if self.backend == "polars":
            import polars as pl

            dtype = self.native.schema[column]
            return self._wrap(self.native.with_columns(pl.lit(None, dtype=dtype).alias(column)))
        out = self.native.copy(deep=False)
        out[column] = out[column].where(np.zeros(len(out), dtype=bool))
        return self._wrap(out)

    # -- rows ----------------------------------------------------------------------------------
    def take(self, indices: np.ndarray) -> Frame:
        """The rows at positions ``indices`` (repeats allowed), in that order."""
        if self.backend == "polars":
            return self._wrap(self.native[np.asarray(indices, dtype=np.int64)])
        return self._wrap(self.native.iloc[indices])

    def slice(self, start: int, stop: int) -> Any:
        """Rows ``start:stop`` as a native frame (for batching predict calls)."""
        if self.backend == "polars":
            return self.native.slice(start, stop - start)
        return self.native.iloc[start:stop]

    def row(self, position: int) -> dict[str, Any]:
        """Row ``position`` as a dict of plain Python values."""
        if self.backend == "polars":
            return dict(self.native.row(position, named=True))
        values = self.native.iloc[position].to_dict()
        return {str(k): (v.item() if hasattr(v, "item") else v) for k, v in values.items()}

    def drop(self, column: str) -> Frame:
        return self._wrap(self.native.drop(columns=[column]) if self.backend == "pandas" else self.native.drop(column))
