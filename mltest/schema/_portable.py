"""Text columns in pandas schema files, the same under pandas 2 and pandas 3.

pandas 2 reads text as ``object``, pandas 3 as ``str`` (a ``StringDtype``), and pandera checks
each literally: a schema inferred under one line failed every text column under the other
("dtype: expected object, got str"). mltest writes text columns as ``dtype: str``, the logical
kind, and reads ``str``, ``string``, ``string[python]``, ``string[pyarrow]`` (older mltest
files) as that kind: any text dtype passes, and an ``object`` column passes when it holds only
strings. ``object`` in an older file accepts text of either line and any ``object`` column, as
it did. Plain pandera reads ``dtype: str`` under both lines too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["OBJECT_NAMES", "TEXT_NAMES", "portable_columns", "text_dtype"]

TEXT_NAMES = frozenset({"str", "string", "string[python]", "string[pyarrow]", "string[pyarrow_numpy]"})
OBJECT_NAMES = frozenset({"object", "O"})

_KINDS: dict[bool, Any] = {}


def text_dtype(*, any_object: bool = False) -> Any:
    """The pandera dtype of a text column: ``str``, or ``object`` that also accepts text (``any_object``)."""
    if any_object not in _KINDS:
        _KINDS[any_object] = _make_kind(any_object)()
    return _KINDS[any_object]


def _make_kind(any_object: bool) -> type:
    import numpy
    import pandas
    from pandera.engines import pandas_engine

    from mltest._dtypes import is_text_dtype

    # pandera's own `str` of the running pandas (NpString on 2, STRING on 3): coercion and
    # Hypothesis strategies stay pandera's; only the dtype check is widened.
    native = type(pandas_engine.Engine.dtype("str"))
    name = "object" if any_object else "str"

    def check(self: Any, pandera_dtype: Any, data_container: Any = None) -> bool:
        dtype = getattr(pandera_dtype, "type", pandera_dtype)
        if is_text_dtype(dtype):
            return True
        if isinstance(dtype, numpy.dtype) and dtype == numpy.dtype(object):
            if any_object or data_container is None:
                return True
            return pandas.api.types.infer_dtype(data_container, skipna=True) in ("string", "empty")
        return False

    return type(
        "Text" if not any_object else "TextOrObject",
        (native,),
        {
            "check": check,
            "__str__": lambda self: name,
            "__repr__": lambda self: f"DataType({name})",
            "__module__": __name__,
        },
    )


def portable_columns(columns: Mapping[str, Any] | list[Any]) -> Mapping[str, Any] | list[Any]:
    """``columns`` of a pandas schema file with text dtypes replaced by :func:`text_dtype` (a copy)."""

    def portable(column: Any) -> Any:
        if not isinstance(column, Mapping) or not isinstance(column.get("dtype"), str):
            return column
        if column["dtype"] in TEXT_NAMES:
            return {**column, "dtype": text_dtype()}
        if column["dtype"] in OBJECT_NAMES:
            return {**column, "dtype": text_dtype(any_object=True)}
        return column

    if isinstance(columns, list):
        return [portable(column) for column in columns]
    return {name: portable(column) for name, column in columns.items()}
