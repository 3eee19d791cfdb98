"""Perturbations: seedable, composable changes to the rows of a DataFrame.

A perturbation turns a frame of ``n`` rows into a perturbed frame and, for each perturbed
row, the position of the original row it came from. Most keep one copy per row; ``swap``
makes one copy per other value; perturbations that would leave a row unchanged (a word
that does not occur, a value that is already set) leave that row out, so it does not count
as a pass. ``a + b`` applies ``a`` then ``b`` to what ``a`` produced.

Every perturbation checks its column (with "did you mean") and that the column's dtype fits
when it is applied, since only then is the data known.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mltest.errors import invalid_argument, invalid_type
from mltest.invariance._frames import Frame, as_frame

__all__ = [
    "Perturbation",
    "case",
    "compose",
    "missing",
    "noise",
    "replace",
    "replace_words",
    "set_",
    "shift",
    "swap",
    "typos",
    "whitespace",
]

_NUMERIC = ("integer", "float")
_TEXT = ("string",)


def _rng(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def _check_seed(seed: Any) -> Any:
    if seed is not None and not (isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0):
        raise invalid_argument("seed", seed, "None or an integer >= 0")
    return seed


class Perturbation:
    """Base class: subclasses implement :meth:`_perturb` and ``__repr__``.

    ``seed`` (on each perturbation that draws random numbers) fixes its draws; without it, the
    check's seed is used (see ``assert_invariant(seed=...)``), which the pytest plugin derives
    from ``--mltest-seed``.
    """

    seed: Any = None
    #: Whether the perturbation draws random numbers (so its seed matters).
    random: bool = False

    def __add__(self, other: Perturbation) -> Perturbation:
        if not isinstance(other, Perturbation):
            return NotImplemented
        return compose(self, other)

    def apply(self, data: Any, *, seed: Any = None) -> Any:
        """The perturbed copy of ``data`` (same library as ``data``), e.g. to look at it."""
        perturbed, _ = self.run(as_frame(data), _rng(_check_seed(seed)))
        return perturbed.native

    def run(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        """Perturb ``frame``: the perturbed frame and, per perturbed row, its original row."""
        if self.seed is not None:
            rng = np.random.default_rng(self.seed)
        return self._perturb(frame, rng)

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        raise NotImplementedError

    @property
    def columns(self) -> list[str]:
        """The columns this perturbation changes."""
        return [self.column] if hasattr(self, "column") else []


class _Compose(Perturbation):
    def __init__(self, parts: Sequence[Perturbation]) -> None:
        self.parts = list(parts)

    def run(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        source = np.arange(len(frame))
        for part in self.parts:
            frame, positions = part.run(frame, rng)
            source = source[positions]
        return frame, source

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(c for p in self.parts for c in p.columns))

    @property
    def random(self) -> bool:  # type: ignore[override]
        return any(p.random for p in self.parts)

    def __repr__(self) -> str:
        return " + ".join(repr(p) for p in self.parts)


def compose(*perturbations: Perturbation) -> Perturbation:
    """Apply ``perturbations`` one after the other: ``compose(a, b)`` is ``a + b``."""
    if not perturbations:
        raise invalid_argument("perturbations", perturbations, "at least one perturbation")
    parts: list[Perturbation] = []
    for p in perturbations:
        if not isinstance(p, Perturbation):
            raise invalid_type("perturbation", p, "a perturbation from mltest.perturb, e.g. swap('sex', [...])")
        parts.extend(p.parts if isinstance(p, _Compose) else [p])
    return parts[0] if len(parts) == 1 else _Compose(parts)


def _check_column_name(column: Any, owner: str) -> str:
    if not isinstance(column, str):
        raise invalid_type(f"{owner}: column", column, "a column name (str)")
    return column


def _fit_values(frame: Frame, column: str, values: Sequence[Any], owner: str, kind: str) -> None:
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
        if kind in _NUMERIC and not numeric:
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


def _clip(values: np.ndarray, clip: tuple[float, float] | None) -> np.ndarray:
    return values if clip is None else np.clip(values, clip[0], clip[1])


def _check_clip(clip: Any, owner: str) -> tuple[float, float] | None:
    if clip is None:
        return None
    if not (isinstance(clip, (tuple, list)) and len(clip) == 2 and all(isinstance(c, numbers.Real) for c in clip)):
        raise invalid_argument(f"{owner}: clip", clip, "None or a (low, high) pair of numbers")
    if clip[0] > clip[1]:
        raise invalid_argument(f"{owner}: clip", clip, "low <= high")
    return (clip[0], clip[1])


def _numeric_result(kind: str, values: np.ndarray) -> np.ndarray:
    """Round perturbed integers so an integer column stays integer (the frame casts them back)."""
    return np.rint(values) if kind == "integer" else values


# -- tabular perturbations -------------------------------------------------------------------------
class swap(Perturbation):
    """Counterfactual: every row takes each of ``values`` other than its own.

    A row whose value is one of ``k`` values gives ``k - 1`` perturbed copies; a row whose value
    is not among them (or is missing) gives ``k``.
    """

    def __init__(self, column: str, values: Sequence[Any]) -> None:
        self.column = _check_column_name(column, "swap")
        if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
            raise invalid_type("swap: values", values, "a list of at least two values, e.g. ['male', 'female']")
        values = list(dict.fromkeys(values))
        if len(values) < 2:
            raise invalid_argument("swap: values", values, "at least two different values")
        self.values = values

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        frame.require_column(self.column, repr(self))
        _fit_values(frame, self.column, self.values, repr(self), frame.kind(self.column))
        current = frame.values(self.column)
        positions, new_values = [], []
        for value in self.values:
            rows = np.flatnonzero(current != value)
            positions.append(rows)
            new_values.append(np.full(len(rows), value, dtype=object))
        # Keep the copies of each row together, in the order of the original rows.
        order = np.argsort(np.concatenate(positions), kind="stable")
        index = np.concatenate(positions)[order]
        out = frame.take(index)
        column = np.concatenate(new_values)[order]
        if frame.kind(self.column) in (*_NUMERIC, "bool"):
            column = column.astype(current.dtype)
        return out.with_values(self.column, column), index

    def __repr__(self) -> str:
        return f"swap({self.column!r}, {self.values!r})"


class noise(Perturbation):
    """Add Gaussian noise with standard deviation ``scale`` to a numeric column.

    Integer columns are rounded back to integers. ``clip=(low, high)`` keeps values in range.
    """

    def __init__(self, column: str, scale: float, *, clip: tuple[float, float] | None = None, seed: Any = None):
        self.column = _check_column_name(column, "noise")
        if not isinstance(scale, numbers.Real) or isinstance(scale, bool) or not scale > 0 or math.isinf(scale):
            raise invalid_argument("noise: scale", scale, "a positive finite number (the noise's standard deviation)")
        self.scale = scale
        self.clip = _check_clip(clip, "noise")
        self.seed = _check_seed(seed)
        self.random = True

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        kind = frame.require_kind(self.column, repr(self), _NUMERIC, "a numeric column")
        values = frame.numbers(self.column)
        perturbed = _clip(values + rng.normal(0.0, self.scale, size=len(values)), self.clip)
        return frame.with_values(self.column, _numeric_result(kind, perturbed)), np.arange(len(frame))

    def __repr__(self) -> str:
        extra = (f", clip={self.clip}" if self.clip else "") + (f", seed={self.seed}" if self.seed is not None else "")
        return f"noise({self.column!r}, {self.scale!r}{extra})"


class shift(Perturbation):
    """Add ``by`` to a numeric column (an integer column needs a whole ``by``)."""

    def __init__(self, column: str, by: float, *, clip: tuple[float, float] | None = None) -> None:
        self.column = _check_column_name(column, "shift")
        if not isinstance(by, numbers.Real) or isinstance(by, bool) or not math.isfinite(by) or by == 0:
            raise invalid_argument("shift: by", by, "a non-zero finite number")
        self.by = by
        self.clip = _check_clip(clip, "shift")

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        kind = frame.require_kind(self.column, repr(self), _NUMERIC, "a numeric column")
        if kind == "integer" and not float(self.by).is_integer():
            raise invalid_argument(
                f"{self!r}: by",
                self.by,
                f"a whole number, since column {self.column!r} has dtype {frame.dtype_name(self.column)}",
            )
        perturbed = _clip(frame.numbers(self.column) + self.by, self.clip)
        return frame.with_values(self.column, _numeric_result(kind, perturbed)), np.arange(len(frame))

    def __repr__(self) -> str:
        return f"shift({self.column!r}, {self.by!r}" + (f", clip={self.clip})" if self.clip else ")")


class replace(Perturbation):
    """Replace values by ``mapping``; rows whose value is not a key are left out."""

    def __init__(self, column: str, mapping: Mapping[Any, Any]) -> None:
        self.column = _check_column_name(column, "replace")
        if not isinstance(mapping, Mapping) or not mapping:
            raise invalid_type("replace: mapping", mapping, "a non-empty dict {old value: new value}")
        self.mapping = dict(mapping)

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        frame.require_column(self.column, repr(self))
        kind = frame.kind(self.column)
        _fit_values(frame, self.column, list(self.mapping.values()), repr(self), kind)
        current = frame.values(self.column)
        index = np.flatnonzero(np.isin(current, np.array(list(self.mapping), dtype=object)))
        new = np.array([self.mapping[v] for v in current[index]], dtype=object)
        if kind in (*_NUMERIC, "bool"):
            new = new.astype(current.dtype)
        return frame.take(index).with_values(self.column, new), index

    def __repr__(self) -> str:
        return f"replace({self.column!r}, {self.mapping!r})"


class set_(Perturbation):
    """Set every row's ``column`` to ``value``; rows that already hold it are left out."""

    def __init__(self, column: str, value: Any) -> None:
        self.column = _check_column_name(column, "set")
        self.value = value

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        frame.require_column(self.column, repr(self))
        kind = frame.kind(self.column)
        _fit_values(frame, self.column, [self.value], repr(self), kind)
        current = frame.values(self.column)
        index = np.flatnonzero(current != self.value)
        new = np.full(len(index), self.value, dtype=object)
        if kind in (*_NUMERIC, "bool"):
            new = new.astype(current.dtype)
        return frame.take(index).with_values(self.column, new), index

    def __repr__(self) -> str:
        return f"set({self.column!r}, {self.value!r})"


