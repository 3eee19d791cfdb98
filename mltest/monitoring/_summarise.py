"""``mltest.profile``: summarise a pandas, polars or Spark frame in one pass per column.

A numeric column is sorted once: its quantiles give the bins (for a reference), and bin counts
and sums come from prefix sums of the sorted values, so no value is looked at twice. A
categorical column is one ``value_counts``. With ``like=`` the bins and values of an existing
profile are reused, which is what makes profiles comparable and mergeable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from mltest import _validation
from mltest.errors import InvalidArgument, invalid_argument, invalid_type
from mltest.monitoring import _frames
from mltest.monitoring._profile import Categorical, Numeric, Profile

__all__ = ["as_profile", "categorical_column", "inner_edges", "kinds_for", "numeric_column", "profile", "summarise"]

DEFAULT_BINS = 100
DEFAULT_MAX_CATEGORIES = 50
_EDGE_SAMPLE = 100_000  # values a reference's bin edges are taken from, at most


def profile(
    data: Any,
    *,
    columns: Any = None,
    categorical: Any = None,
    bins: int = DEFAULT_BINS,
    max_categories: int = DEFAULT_MAX_CATEGORIES,
    like: Any = None,
) -> Profile:
    """Summarise ``data`` (a pandas, polars or Spark DataFrame, or a Series) as a :class:`Profile`.

    ``columns``: the columns to profile (default: every numeric, text, categorical and boolean
    column; dates are left out). ``categorical``: numeric columns to treat as categories (codes,
    ratings). ``bins``: how many quantile bins a numeric column gets; ``max_categories``: how many
    of a categorical column's most frequent values are counted one by one (the rest is ``other``).
    ``like``: a profile (or profile file) whose columns, bins and values to reuse, so that this
    profile can be compared with it and merged with others made like it.
    """
    template = None if like is None else as_profile(like, "like")
    return summarise(
        data,
        name="data",
        columns=columns,
        categorical=categorical,
        bins=_validation.number("bins", bins, low=2, high=1000, integer=True),
        max_categories=_validation.number("max_categories", max_categories, low=1, high=100_000, integer=True),
        like=template,
    )


def as_profile(value: Any, name: str) -> Profile:
    """A Profile given as itself or as the path of a profile file."""
    if isinstance(value, Profile):
        return value
    if isinstance(value, (str, Path)):
        from mltest.monitoring._format import read_file

        return read_file(value, name=name)
    raise invalid_type(name, value, "a Profile or the path of a profile file")


def summarise(
    data: Any, *, name: str, columns: Any, categorical: Any, bins: int, max_categories: int, like: Any
) -> Profile:
    """:func:`profile` with the argument named ``name`` in errors (``reference``, ``current``)."""
    if _validation.frame_kind(data) == "spark":
        from mltest.monitoring import _spark

        kinds = _spark.plan(data, name=name, columns=columns, categorical=categorical, like=like)
        return _spark.summarise(data, kinds, name=name, bins=bins, max_categories=max_categories, like=like)
    frame = _frames.as_frame(data, name)
    found = {c: _frames.kind_of(t) for c, t in frame.schema.items()}
    kinds = kinds_for(name, frame.columns, found, columns=columns, categorical=categorical, like=like)
    summaries: dict[str, Numeric | Categorical] = {}
    for column, kind in kinds.items():
        series = frame[column]
        where = f"{name} column {column!r}"
        template = like.columns[column] if like is not None else None
        if kind == "numeric":
            values = _frames.numeric_values(series)
            summaries[column] = numeric_column(values, where=where, dtype=str(series.dtype), bins=bins, like=template)
        else:
            values, counts, nulls = _frames.value_counts(series)
            summaries[column] = categorical_column(
                values,
                counts,
                nulls,
                where=where,
                dtype=str(series.dtype),
                max_categories=max_categories,
                like=template,
            )
    return Profile(len(frame), summaries)


def kinds_for(
    name: str, available: list[str], found: dict[str, str], *, columns: Any, categorical: Any, like: Profile | None
) -> dict[str, str]:
    """Which columns to profile, and as what: the template's kinds, else the dtypes (with ``categorical``)."""
    if like is not None:
        wanted = list(like.columns) if columns is None else _validation.columns("columns", columns, list(like.columns))
        missing = [c for c in wanted if c not in found]
        if missing:
            raise InvalidArgument(f"{name} has no column {missing[0]!r}: expected the profiled columns {wanted}")
        kinds = {c: like.columns[c].kind for c in wanted}
        for column, kind in kinds.items():
            template = like.columns[column]
            if kind == "numeric" and found[column] != "numeric":
                raise InvalidArgument(
                    f"{name} column {column!r} holds {_what(found[column])} but the reference holds numbers there: "
                    "convert it to numbers (or profile the reference with categorical=[...])"
                )
            texts = (
                template.kind == "categorical" and template.values and all(isinstance(v, str) for v in template.values)
            )
            if texts and found[column] == "numeric":
                raise InvalidArgument(
                    f"{name} column {column!r} holds numbers but the reference holds text there: "
                    "read both with the same dtypes (e.g. dtype=str for codes)"
                )
        return kinds
    wanted = list(available) if columns is None else _validation.columns("columns", columns, available)
    forced = [] if categorical is None else _validation.columns("categorical", categorical, available)
    if columns is not None:
        skipped = [c for c in wanted if found[c] == "skipped" and c not in forced]
        if skipped:
            raise invalid_argument(
                "columns", skipped[0], "numeric, text, categorical or boolean columns (dates are not profiled)"
            )
    kinds = {c: "categorical" if c in forced else found[c] for c in wanted}
    kinds = {c: k for c, k in kinds.items() if k != "skipped"}
    if not kinds:
        raise InvalidArgument(
            f"{name} has no column to profile: expected numeric, text, categorical or boolean columns"
        )
    return kinds


