"""Reading a profile file: every way it can be wrong is one line naming the argument.

A file that is not JSON, JSON that is not a profile, a profile of another format version, and a
column whose arrays do not fit together are refused before any number is read from it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from mltest.errors import InvalidArgument, invalid_type
from mltest.monitoring._profile import FORMAT, FORMAT_VERSION, Categorical, Numeric, Profile

__all__ = ["read_document", "read_file"]

_EXPECTED = f'an mltest profile file (JSON with "format": "{FORMAT}", written by Profile.save or mltest profile)'


def read_file(path: Any, *, name: str) -> Profile:
    if not isinstance(path, (str, Path)):
        raise invalid_type(name, path, "a path to a profile file")
    file = Path(path)
    where = f"{name}={str(path)!r}"  # the whole path: its end is what tells files apart
    if not file.is_file():
        raise InvalidArgument(f"{where} is not valid: expected {_EXPECTED}; no such file")
    try:
        document = json.loads(file.read_bytes())
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidArgument(f"{where} is not valid: expected {_EXPECTED}; this file is not JSON") from None
    return read_document(document, name=where)


def _bad(where: str, problem: str) -> InvalidArgument:
    return InvalidArgument(f"{where} is not a valid profile: {problem}")


def read_document(document: Any, *, name: str) -> Profile:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidArgument(f"{name} is not valid: expected {_EXPECTED}")
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise InvalidArgument(
            f"{name} is a profile of format version {version!r}: this mltest reads version {FORMAT_VERSION}; "
            "profile the reference data again with this version"
        )
    rows = document.get("rows")
    columns = document.get("columns")
    if not _count(rows):
        raise _bad(name, f"rows={rows!r}: expected a count >= 0")
    if not isinstance(columns, dict) or not columns:
        raise _bad(name, "it has no columns")
    return Profile(rows, {str(key): _column(value, f"{name} column {key!r}", rows) for key, value in columns.items()})


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _column(entry: Any, where: str, rows: int) -> Numeric | Categorical:
    if not isinstance(entry, dict):
        raise _bad(where, "expected an object")
    kind = entry.get("kind")
    if kind not in ("numeric", "categorical"):
        raise _bad(where, f"kind={kind!r}: expected 'numeric' or 'categorical'")
    for key in ("count", "nulls"):
        if not _count(entry.get(key)):
            raise _bad(where, f"{key}={entry.get(key)!r}: expected a count >= 0")
    if entry["count"] + entry["nulls"] != rows:
        raise _bad(where, f"count {entry['count']} + nulls {entry['nulls']} is not the profile's {rows} rows")
    dtype = str(entry.get("dtype", ""))
    counts = _array(entry.get("counts"), where, "counts", integer=True)
    if kind == "categorical":
        values = entry.get("values")
        if not isinstance(values, list) or len(values) != len(counts) or not _count(entry.get("other")):
            raise _bad(where, "values, counts and other do not fit together")
        if int(counts.sum()) + entry["other"] != entry["count"]:
            raise _bad(where, "its counts do not add up to its count")
        return Categorical(
            dtype=dtype,
            count=entry["count"],
            nulls=entry["nulls"],
            values=tuple(values),
            counts=counts,
            other=entry["other"],
        )
    for key in ("mean", "m2", "min", "max"):
        if not _number(entry.get(key)):
            raise _bad(where, f"{key}={entry.get(key)!r}: expected a finite number")
    edges = _array(entry.get("edges"), where, "edges", integer=False)
    sums = _array(entry.get("sums"), where, "sums", integer=False)
    if len(counts) != len(edges) + 1 or len(sums) != len(counts) or np.any(np.diff(edges) <= 0):
        raise _bad(where, "its edges (ascending), counts and sums do not fit together")
    if int(counts.sum()) != entry["count"]:
        raise _bad(where, "its counts do not add up to its count")
    moments = {key: float(entry[key]) for key in ("mean", "m2", "min", "max")}
    return Numeric(
        dtype=dtype, count=entry["count"], nulls=entry["nulls"], edges=edges, counts=counts, sums=sums, **moments
    )


def _array(value: Any, where: str, key: str, *, integer: bool) -> np.ndarray:
    if not isinstance(value, list) or not all(_count(v) if integer else _number(v) for v in value):
        expected = "counts >= 0" if integer else "finite numbers"
        raise _bad(where, f"{key} is not a list of {expected}")
    return np.asarray(value, dtype=np.int64 if integer else float)
