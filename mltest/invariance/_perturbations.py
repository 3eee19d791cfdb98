"""Perturbations: seedable, composable changes to the rows of a DataFrame.

A perturbation turns a frame of ``n`` rows into a perturbed frame and, for each perturbed
row, the position of the original row it came from. Most keep one copy per row; ``swap``
makes one copy per other value; perturbations that would leave a row unchanged (a word
that does not occur, a value that is already set) leave that row out, so it does not count
as a pass. ``a + b`` applies ``a`` then ``b`` to what ``a`` produced.

Every perturbation checks its column (with "did you mean") and that the column's dtype fits
when it is applied, since only then is the data known. The text perturbations are in
:mod:`mltest.invariance._text`, the checks of the values they write in :mod:`._values`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mltest import _validation
from mltest.errors import invalid_argument, invalid_type
from mltest.invariance._frames import Frame, as_frame
from mltest.invariance._values import NUMERIC, fit_values, require_occurring, require_spelling

__all__ = [
    "Perturbation",
    "check_column_name",
    "check_seed",
    "compose",
    "missing",
    "noise",
    "replace",
    "set_",
    "shift",
    "swap",
]


def _rng(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def check_seed(seed: Any) -> Any:
    return _validation.seed("seed", seed)


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
        perturbed, _ = self.run(as_frame(data), _rng(check_seed(seed)))
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


def check_column_name(column: Any, owner: str) -> str:
    if not isinstance(column, str):
        raise invalid_type(f"{owner}: column", column, "a column name (str)")
    return column


def _clip(values: np.ndarray, clip: tuple[float, float] | None) -> np.ndarray:
    return values if clip is None else np.clip(values, clip[0], clip[1])


def _check_clip(clip: Any, owner: str) -> tuple[float, float] | None:
    if clip is None:
        return None
    if not (isinstance(clip, (tuple, list)) and len(clip) == 2):
        raise invalid_argument(f"{owner}: clip", clip, "None or a (low, high) pair of numbers")
    for bound in clip:
        _validation.number(f"{owner}: clip", bound)
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
        self.column = check_column_name(column, "swap")
        if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
            raise invalid_type("swap: values", values, "a list of at least two values, e.g. ['male', 'female']")
        values = list(dict.fromkeys(v.item() if isinstance(v, np.generic) else v for v in values))
        if len(values) < 2:
            raise invalid_argument("swap: values", values, "at least two different values")
        self.values = values

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        frame.require_column(self.column, repr(self))
        fit_values(frame, self.column, self.values, repr(self), frame.kind(self.column))
        require_occurring(frame, self.column, repr(self), name="value", argument=("values", self.values))
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
        if frame.kind(self.column) in (*NUMERIC, "bool"):
            column = column.astype(current.dtype)
        return out.with_values(self.column, column), index

    def __repr__(self) -> str:
        return f"swap({self.column!r}, {self.values!r})"


class noise(Perturbation):
    """Add Gaussian noise with standard deviation ``scale`` to a numeric column.

    Integer columns are rounded back to integers. ``clip=(low, high)`` keeps values in range.
    """

    def __init__(self, column: str, scale: float, *, clip: tuple[float, float] | None = None, seed: Any = None):
        self.column = check_column_name(column, "noise")
        _validation.number("noise: scale", scale, low=0, low_open=True)  # the noise's standard deviation
        self.scale = scale
        self.clip = _check_clip(clip, "noise")
        self.seed = check_seed(seed)
        self.random = True

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        kind = frame.require_kind(self.column, repr(self), NUMERIC, "a numeric column")
        values = frame.numbers(self.column)
        perturbed = _clip(values + rng.normal(0.0, self.scale, size=len(values)), self.clip)
        return frame.with_values(self.column, _numeric_result(kind, perturbed)), np.arange(len(frame))

    def __repr__(self) -> str:
        extra = (f", clip={self.clip}" if self.clip else "") + (f", seed={self.seed}" if self.seed is not None else "")
        return f"noise({self.column!r}, {self.scale!r}{extra})"


class shift(Perturbation):
    """Add ``by`` to a numeric column (an integer column needs a whole ``by``)."""

    def __init__(self, column: str, by: float, *, clip: tuple[float, float] | None = None) -> None:
        self.column = check_column_name(column, "shift")
        _validation.number("shift: by", by)
        if by == 0:
            raise invalid_argument("shift: by", by, "a non-zero number (a shift of 0 changes nothing)")
        self.by = by
        self.clip = _check_clip(clip, "shift")

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        kind = frame.require_kind(self.column, repr(self), NUMERIC, "a numeric column")
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
        self.column = check_column_name(column, "replace")
        if not isinstance(mapping, Mapping) or not mapping:
            raise invalid_type("replace: mapping", mapping, "a non-empty dict {old value: new value}")
        self.mapping = dict(mapping)

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        frame.require_column(self.column, repr(self))
        kind = frame.kind(self.column)
        fit_values(frame, self.column, list(self.mapping.values()), repr(self), kind)
        require_occurring(frame, self.column, repr(self), name="key", argument=("mapping", self.mapping))
        current = frame.values(self.column)
        index = np.flatnonzero(np.isin(current, np.array(list(self.mapping), dtype=object)))
        new = np.array([self.mapping[v] for v in current[index]], dtype=object)
        if kind in (*NUMERIC, "bool"):
            new = new.astype(current.dtype)
        return frame.take(index).with_values(self.column, new), index

    def __repr__(self) -> str:
        return f"replace({self.column!r}, {self.mapping!r})"


class set_(Perturbation):
    """Set every row's ``column`` to ``value``; rows that already hold it are left out."""

    def __init__(self, column: str, value: Any) -> None:
        self.column = check_column_name(column, "set")
        self.value = value

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        frame.require_column(self.column, repr(self))
        kind = frame.kind(self.column)
        fit_values(frame, self.column, [self.value], repr(self), kind)
        require_spelling(frame, self.column, self.value, repr(self))
        current = frame.values(self.column)
        index = np.flatnonzero(current != self.value)
        new = np.full(len(index), self.value, dtype=object)
        if kind in (*NUMERIC, "bool"):
            new = new.astype(current.dtype)
        return frame.take(index).with_values(self.column, new), index

    def __repr__(self) -> str:
        return f"set({self.column!r}, {self.value!r})"


class missing(Perturbation):
    """Make ``column`` missing (NaN in pandas, where an integer column becomes float; null in polars).

    Rows already missing are left out.
    """

    def __init__(self, column: str) -> None:
        self.column = check_column_name(column, "missing")

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        frame.require_column(self.column, repr(self))
        index = np.flatnonzero(~frame.missing(self.column))
        return frame.take(index).with_missing(self.column), index

    def __repr__(self) -> str:
        return f"missing({self.column!r})"
