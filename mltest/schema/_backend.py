"""Which library a frame or a pandera schema belongs to, and pandera imported quietly.

pandas and polars are told apart by the module of their type, so nothing is imported to ask;
polars and pandera's polars API are imported only when polars data or a polars schema turns up.
"""

from __future__ import annotations

import contextlib
import importlib
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Literal

from mltest.errors import InvalidArgumentType, invalid_argument

__all__ = ["Api", "frame_api", "pandera_api", "quiet", "schema_api", "shown", "to_api", "wrong_type"]

Api = Literal["pandas", "polars"]

DATA_EXPECTED = "a pandas.DataFrame or a polars.DataFrame"


class _Shown:
    """A value as it should appear in a one-line error message."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def shown(value: Any) -> Any:
    """``value`` itself, or a one-line stand-in for frames, arrays and other multi-line reprs."""
    library = type(value).__module__.split(".")[0]
    name = f"{library}.{type(value).__name__}"
    if hasattr(value, "shape") and hasattr(value, "columns") and library in ("pandas", "polars"):
        rows, columns = value.shape
        return _Shown(f"<{name}: {rows} rows x {columns} columns>")
    if library in ("pandas", "polars", "numpy", "pyarrow"):
        return _Shown(f"<{name}>")
    text = repr(value)
    return _Shown(f"<{name}>") if "\n" in text else value


def wrong_type(name: str, value: Any, expected: str) -> InvalidArgumentType:
    """Like :func:`mltest.errors.invalid_type`, on one line whatever the value's repr."""
    text = repr(shown(value))
    text = text if len(text) <= 80 else text[:77] + "..."
    return InvalidArgumentType(f"{name}={text} has type {type(value).__name__}: expected {expected}")


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence pyspark's warning about pandas>=3 while pandera imports it.

    pandera imports pyspark.pandas when pyspark is installed (on import and on its first
    validation), and pyspark warns about pandas>=3 even though nobody asked for pyspark.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
        yield


def _pandera(module: str) -> ModuleType:
    with quiet():
        return importlib.import_module(module)


def pandera_api(api: Api) -> ModuleType:
    """``pandera.pandas`` or ``pandera.polars``."""
    return _pandera(f"pandera.{api}")


def frame_api(data: Any, name: str = "data") -> Api:
    """The library ``data`` belongs to; a clear error for anything else, or an empty frame."""
    module = type(data).__module__.split(".")[0]
    kind = type(data).__name__
    if module == "pandas" and kind == "DataFrame":
        api: Api = "pandas"
    elif module == "polars" and kind == "DataFrame":
        api = "polars"
    elif module == "polars" and kind == "LazyFrame":
        raise wrong_type(name, data, f"{DATA_EXPECTED} (call .collect() on a LazyFrame first)")
    elif module == "pandas" and kind == "Series":
        raise wrong_type(name, data, f"{DATA_EXPECTED} (use series.to_frame() for a single column)")
    else:
        raise wrong_type(name, data, DATA_EXPECTED)
    if len(data) == 0:
        raise invalid_argument(name, shown(data), "a DataFrame with at least one row")
    repeated_names = data.columns[data.columns.duplicated()] if api == "pandas" else ()
    if len(repeated_names):  # (not columns.is_unique: pandas 2.2 keeps it stale on a sliced frame)
        repeated = ", ".join(repr(c) for c in dict.fromkeys(repeated_names))
        raise invalid_argument(name, shown(data), f"a DataFrame with unique column names (duplicated: {repeated})")
    return api


def schema_api(schema: Any) -> Api | None:
    """``"pandas"`` or ``"polars"`` for a pandera DataFrameSchema, None for anything else."""
    module = type(schema).__module__
    if type(schema).__name__ != "DataFrameSchema":
        return None
    if module.startswith("pandera.api.pandas"):
        return "pandas"
    if module.startswith("pandera.api.polars"):
        return "polars"
    return None


def to_api(data: Any, api: Api) -> Any:
    """``data`` converted to the library of the schema that will check it (no copy if it already is)."""
    if frame_api(data) == api:
        return data
    if api == "pandas":
        return data.to_pandas()
    import polars

    return polars.from_pandas(data)
