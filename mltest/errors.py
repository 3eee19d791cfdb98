"""The exceptions mltest raises, shared by every family.

A check that finds a problem raises :class:`CheckFailed`, an ``AssertionError``, so pytest
reports a failed test rather than an error. A call that cannot run because an argument is
wrong raises :class:`InvalidArgument` (a ``ValueError``) or :class:`InvalidArgumentType`
(a ``TypeError``); their message names the argument, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "CheckFailed",
    "InvalidArgument",
    "InvalidArgumentType",
    "MltestError",
    "describe_error",
    "invalid_argument",
    "invalid_type",
]


class MltestError(Exception):
    """Base class of every exception mltest raises on purpose."""


class CheckFailed(MltestError, AssertionError):
    """An mltest check found a problem in the data or the model.

    ``result`` is the :class:`mltest.report.CheckResult` with the figures behind the verdict.
    """

    def __init__(self, message: str, result: Any = None) -> None:
        super().__init__(message)
        self.result = result


class InvalidArgument(MltestError, ValueError):
    """An argument has a value that mltest cannot work with."""


class InvalidArgumentType(MltestError, TypeError):
    """An argument has a type that mltest cannot work with."""


def _short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` on one line, at most ``limit`` characters.

    A value whose repr spans lines (a numpy array, a DataFrame) is described by its type and
    shape when it has one, else its lines are joined, so every error stays one line.
    """
    text = repr(value)
    if "\n" in text:
        shape = getattr(value, "shape", None)
        if isinstance(shape, tuple):
            return f"<{type(value).__name__} of shape {shape}>"
        text = re.sub(r"\s*\n\s*", " ", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def invalid_argument(name: str, value: Any, expected: str, *, choices: Iterable[str] | None = None) -> InvalidArgument:
    """Build the error for ``name=value`` when ``expected`` describes what is allowed.

    With ``choices``, a close match is offered as "did you mean".
    """
    message = f"{name}={_short_repr(value)} is not valid: expected {expected}"
    if choices is not None and isinstance(value, str):
        close = difflib.get_close_matches(value, [str(c) for c in choices], n=1)
        if close:
            message += f" (did you mean {close[0]!r}?)"
    return InvalidArgument(message)


def invalid_type(name: str, value: Any, expected: str) -> InvalidArgumentType:
    """Build the error for an argument of the wrong type."""
    return InvalidArgumentType(f"{name}={_short_repr(value)} has type {type(value).__name__}: expected {expected}")


def describe_error(error: BaseException, limit: int = 300) -> str:
    """``Type: message`` of someone else's exception on one line (sklearn's messages span several)."""
    text = " ".join(str(error).split())
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
