"""Spark DataFrames: a profile from aggregates alone, the data never leaves the cluster.

A profile made ``like=`` an existing one (the current data, every day's partition) is one
aggregation job: every column becomes (column, key, value) rows, the key being the numeric bin
(a binary search written as nested ``CASE WHEN`` over the bin edges) or the category, and one
``groupBy(column, key)`` returns per key its count, sum, variance, minimum and maximum: a few
hundred rows reach the driver whatever the data's size. A reference profile needs its bins
first: one more aggregation, of Spark's approximate percentiles (``percentile_approx``, rank
error 1/10,000), whose values become the edges; the counts in them are then exact.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from mltest.errors import InvalidArgument
from mltest.monitoring._profile import Categorical, Numeric, Profile
from mltest.monitoring._summarise import categorical_column, inner_edges, kinds_for

__all__ = ["plan", "summarise"]

_ACCURACY = 10_000


def _kind(dtype: Any) -> str:
    from pyspark.sql import types as T

    if isinstance(dtype, T.BooleanType):
        return "categorical"
    if isinstance(dtype, T.NumericType):
        return "numeric"
    if isinstance(dtype, (T.StringType, T.CharType, T.VarcharType)):
        return "categorical"
    return "skipped"


def plan(df: Any, *, name: str, columns: Any, categorical: Any, like: Profile | None) -> dict[str, str]:
    """Which columns to profile, and as what (as for pandas and polars)."""
    found = {field.name: _kind(field.dataType) for field in df.schema.fields}
    return kinds_for(name, list(found), found, columns=columns, categorical=categorical, like=like)


def _bin(value: Any, edges: np.ndarray, lo: int, hi: int) -> Any:
    """The number of edges <= value among edges[lo:hi], plus lo: a balanced CASE WHEN tree."""
    from pyspark.sql import functions as F

    if lo == hi:
        return F.lit(lo)
    mid = (lo + hi) // 2
    return F.when(value < F.lit(float(edges[mid])), _bin(value, edges, lo, mid)).otherwise(
        _bin(value, edges, mid + 1, hi)
    )


def _edges(df: Any, numeric: list[str], bins: int) -> dict[str, np.ndarray]:
    """Bin edges at Spark's approximate percentiles of each numeric column (one aggregation)."""
    from pyspark.sql import functions as F

    if not numeric:
        return {}
    probabilities = [float(p) for p in np.linspace(0, 1, bins + 1)[1:-1]]
    aggregates = []
    for i, column in enumerate(numeric):
        value = _double(F.col(column))
        aggregates += [F.percentile_approx(value, probabilities, _ACCURACY).alias(f"q{i}"), F.min(value).alias(f"m{i}")]
    row = df.agg(*aggregates).collect()[0]
    edges = {}
    for i, column in enumerate(numeric):
        q = np.asarray(row[f"q{i}"] or [], dtype=float)
        edges[column] = inner_edges(q, row[f"m{i}"]) if row[f"m{i}"] is not None else q[:0]
    return edges


def _double(column: Any) -> Any:
    """The column as double, NaN as null."""
    from pyspark.sql import functions as F

    value = column.cast("double")
    return F.when(~F.isnan(value), value)


def summarise(df: Any, kinds: dict[str, str], *, name: str, bins: int, max_categories: int, like: Any) -> Profile:
    from pyspark.sql import functions as F

    numeric = [c for c, k in kinds.items() if k == "numeric"]
    edges = {c: like.columns[c].edges for c in numeric} if like is not None else _edges(df, numeric, bins)
    parts = []
    for i, (column, kind) in enumerate(kinds.items()):
        if kind == "numeric":
            value = _double(F.col(column))
            key = F.when(value.isNotNull(), _bin(value, edges[column], 0, len(edges[column])).cast("string"))
        else:
            value, key = F.lit(None).cast("double"), F.col(column).cast("string")
        parts.append(F.struct(F.lit(i).alias("c"), key.alias("k"), value.alias("x")))
    long = df.select(F.explode(F.array(*parts)).alias("s")).select("s.c", "s.k", "s.x")
    rows = (
        long.groupBy("c", "k")
        .agg(
            F.count(F.lit(1)).alias("n"),
            F.sum("x").alias("sum"),
            F.var_pop("x").alias("var"),
            F.min("x").alias("min"),
            F.max("x").alias("max"),
        )
        .collect()
    )
    by_column: dict[int, list[Any]] = {}
    for row in rows:
        by_column.setdefault(row["c"], []).append(row)
    dtypes = dict(df.dtypes)
    summaries: dict[str, Numeric | Categorical] = {}
    total = 0
    for i, (column, kind) in enumerate(kinds.items()):
        groups = by_column.get(i, [])
        total = sum(r["n"] for r in groups)
        where = f"{name} column {column!r}"
        template = like.columns[column] if like is not None else None
        if kind == "numeric":
            summaries[column] = _numeric(groups, edges[column], where=where, dtype=dtypes[column])
        else:
            values = [_value(r["k"], dtypes[column]) for r in groups if r["k"] is not None]
            counts = np.asarray([r["n"] for r in groups if r["k"] is not None], dtype=np.int64)
            nulls = sum(r["n"] for r in groups if r["k"] is None)
            summaries[column] = categorical_column(
                values, counts, nulls, where=where, dtype=dtypes[column], max_categories=max_categories, like=template
            )
    if total == 0:
        raise InvalidArgument(f"{name} has no rows: expected at least one row to profile")
    return Profile(total, summaries)


def _value(key: str, dtype: str) -> Any:
    """A category as the Python value its Spark type stands for (keys travel as text)."""
    if dtype == "boolean":
        return key == "true"
    if dtype in ("tinyint", "smallint", "int", "bigint"):
        return int(key)
    if dtype in ("float", "double") or dtype.startswith("decimal"):
        return float(key)
    return key


def _numeric(groups: list[Any], edges: np.ndarray, *, where: str, dtype: str) -> Numeric:
    """A numeric summary from per-bin count, sum, variance, minimum and maximum."""
    nulls = sum(r["n"] for r in groups if r["k"] is None)
    bins = [r for r in groups if r["k"] is not None]
    if not bins:
        raise InvalidArgument(f"{where} has only missing values: expected at least one number")
    counts = np.zeros(len(edges) + 1, dtype=np.int64)
    sums = np.zeros(len(edges) + 1)
    for r in bins:
        counts[int(r["k"])] = r["n"]
        sums[int(r["k"])] = r["sum"]
    if not np.isfinite(sums).all():
        raise InvalidArgument(f"{where} has infinite values: replace them (e.g. with NaN) first")
    n = int(counts.sum())
    mean = float(sums.sum() / n)
    m2 = sum(r["n"] * (r["var"] or 0.0) + r["n"] * (r["sum"] / r["n"] - mean) ** 2 for r in bins)
    low, high = min(r["min"] for r in bins), max(r["max"] for r in bins)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InvalidArgument(f"{where} has infinite values: replace them (e.g. with NaN) first")
    return Numeric(
        dtype=dtype, count=n, nulls=nulls, mean=mean, m2=float(m2), min=low, max=high, edges=edges, counts=counts,
        sums=sums,
    )  # fmt: skip
