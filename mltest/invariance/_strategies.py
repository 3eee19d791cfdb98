"""Hypothesis strategies for the data a pandera schema allows.

They wrap pandera's own strategies (``schema.strategy(size=n)``), which build on
``hypothesis.extra.pandas`` and turn built-in checks such as ``in_range`` and ``isin`` into
bounds rather than filters. On top of that:

* the number of rows is drawn between ``min_size`` and ``max_size``, so a failing example
  shrinks to few rows as well as to small values;
* categorical columns (which pandera cannot generate) are drawn from their categories and
  converted back to the categorical dtype.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from mltest import _validation
from mltest.errors import invalid_argument, invalid_type

__all__ = ["data_frames", "rows"]


def _load(schema: Any) -> Any:
    if isinstance(schema, (str, Path)):
        # the same reader as assert_schema: a missing file, bad YAML or a misspelt key is one clear error
        from mltest.schema import load_schema

        return load_schema(schema)
    return schema


def _generatable(schema: Any) -> tuple[Any, dict[str, pd.CategoricalDtype]]:
    """A copy of ``schema`` whose categorical columns are plain strings limited to their categories."""
    import pandera.pandas as pa

    if not isinstance(schema, pa.DataFrameSchema):
        raise invalid_type(
            "schema",
            schema,
            "a pandera DataFrameSchema for pandas (pandera.pandas.DataFrameSchema) or a path to a YAML/JSON schema; "
            "for a polars model, convert the frames with .map(polars.from_pandas)",
        )
    categoricals: dict[str, pd.CategoricalDtype] = {}
    updates: dict[str, dict[str, Any]] = {}
    for name, column in schema.columns.items():
        dtype = getattr(column.dtype, "type", None)
        if isinstance(dtype, pd.CategoricalDtype):
            if dtype.categories is None or len(dtype.categories) == 0:
                raise invalid_argument(
                    "schema",
                    f"column {name!r} of dtype category",
                    "categorical columns with their categories listed, e.g. pd.CategoricalDtype(['a', 'b'])",
                )
            categoricals[name] = dtype
            values = list(dtype.categories)
            plain = type(values[0]) if all(type(v) is type(values[0]) for v in values) else str
            checks = [c for c in column.checks if c.name != "isin"] + [pa.Check.isin(values)]
            updates[name] = {"dtype": plain, "checks": checks}
    return (schema.update_columns(updates) if updates else schema), categoricals


def data_frames(schema: Any, *, min_size: int = 1, max_size: int = 10, size: int | None = None) -> Any:
    """A Hypothesis strategy for pandas DataFrames that ``schema`` accepts.

    ``schema`` is a pandera ``DataFrameSchema`` (pandas) or the path of a pandera YAML/JSON
    schema. Frames have between ``min_size`` and ``max_size`` rows (``size`` fixes it);
    Hypothesis shrinks a failing frame towards ``min_size`` rows and simple values. Bound
    your numeric columns (``Check.in_range``) or the values will be extreme. A test that calls a
    model belongs under ``@settings(deadline=None)``, so that a busy machine does not fail it.
    """
    from hypothesis import strategies as st

    schema, categoricals = _generatable(_load(schema))
    if size is not None:
        min_size = max_size = _validation.number("size", size, low=0, integer=True)
    min_size = _validation.number("min_size", min_size, low=0, integer=True)
    max_size = _validation.number("max_size", max_size, low=0, integer=True)
    if min_size > max_size:
        raise invalid_argument("max_size", max_size, f"at least min_size={min_size}")

    sizes = st.just(min_size) if min_size == max_size else st.integers(min_size, max_size)
    frames = sizes.flatmap(lambda n: schema.strategy(size=n))
    if not categoricals:
        return frames

    @st.composite
    def with_categories(draw: Any) -> pd.DataFrame:
        return draw(frames).astype(categoricals)

    return with_categories()


def rows(schema: Any) -> Any:
    """A Hypothesis strategy for single rows that ``schema`` accepts, as one-row DataFrames."""
    return data_frames(schema, size=1)
