"""A profile: the compact, mergeable summary of a dataset that drift is judged on.

Per numeric column: row and null counts, mean and sum of squared deviations, minimum and
maximum, and a histogram on fixed bins (``edges``, from the reference's quantiles) holding
each bin's count and the sum of its values; with the sums, the Wasserstein distance between two
profiles is exact except where the two CDFs cross inside a bin. Per categorical column: the
counts of its most frequent values and one ``other`` count for the rest. Two profiles with the
same bins and values merge exactly (:meth:`Profile.merge`): make later ones with
``mltest.profile(data, like=first)``.

The file format (``Profile.save``, :func:`load_profile`) is JSON, documented in
docs/monitoring.md; :data:`FORMAT_VERSION` changes whenever a reader of the old version would
misread the new one.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from mltest.errors import InvalidArgument, invalid_argument

__all__ = ["FORMAT", "FORMAT_VERSION", "Categorical", "Numeric", "Profile", "load_profile"]

FORMAT = "mltest-profile"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Numeric:
    """The summary of one numeric column (see the module docstring)."""

    dtype: str
    count: int  # values that are not null
    nulls: int
    mean: float
    m2: float  # sum of squared deviations from the mean
    min: float
    max: float
    edges: np.ndarray  # inner bin edges, ascending; bins are [e_i, e_i+1), the outer two open
    counts: np.ndarray  # len(edges) + 1 counts
    sums: np.ndarray  # the sum of the values in each bin
    kind: Literal["numeric"] = field(default="numeric", init=False)

    @property
    def std(self) -> float:
        """The population standard deviation (ddof=0)."""
        return math.sqrt(self.m2 / self.count) if self.count else float("nan")

    def same_bins(self, other: Numeric) -> bool:
        return len(self.edges) == len(other.edges) and bool(np.array_equal(self.edges, other.edges))

    def merge(self, other: Numeric) -> Numeric:
        n = self.count + other.count
        delta = other.mean - self.mean
        mean = self.mean + delta * other.count / n if n else 0.0
        m2 = self.m2 + other.m2 + delta * delta * self.count * other.count / n if n else 0.0
        return replace(
            self,
            count=n,
            nulls=self.nulls + other.nulls,
            mean=mean,
            m2=m2,
            min=min(self.min, other.min),
            max=max(self.max, other.max),
            counts=self.counts + other.counts,
            sums=self.sums + other.sums,
        )

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass(frozen=True)
class Categorical:
    """The summary of one categorical column: counts of its ``values``, the rest in ``other``."""

    dtype: str
    count: int
    nulls: int
    values: tuple[Any, ...]
    counts: np.ndarray
    other: int
    kind: Literal["categorical"] = field(default="categorical", init=False)

    def same_bins(self, other: Categorical) -> bool:
        return self.values == other.values

    def merge(self, other: Categorical) -> Categorical:
        return replace(
            self,
            count=self.count + other.count,
            nulls=self.nulls + other.nulls,
            counts=self.counts + other.counts,
            other=self.other + other.other,
        )

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


Column = Numeric | Categorical


def _plain(column: Column) -> dict[str, Any]:
    """A column's fields as JSON values, ``kind`` first."""
    out: dict[str, Any] = {"kind": column.kind}
    for item in fields(column):
        value = getattr(column, item.name)
        out[item.name] = (
            value.tolist() if isinstance(value, np.ndarray) else list(value) if isinstance(value, tuple) else value
        )
    return out


@dataclass(frozen=True)
class Profile:
    """The summary of a dataset: its row count and one summary per column.

    Compare two with ``mltest.assert_no_drift(reference, current)``; combine profiles of
    partitions or days with :meth:`merge` (or ``+``); write one with :meth:`save` and read it
    with ``mltest.load_profile``.
    """

    rows: int
    columns: dict[str, Column]

    def __repr__(self) -> str:
        kinds = [f"{name} ({column.kind})" for name, column in list(self.columns.items())[:6]]
        more = f", ... {len(self.columns) - 6} more" if len(self.columns) > 6 else ""
        return f"<Profile of {self.rows:,} rows: {', '.join(kinds)}{more}>"

    def merge(self, other: Profile) -> Profile:
        """The profile of both datasets together (the same columns, bins and values)."""
        if not isinstance(other, Profile):
            raise invalid_argument("other", other, "a Profile")
        if list(other.columns) != list(self.columns):
            raise InvalidArgument(
                f"other has columns {list(other.columns)} but this profile has {list(self.columns)}: "
                "profiles merge only when they summarise the same columns"
            )
        merged = {}
        for name, column in self.columns.items():
            theirs = other.columns[name]
            if theirs.kind != column.kind or not column.same_bins(theirs):
                what = "bins" if column.kind == "numeric" else "values"
                raise InvalidArgument(
                    f"other column {name!r} has other {what} than this profile's: profiles merge only when they "
                    "share bins; make later ones with mltest.profile(data, like=first_profile)"
                )
            merged[name] = column.merge(theirs)
        return Profile(self.rows + other.rows, merged)

    __add__ = merge

    def to_dict(self) -> dict[str, Any]:
        """The profile as the JSON document :meth:`save` writes."""
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "rows": self.rows,
            "columns": {name: column.to_dict() for name, column in self.columns.items()},
        }

    def save(self, path: str | Path) -> Path:
        """Write the profile to ``path`` as JSON (atomically) and return the path."""
        from mltest._io import write_text

        target = Path(path)
        write_text(target, json.dumps(self.to_dict(), allow_nan=False, separators=(",", ":")) + "\n")
        return target

    @classmethod
    def from_dict(cls, document: Any, *, name: str = "profile") -> Profile:
        """Read a profile from its JSON document; ``name`` labels the errors."""
        from mltest.monitoring._format import read_document

        return read_document(document, name=name)


def load_profile(path: str | Path) -> Profile:
    """Read a profile written by :meth:`Profile.save` (or ``mltest profile DATA -o FILE``)."""
    from mltest.monitoring._format import read_file

    return read_file(path, name="path")
