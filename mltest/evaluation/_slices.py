"""Slices of a table: each column coded into a few levels, each level a readable predicate.

A column becomes integer codes ``0 .. k-1`` and one predicate per code:

* text, categories, booleans, and numbers with at most :data:`FEW_VALUES` distinct values keep
  their values (``housing == 'rent'``); past ``max_levels`` the rarest values are pooled into
  one level (``purpose is none of the 20 most common``);
* other numbers, and dates, are cut at their quantiles into ``bins`` levels (``age <= 27``,
  ``27 < age <= 33``, ``age > 52``, ``day > '2024-03-01 00:00:00'``; tied quantiles merge);
* a missing value is a level of its own (``age is missing``).

A *slice family* is one column or a pair of columns: the pair's code is ``a * k_b + b``, so
that the statistics of every slice of a family come from one ``np.bincount`` (see
:func:`family_sums`), never from a mask or a groupby per slice.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import Any

import numpy as np

__all__ = ["FEW_VALUES", "Coded", "Family", "encode", "families", "family_sums", "show"]

FEW_VALUES = 10  # a numeric column with at most this many distinct values is treated as categories


@dataclass(frozen=True)
class Coded:
    """One column as codes ``0 .. len(predicates) - 1`` with a predicate per code."""

    name: str
    codes: np.ndarray
    predicates: tuple[str, ...]

    @property
    def levels(self) -> int:
        return len(self.predicates)


@dataclass(frozen=True)
class Family:
    """A column or a pair of columns: every combination of their levels is a slice."""

    columns: tuple[Coded, ...]

    @property
    def size(self) -> int:
        return int(np.prod([c.levels for c in self.columns]))

    def codes(self) -> np.ndarray:
        code = self.columns[0].codes
        for column in self.columns[1:]:
            code = code * column.levels + column.codes
        return code

    def predicate(self, code: int) -> str:
        parts = []
        for column in reversed(self.columns):
            code, level = divmod(int(code), column.levels)
            parts.append(column.predicates[level])
        return " and ".join(reversed(parts))


def show(value: Any) -> str:
    """A value as it reads in a predicate: text quoted, whole numbers without a decimal point."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:.4g}"
    return repr(value)


def _categorical(name: str, values: Any, max_levels: int) -> Coded:
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    present = codes >= 0
    if len(uniques) == 0:
        return Coded(name, np.zeros(len(codes), dtype=np.int64), (f"{name} is missing",))
    counts = np.bincount(codes[present], minlength=len(uniques))
    order = np.argsort(-counts, kind="stable")
    kept = order[:max_levels] if len(uniques) > max_levels else order
    remap = np.full(len(uniques), len(kept), dtype=np.int64)
    remap[kept] = np.arange(len(kept))
    predicates = [f"{name} == {show(uniques[i])}" for i in kept]
    out = np.where(present, remap[np.maximum(codes, 0)], 0)
    if len(uniques) > len(kept):
        predicates.append(f"{name} is none of the {len(kept)} most common values")
    if not present.all():
        out[~present] = len(predicates)
        predicates.append(f"{name} is missing")
    return Coded(name, out, tuple(predicates))


def _binned(name: str, values: np.ndarray, bins: int, dates: bool = False) -> Coded:
    import pandas as pd

    present = ~np.isnan(values)
    edges = np.unique(np.quantile(values[present], np.linspace(0, 1, bins + 1)[1:-1]))
    codes = np.searchsorted(edges, values, side="left").astype(np.int64)  # edges[i-1] < x <= edges[i]
    # dates: nanoseconds back to readable timestamps
    shown = [repr(str(pd.Timestamp(int(e)))) if dates else show(float(e)) for e in edges]
    predicates = [f"{name} <= {shown[0]}"]
    predicates += [f"{lo} < {name} <= {hi}" for lo, hi in pairwise(shown)]
    predicates.append(f"{name} > {shown[-1]}")
    if not present.all():
        codes[~present] = len(predicates)
        predicates.append(f"{name} is missing")
    return Coded(name, codes, tuple(predicates))


def encode(frame: Any, *, bins: int, max_levels: int) -> list[Coded]:
    """Every column of ``frame`` (a pandas DataFrame) coded into levels, in column order."""
    coded = []
    for name in frame.columns:
        series = frame[name]
        dates = series.dtype.kind == "M"
        numeric = series.dtype.kind in "iuf" or dates
        if numeric:
            if dates:
                values = np.where(series.isna(), np.nan, series.to_numpy().astype("datetime64[ns]").astype(np.int64))
            else:
                values = series.to_numpy(dtype=float, na_value=np.nan)
            finite = values[~np.isnan(values)]
            numeric = len(finite) > 0 and len(np.unique(finite)) > FEW_VALUES
        if numeric:
            coded.append(_binned(str(name), values, bins, dates))
        else:
            coded.append(_categorical(str(name), series, max_levels))
    return coded


def families(coded: list[Coded], max_features: int) -> list[Family]:
    """The one-column families, then (with ``max_features=2``) every pair of columns."""
    out = [Family((c,)) for c in coded if c.levels > 1]
    if max_features >= 2:
        out += [Family(pair) for pair in combinations([c for c in coded if c.levels > 1], 2)]
    return out


def family_sums(family: Family, half: np.ndarray, weight: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Weighted count, sum and sum of squares of ``score`` for each slice and half.

    Returns an array of shape ``(3, family.size, 2)``: ``[statistic, slice, half]``. ``half``
    holds 0 or 1 per row, ``weight`` is the row's weight in the metric (0 leaves it out).
    """
    key = family.codes() * 2 + half
    length = family.size * 2
    sums = [np.bincount(key, weights=w, minlength=length) for w in (weight, weight * score, weight * score * score)]
    return np.stack(sums).reshape(3, family.size, 2)
