"""Argument checks shared by every family: one wording for every bad value.

Each function returns the value (converted where that is the point, e.g. a seed to ``int``)
or raises :class:`~mltest.errors.InvalidArgument` / :class:`~mltest.errors.InvalidArgumentType`
whose message reads ``name=value is not valid: expected ...``. Families call these instead of
writing ``isinstance(value, numbers.Real)`` tests of their own, so that every message has the
same shape and a bool is never taken for a number.

Nothing heavy is imported: frames are told apart by the module of their type.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from mltest.errors import invalid_argument, invalid_type

__all__ = [
    "MAX_SEED",
    "FrameKind",
    "choice",
    "columns",
    "frame_kind",
    "number",
    "probability",
    "seed",
]

MAX_SEED = 2**32 - 1  # numpy's legacy seeding takes 32 bits
FrameKind = Literal["pandas", "polars", "spark", "other"]


def _is_number(value: Any, integer: bool) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, numbers.Integral if integer else numbers.Real)


def _bounds(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high:g}")
    return " and ".join(parts)


def number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
    optional: bool = False,
) -> Any:
    """``value`` when it is a finite number within the bounds; ``None`` passes when ``optional``.

    Integers come back as ``int`` and other numbers as ``float``, so numpy scalars do not leak
    into messages and figures.
    """
    if value is None and optional:
        return None
    bounds = _bounds(low, high, low_open, high_open)
    expected = f"{'None or ' if optional else ''}{'an integer' if integer else 'a number'} {bounds}".strip()
    if isinstance(value, str):  # text (a setting, a command-line value) that is not a number
        raise invalid_argument(name, value, expected)
    if not _is_number(value, integer):
        raise invalid_type(name, value, expected)
    converted = int(value) if integer else float(value)
    if not integer and not math.isfinite(converted):
        raise invalid_argument(name, value, f"a finite number {bounds}".strip())
    too_low = low is not None and (converted <= low if low_open else converted < low)
    too_high = high is not None and (converted >= high if high_open else converted > high)
    if too_low or too_high:
        raise invalid_argument(name, value, expected)
    return converted


def probability(name: str, value: Any, *, optional: bool = False) -> float | None:
    """A number from 0 to 1 (a share, a rate, a confidence level's complement)."""
    return number(name, value, low=0.0, high=1.0, optional=optional)


def _same_kind(value: Any, choice: Any) -> bool:
    """``value`` could mean ``choice``: the same type or a subclass (numpy's str_), a bool only for a bool."""
    return isinstance(value, type(choice)) and isinstance(value, bool) == isinstance(choice, bool)


def choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """``value`` when it is one of ``choices``; otherwise the error lists them, with "did you mean"."""
    allowed = list(choices)
    try:
        if any(value is c or (_same_kind(value, c) and value == c) for c in allowed):
            return value
    except (TypeError, ValueError):  # a value that cannot be compared (an array) is simply not a choice
        pass
    shown = ", ".join(repr(c) for c in allowed)
    raise invalid_argument(name, value, f"one of {shown}", choices=[str(c) for c in allowed])


def seed(name: str, value: Any) -> int | None:
    """``None`` or an integer seed from 0 to 2**32 - 1, returned as ``int``."""
    if value is None:
        return None
    if not _is_number(value, integer=True) or not 0 <= value <= MAX_SEED:
        raise invalid_argument(name, value, "None or an integer from 0 to 2**32 - 1")
    return int(value)


def columns(name: str, value: Any, available: Sequence[Any], *, what: str = "column") -> list[Any]:
    """One column name or a list of them, each of which must be in ``available``.

    Returns a list. An unknown name is refused with the closest available one as "did you mean".
    """
    names = [value] if isinstance(value, (str, int)) and not isinstance(value, bool) else value
    if not isinstance(names, (list, tuple)) or not names:
        raise invalid_type(name, value, f"a {what} name or a non-empty list of them")
    known = list(available)
    for item in names:
        if item not in known:
            preview = ", ".join(repr(c) for c in known[:12]) + (", ..." if len(known) > 12 else "")
            raise invalid_argument(name, item, f"a {what} of the data ({preview})", choices=[str(c) for c in known])
    return list(names)


def frame_kind(data: Any) -> FrameKind:
    """Which library's DataFrame ``data`` is, decided by its type's module (nothing is imported)."""
    for cls in type(data).__mro__:
        module = cls.__module__ or ""
        if cls.__name__ != "DataFrame":
            continue
        if module.startswith("pandas"):
            return "pandas"
        if module.startswith("polars"):
            return "polars"
        if module.startswith("pyspark.sql"):
            return "spark"
    return "other"
