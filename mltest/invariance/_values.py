"""Whether the values a perturbation writes or looks for fit the column it is applied to.

A value must have the column's type (a number for a numeric column, one of the categories of a
categorical one), and a value a perturbation looks for must match the data as it is spelt: 'male'
where the data says 'Male' matches no row, perturbs nothing and lets the check pass.
"""

from __future__ import annotations

import difflib
import numbers
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from mltest.errors import invalid_argument, invalid_type
from mltest.invariance._frames import Frame

__all__ = ["NUMERIC", "fit_values", "require_occurring", "require_spelling"]

NUMERIC = ("integer", "float")


def fit_values(frame: Frame, column: str, values: Sequence[Any], owner: str, kind: str) -> None:
    """Check that ``values`` can be written to ``column`` without becoming missing or changing type."""
    categories = frame.categories(column)
    for value in values:
        if value is None:
            continue
        if categories is not None and value not in categories:
            raise invalid_argument(
                f"{owner}: value",
                value,
                f"one of the categories of column {column!r}: {categories}",
                choices=categories,
            )
        numeric = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if kind in NUMERIC and not numeric:
            raise invalid_type(f"{owner}: value", value, f"a number, since column {column!r} is numeric")
        if kind == "integer" and numeric and not float(value).is_integer():
            raise invalid_argument(
                f"{owner}: value",
                value,
                f"a whole number, since column {column!r} has dtype {frame.dtype_name(column)}",
            )
        if kind == "string" and not isinstance(value, str):
            raise invalid_type(f"{owner}: value", value, f"a str, since column {column!r} holds text")
        if kind == "bool" and not isinstance(value, (bool, np.bool_)):
            raise invalid_type(f"{owner}: value", value, f"a bool, since column {column!r} is boolean")


def _spelling(value: Any) -> Any:
    """``value`` as a spelling-blind key: case folded, whitespace trimmed and collapsed."""
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def _in_hypothesis_example() -> bool:
    """Whether a Hypothesis test is drawing an example (a drawn frame may lack any given value)."""
    in_context = getattr(sys.modules.get("hypothesis"), "currently_in_test_context", None)
    return in_context is not None and bool(in_context())


def _held(frame: Frame, column: str) -> list[Any]:
    """The distinct non-missing values of ``column``, most frequent first."""
    import pandas as pd

    counts = pd.Series(frame.values(column), dtype=object).value_counts(sort=True, dropna=True)
    return [v.item() if isinstance(v, np.generic) else v for v in counts.index]


def _near(value: Any, held: list[Any]) -> Any:
    """The value of ``held`` that ``value`` is most likely a misspelling of, or None."""
    if not isinstance(value, str):
        return None
    for candidate in held:
        if isinstance(candidate, str) and _spelling(candidate) == _spelling(value):
            return candidate
    texts = [c for c in held if isinstance(c, str)]
    close = difflib.get_close_matches(value, texts, n=1, cutoff=0.8)
    return close[0] if close else None


def _shown(held: list[Any]) -> str:
    return ", ".join(repr(h) for h in held[:10]) + (", ..." if len(held) > 10 else "") if held else "no values"


def require_occurring(frame: Frame, column: str, owner: str, *, name: str, argument: tuple[str, Any]) -> None:
    """Refuse values that do not match the rows of ``column``.

    A value the column holds only in another spelling ('male' where the data says 'Male', 'Male'
    where raw census files say ' Male') is refused with "did you mean". So is a ``values`` list
    (or ``replace`` mapping) of which no value occurs at all: it perturbs nothing (``replace``) or
    writes values the model never saw (``swap``). One value absent from a small frame is allowed
    (a frame of one row lacks the other values), and so, inside a Hypothesis example, is a drawn
    frame that lacks all of them.
    """
    values = list(argument[1])  # a list of values, or the keys of a mapping
    given = [v for v in values if v is not None]
    current = frame.values(column)
    absent = [v for v in given if not np.any(current == v)]
    if not absent:
        return
    held = _held(frame, column)
    for value in absent:
        near = _near(value, [h for h in held if h not in given])
        if near is not None:
            raise invalid_argument(
                f"{owner}: {name}",
                value,
                f"a value that occurs in column {column!r}, which holds {_shown(held)} (did you mean {near!r}?)",
            )
    if len(absent) == len(given) and not _in_hypothesis_example():
        raise invalid_argument(
            f"{owner}: {argument[0]}",
            argument[1],
            f"{name}s that occur in column {column!r}, which holds {_shown(held)}; none of them does",
        )


def require_spelling(frame: Frame, column: str, value: Any, owner: str) -> None:
    """Refuse a value that the column holds only in another spelling (``set`` may write new values)."""
    if not isinstance(value, str) or np.any(frame.values(column) == value):
        return
    held = _held(frame, column)
    near = next((h for h in held if isinstance(h, str) and _spelling(h) == _spelling(value)), None)
    if near is not None:
        raise invalid_argument(
            f"{owner}: value",
            value,
            f"a value spelt as in column {column!r}, which holds {_shown(held)} (did you mean {near!r}?)",
        )