def _what(kind: str) -> str:
    return {"categorical": "text or categories", "skipped": "dates or nested values"}.get(kind, kind)


def numeric_column(x: np.ndarray, *, where: str, dtype: str, bins: int, like: Numeric | None) -> Numeric:
    """The summary of float values ``x`` (NaN for nulls), on the template's bins or on ``bins`` quantile bins.

    A reference's edges are quantiles of its values (of a systematic sample of 100,000 when it is
    larger: the edges need not be exact quantiles, the counts in them are exact); the values are
    counted into the bins with one binary search each and two bincounts (counts and sums).
    """
    missing = np.isnan(x)
    nulls = int(missing.sum())
    if nulls:
        x = x[~missing]
    if x.size == 0:
        raise InvalidArgument(f"{where} has only missing values: expected at least one number")
    low, high = x.min(), x.max()
    if not (np.isfinite(low) and np.isfinite(high)):
        infinite = int(np.isinf(x).sum())
        raise InvalidArgument(f"{where} has {infinite} infinite values: replace them (e.g. with NaN) first")
    if like is None:  # quantiles of a systematic sample: the bins are the reference's, the counts exact
        sample = x if len(x) <= _EDGE_SAMPLE else x[:: len(x) // _EDGE_SAMPLE]
        edges = _quantile_edges(np.sort(sample), bins, low)
    else:
        edges = like.edges
    index = np.searchsorted(edges, x, side="right")
    counts = np.bincount(index, minlength=len(edges) + 1)
    sums = np.bincount(index, weights=x, minlength=len(edges) + 1)
    mean = float(sums.sum() / len(x))
    deviations = x - mean
    return Numeric(
        dtype=dtype,
        count=len(x),
        nulls=nulls,
        mean=mean,
        m2=float(np.dot(deviations, deviations)),
        min=float(low),
        max=float(high),
        edges=edges,
        counts=counts.astype(np.int64),
        sums=sums.astype(float),
    )


def _quantile_edges(s: np.ndarray, bins: int, minimum: float) -> np.ndarray:
    """Inner edges at the quantiles 1/bins .. (bins-1)/bins of sorted ``s`` (numpy's linear rule), without repeats
    and above the column's ``minimum`` (a bin below it would stay empty)."""
    position = np.linspace(0, len(s) - 1, bins + 1)[1:-1]
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, len(s) - 1)
    edges = s[below] + (position - below) * (s[above] - s[below])
    return inner_edges(edges, minimum)


def inner_edges(quantiles: np.ndarray, minimum: float) -> np.ndarray:
    """The distinct quantiles above ``minimum``; for a constant column, edges around its one value (bins below it,
    at it and above it), so that Jensen-Shannon and PSI see a change to any other value."""
    edges = np.unique(quantiles[quantiles > minimum])
    if len(edges) == 0:
        edges = np.array([minimum, np.nextafter(minimum, np.inf)])
    return edges


def categorical_column(
    values: list[Any],
    counts: np.ndarray,
    nulls: int,
    *,
    where: str,
    dtype: str,
    max_categories: int,
    like: Categorical | None,
) -> Categorical:
    """The summary of a column's value counts: the template's values, else the ``max_categories`` most frequent."""
    total = int(counts.sum())
    if total == 0:
        raise InvalidArgument(f"{where} has only missing values: expected at least one value")
    if like is not None:
        index = {value: i for i, value in enumerate(like.values)}
        kept = np.zeros(len(like.values), dtype=np.int64)
        for value, count in zip(values, counts.tolist(), strict=True):
            if value in index:
                kept[index[value]] += count
        other = total - int(kept.sum())
        return Categorical(dtype=dtype, count=total, nulls=nulls, values=like.values, counts=kept, other=other)
    present = [i for i in range(len(values)) if counts[i] > 0]
    order = sorted(present, key=lambda i: (-int(counts[i]), str(values[i])))[:max_categories]
    kept = counts[order].astype(np.int64) if order else np.zeros(0, dtype=np.int64)
    return Categorical(
        dtype=dtype, count=total, nulls=nulls, values=tuple(values[i] for i in order), counts=kept,
        other=total - int(kept.sum()),
    )  # fmt: skip
