"""How a pandas column's dtype is named in messages, the same under pandas 2 and pandas 3.

pandas 3 reads text as ``str`` (a ``StringDtype``), pandas 2 as ``object`` holding Python
strings; ``string[python]``, ``string[pyarrow]`` and Arrow strings are text too. A message
that names the dtype of a text column says ``str`` whichever of these the data has, so a
message (and a test that pins it) does not change when the user's pandas does.
"""

from __future__ import annotations

from typing import Any

__all__ = ["dtype_name", "is_text_dtype"]


def is_text_dtype(dtype: Any) -> bool:
    """A pandas string dtype of any storage (``str``, ``string[python]``, ``string[pyarrow]``, Arrow strings)."""
    import pandas

    if isinstance(dtype, pandas.StringDtype):
        return True
    if isinstance(dtype, pandas.ArrowDtype):
        import pyarrow

        return bool(pyarrow.types.is_string(dtype.pyarrow_dtype) or pyarrow.types.is_large_string(dtype.pyarrow_dtype))
    return False


def dtype_name(column: Any) -> str:
    """``str`` for a text column (see above), else the dtype as pandas names it (``int64``, ``category``)."""
    import numpy
    import pandas

    dtype = column.dtype
    if is_text_dtype(dtype):
        return "str"
    is_object = isinstance(dtype, numpy.dtype) and dtype.kind == "O"
    if is_object and pandas.api.types.infer_dtype(column, skipna=True) == "string":
        return "str"
    return str(dtype)