class missing(Perturbation):
    """Make ``column`` missing (NaN in pandas, where an integer column becomes float; null in polars).

    Rows already missing are left out.
    """

    def __init__(self, column: str) -> None:
        self.column = _check_column_name(column, "missing")

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        frame.require_column(self.column, repr(self))
        index = np.flatnonzero(~frame.missing(self.column))
        return frame.take(index).with_missing(self.column), index

    def __repr__(self) -> str:
        return f"missing({self.column!r})"


# -- text perturbations ----------------------------------------------------------------------------
class _Text(Perturbation):
    """A perturbation of a text column, applied string by string; unchanged rows are left out."""

    def _change(self, text: str, rng: np.random.Generator) -> str:
        raise NotImplementedError

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        frame.require_kind(self.column, repr(self), _TEXT, "a text (string) column")
        current = frame.values(self.column)
        new = np.array([v if not isinstance(v, str) else self._change(v, rng) for v in current], dtype=object)
        index = np.flatnonzero(new != current)
        return frame.take(index).with_values(self.column, new[index]), index


class typos(_Text):
    """Swap ``n`` random pairs of adjacent characters in each text (CheckList's typos)."""

    def __init__(self, column: str, n: int = 1, *, seed: Any = None) -> None:
        self.column = _check_column_name(column, "typos")
        if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 1:
            raise invalid_argument("typos: n", n, "a positive integer (typos per text)")
        self.n = int(n)
        self.seed = _check_seed(seed)
        self.random = True

    def _change(self, text: str, rng: np.random.Generator) -> str:
        if len(text) < 2:
            return text
        chars = list(text)
        for _ in range(self.n):
            # Swap two different neighbours, so the text really changes.
            candidates = [i for i in range(len(chars) - 1) if chars[i] != chars[i + 1]]
            if not candidates:
                break
            i = candidates[int(rng.integers(0, len(candidates)))]
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        return "".join(chars)

    def __repr__(self) -> str:
        return f"typos({self.column!r}" + (f", n={self.n}" if self.n != 1 else "") + ")"


