"""Class labels as codes: binary (0/1, -1/1, booleans), any two classes (``pos_label=``) or several (``labels=``).

Every fairness rate is a function of a group's confusion matrix between the true and the
predicted class. :func:`encode` turns ``y_true`` and ``y_pred`` into codes into one list of
classes, and says which classes are measured (one-vs-rest): the positive class of binary
labels, or every class of ``labels=`` (only ``pos_label`` when both are given).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mltest.errors import InvalidArgument, invalid_argument
from mltest.fairness._inputs import missing_error, missing_rows
from mltest.fairness._options import Options

__all__ = ["Labels", "absent_pos_label", "encode", "require_every_class", "standard_binary"]


@dataclass(frozen=True)
class Labels:
    """Codes of ``y_true`` (None when not read) and ``y_pred`` into ``classes``.

    ``measured`` are the codes whose one-vs-rest rates are measured; ``binary`` is True for
    binary labels (results then name no class).
    """

    true: np.ndarray | None
    pred: np.ndarray
    classes: tuple[Any, ...]
    measured: tuple[int, ...]
    binary: bool


def encode(y_true: np.ndarray | None, y_pred: np.ndarray, options: Options) -> Labels:
    """The codes of both label arrays, checked against ``options.labels``/``options.pos_label``."""
    if options.labels is not None:
        classes = options.labels
        true = None if y_true is None else _class_codes("y_true", y_true, classes)
        pred = _class_codes("y_pred", y_pred, classes)
        require_every_class(classes, pred, true)
        measured = (classes.index(options.pos_label),) if options.pos_label is not None else range(len(classes))
        return Labels(true, pred, classes, tuple(measured), binary=False)
    if options.pos_label is not None:
        true, pred, other = _binary_pair(y_true, y_pred, options.pos_label)
        return Labels(true, pred, (other, options.pos_label), (1,), binary=True)
    pred = standard_binary("y_pred", y_pred)
    true = None if y_true is None else standard_binary("y_true", y_true)
    return Labels(true, pred, (0, 1), (1,), binary=True)


def _class_codes(name: str, array: np.ndarray, classes: tuple[Any, ...]) -> np.ndarray:
    """Position of each value in ``classes``; a value that is not a class is an error."""
    where = missing_rows(array)
    if where is not None:
        raise missing_error(name, where, "drop those rows before the check")
    codes = pd.Index(classes).get_indexer(array)
    unknown = codes < 0
    if unknown.any():
        values, counts = np.unique(np.asarray(array[unknown], dtype=object).astype(str), return_counts=True)
        first = array[np.flatnonzero(unknown)[0]]
        shown = ", ".join(
            f"{str(v)!r} ({c} {'row' if c == 1 else 'rows'})" for v, c in zip(values[:5], counts[:5], strict=True)
        )
        close = difflib.get_close_matches(str(first), [str(c) for c in classes], n=1) if isinstance(first, str) else []
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InvalidArgument(
            f"{name} has {len(values)} {'class' if len(values) == 1 else 'classes'} that labels={list(classes)} "
            f"does not list: {shown}{', ...' if len(values) > 5 else ''}{hint}; expected labels= to list every class"
        )
    return codes


def require_every_class(classes: tuple[Any, ...], pred: np.ndarray, true: np.ndarray | None) -> None:
    """A class of ``labels=`` that no row holds is an error (a misspelt or foreign class, not a finding)."""
    seen = np.bincount(pred, minlength=len(classes)) > 0
    if true is not None:
        seen |= np.bincount(true, minlength=len(classes)) > 0
    if seen.all():
        return
    absent = [c for c, s in zip(classes, seen, strict=True) if not s]
    found = [c for c, s in zip(classes, seen, strict=True) if s]
    where = "y_true or y_pred" if true is not None else "y_pred"
    raise InvalidArgument(
        f"labels={list(classes)} is not valid: {', '.join(map(repr, absent))} "
        f"{'occurs' if len(absent) == 1 else 'occur'} in no row of {where}; expected classes of the data, found {found}"
    )


def standard_binary(name: str, array: np.ndarray) -> np.ndarray:
    """Booleans, 0/1 or -1/1 (integers or floats) as 0/1 with 1 the positive label (fairlearn's convention)."""
    kind = array.dtype.kind
    if kind == "b":
        return array.view(np.int8)
    if kind in "iu":
        lo, hi = array.min(), array.max()
        if lo >= 0 and hi <= 1:
            return array  # 0/1 already: no copy
        if lo >= -1 and hi <= 1 and not (array == 0).any():  # -1/1 (possibly all -1 or all 1)
            return (array > 0).view(np.int8)
        return _not_binary(name, array)
    if kind == "f":
        where = missing_rows(array)
        if where is not None:
            raise missing_error(name, where, "drop those rows before the check")
        ones = array == 1
        if (ones | (array == 0)).all():
            return ones.view(np.int8)
        if (ones | (array == -1)).all():
            return ones.view(np.int8)
        return _not_binary(name, array)
    where = missing_rows(array)
    if where is not None:
        raise missing_error(name, where, "drop those rows before the check")
    try:
        return standard_binary(name, array.astype(float))
    except (TypeError, ValueError):
        return _not_binary(name, array)


_NO_OTHER = object()  # no row holds a class other than pos_label


def _positive(name: str, array: np.ndarray, pos_label: Any) -> np.ndarray:
    """True where ``array`` holds ``pos_label`` (missing values are an error)."""
    where = missing_rows(array)
    if where is not None:
        raise missing_error(name, where, "drop those rows before the check")
    positive = np.asarray(array == pos_label)
    if positive.ndim == 0:  # a comparison numpy cannot make elementwise (e.g. text with a number)
        positive = np.zeros(len(array), dtype=bool)
    return positive


def _other(name: str, array: np.ndarray, positive: np.ndarray, pos_label: Any) -> Any:
    """The one class of ``array`` other than ``pos_label`` (``_NO_OTHER`` when there is none)."""
    others = array[~positive]
    if len(others) == 0:
        return _NO_OTHER
    other = others[0]
    if not np.asarray(others == other).all():
        uniques = pd.unique(others[:1_000_000])
        raise InvalidArgument(
            f"{name} has {len(uniques)}{'+' if len(others) > 1_000_000 else ''} distinct values {_shown(uniques)} "
            f"besides pos_label={pos_label!r}: {_two_classes(pos_label)}"
        )
    return other.item() if isinstance(other, np.generic) else other


def _two_classes(pos_label: Any) -> str:
    return f"expected two classes, pos_label={pos_label!r} and one other"


def _binary_pair(
    y_true: np.ndarray | None, y_pred: np.ndarray, pos_label: Any
) -> tuple[np.ndarray | None, np.ndarray, Any]:
    """``y_true`` and ``y_pred`` (already arrays) as 0/1 with ``pos_label`` as 1.

    Both hold ``pos_label`` and at most one other class, the same one; ``pos_label`` must be
    found in one of them (a misspelt class would otherwise make every row negative).
    """
    arrays = {"y_true": y_true, "y_pred": y_pred} if y_true is not None else {"y_pred": y_pred}
    positives = {name: _positive(name, array, pos_label) for name, array in arrays.items()}
    if not any(p.any() for p in positives.values()):
        raise absent_pos_label(pos_label, arrays)
    others = {name: _other(name, arrays[name], positives[name], pos_label) for name in arrays}
    true_other, pred_other = others.get("y_true", _NO_OTHER), others["y_pred"]
    if _NO_OTHER not in (true_other, pred_other) and not true_other == pred_other:
        raise InvalidArgument(
            f"y_true and y_pred have different classes besides pos_label={pos_label!r} "
            f"({true_other!r} and {pred_other!r}): {_two_classes(pos_label)}"
        )
    true = positives["y_true"].view(np.int8) if y_true is not None else None
    other = true_other if pred_other is _NO_OTHER else pred_other
    return true, positives["y_pred"].view(np.int8), None if other is _NO_OTHER else other


def absent_pos_label(pos_label: Any, arrays: dict[str, np.ndarray]) -> InvalidArgument:
    """The error for a ``pos_label`` that no row of ``arrays`` holds (a misspelt class), with did-you-mean."""
    found = pd.unique(np.concatenate([a[:1_000_000].astype(object) for a in arrays.values()]))
    return invalid_argument(
        "pos_label",
        pos_label,
        f"a class of {' or '.join(arrays)}, one of {_shown(_sorted(found))}",
        choices=[str(v) for v in found],
    )


def _shown(uniques: np.ndarray) -> str:
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in uniques[:6])
    return f"[{shown}{', ...' if len(uniques) > 6 else ''}]"


def _not_binary(name: str, array: np.ndarray) -> np.ndarray:
    uniques = pd.unique(array[:1_000_000])
    hint = ""
    if array.dtype.kind == "f" and len(uniques) > 2:
        hint = " (these look like scores: threshold them first, e.g. y_pred = scores >= 0.5)"
    elif len(uniques) == 2:
        hint = f"; name the positive class with pos_label=, one of {_shown(_sorted(uniques))}"
    else:
        hint = "; for several classes pass every class as labels=[...] (each is judged one-vs-rest)"
    raise InvalidArgument(
        f"{name} has {len(uniques)}{'+' if len(array) > 1_000_000 else ''} distinct values {_shown(uniques)}: "
        f"expected binary labels (0/1, -1/1 or booleans; 1 is the positive label) for a binary metric{hint}"
    )


def _sorted(values: np.ndarray) -> np.ndarray:
    try:
        return np.sort(values)
    except TypeError:
        return values