_CASES = {"lower": str.lower, "upper": str.upper, "title": str.title, "capitalize": str.capitalize}


class case(_Text):
    """Change the case of a text column: ``how`` is lower, upper, title or capitalize."""

    def __init__(self, column: str, how: str = "lower") -> None:
        self.column = _check_column_name(column, "case")
        if how not in _CASES:
            raise invalid_argument("case: how", how, f"one of {list(_CASES)}", choices=_CASES)
        self.how = how

    def _change(self, text: str, rng: np.random.Generator) -> str:
        return _CASES[self.how](text)

    def __repr__(self) -> str:
        return f"case({self.column!r}, {self.how!r})"


_SPACES = re.compile(r"\s+")
_WHITESPACE = ("double", "pad", "strip")


class whitespace(_Text):
    """Change whitespace: ``double`` doubles each run of spaces, ``pad`` adds a space at both ends,
    ``strip`` trims the ends and collapses runs to one space."""

    def __init__(self, column: str, how: str = "double") -> None:
        self.column = _check_column_name(column, "whitespace")
        if how not in _WHITESPACE:
            raise invalid_argument("whitespace: how", how, f"one of {list(_WHITESPACE)}", choices=_WHITESPACE)
        self.how = how

    def _change(self, text: str, rng: np.random.Generator) -> str:
        if self.how == "double":
            return _SPACES.sub(lambda m: m.group(0) * 2, text)
        if self.how == "pad":
            return f" {text} "
        return _SPACES.sub(" ", text).strip()

    def __repr__(self) -> str:
        return f"whitespace({self.column!r}, {self.how!r})"


class replace_words(_Text):
    """Replace whole words by ``mapping`` (``{"great": "good"}``; a list of replacements picks one
    at random per text). Texts containing none of the words are left out."""

    def __init__(self, column: str, mapping: Mapping[str, str | Sequence[str]], *, seed: Any = None) -> None:
        self.column = _check_column_name(column, "replace_words")
        if not isinstance(mapping, Mapping) or not mapping:
            raise invalid_type("replace_words: mapping", mapping, "a non-empty dict {word: replacement(s)}")
        self.mapping: dict[str, list[str]] = {}
        for word, replacement in mapping.items():
            choices = [replacement] if isinstance(replacement, str) else list(replacement)
            if not isinstance(word, str) or not word or not choices or not all(isinstance(c, str) for c in choices):
                raise invalid_argument(
                    "replace_words: mapping", {word: replacement}, "words (str) mapped to a str or a list of str"
                )
            self.mapping[word] = choices
        words = sorted(self.mapping, key=len, reverse=True)
        self._pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")
        self.seed = _check_seed(seed)
        self.random = any(len(c) > 1 for c in self.mapping.values())

    def _change(self, text: str, rng: np.random.Generator) -> str:
        def pick(match: re.Match[str]) -> str:
            choices = self.mapping[match.group(0)]
            return choices[int(rng.integers(0, len(choices)))] if len(choices) > 1 else choices[0]

        return self._pattern.sub(pick, text)

    def __repr__(self) -> str:
        shown = {w: (c[0] if len(c) == 1 else c) for w, c in self.mapping.items()}
        return f"replace_words({self.column!r}, {shown!r})"
