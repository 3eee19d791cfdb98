"""``assert_no_skew``: two code paths given the same rows must agree row by row.

Training features against the serving endpoint, a batch job against the API, an old feature
module against a new one: each is a callable taking the rows and returning one output per row
(a DataFrame, a Series, an array, a list of dicts or of numbers). Numbers agree within
``tolerance`` (relative, and absolute near zero; NaN agrees with NaN); everything else must be
equal. A failure shows the first rows and columns that differ, side by side.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from mltest import _settings, _validation
from mltest._message import compose
from mltest.errors import InvalidArgument, invalid_type
from mltest.report import CheckResult, conclude

__all__ = ["assert_no_skew"]

_SHOWN = 5


def assert_no_skew(a: Any, b: Any, rows: Any, *, tolerance: Any = None) -> CheckResult:
    """Fail when ``a(rows)`` and ``b(rows)`` differ in any row or column.

    ``a`` and ``b``: callables (a function, ``pipeline.transform``, a client's predict call).
    ``rows``: what both are given (a DataFrame, a list of dicts, ...). ``tolerance``: how far
    two numbers may be apart, relative to the larger (absolute below 1); default
    ``skew_tolerance`` in ``[tool.mltest]`` (1e-9).
    """
    for name, value in (("a", a), ("b", b)):
        if not callable(value):
            raise invalid_type(name, value, "a callable taking the rows (a function, pipeline.transform, ...)")
    tolerance = _validation.number(
        "tolerance", _settings.get("skew_tolerance") if tolerance is None else tolerance, low=0
    )
    names = (_label(a, "a"), _label(b, "b"))
    if names[0] == names[1]:
        names = ("a", "b")
    left, right = _as_frame("a", a(rows)), _as_frame("b", b(rows))
    figures: dict[str, Any] = {"rows": len(left), "tolerance": tolerance}
    problem = _shape_problem(left, right, names)
    if problem:
        head = f"assert_no_skew failed: {problem}"
        message = compose(head, causes=_CAUSES, fixes=_FIXES)
        return conclude(CheckResult("monitoring", "assert_no_skew", "failed", message, figures=figures))
    differ = {c: _differs(left[c].to_numpy(), right[c].to_numpy(), tolerance) for c in left.columns}
    bad_rows = np.zeros(len(left), dtype=bool)
    for mask in differ.values():
        bad_rows |= mask
    bad_columns = [c for c, mask in differ.items() if mask.any()]
    figures |= {"columns": len(left.columns), "rows_differ": int(bad_rows.sum()), "columns_differ": len(bad_columns)}
    if not bad_rows.any():
        verdict = (
            f"assert_no_skew passed: {names[0]} and {names[1]} agree on all {len(left)} rows "
            f"and {len(left.columns)} columns (tolerance {tolerance:g})"
        )
        return conclude(CheckResult("monitoring", "assert_no_skew", "passed", verdict, figures=figures))
    table = _cells(left, right, differ, bad_rows)
    verdict = (
        f"assert_no_skew failed: {int(bad_rows.sum())} of {len(left)} rows differ in {len(bad_columns)} of "
        f"{len(left.columns)} columns ({', '.join(map(repr, bad_columns[:_SHOWN]))}) beyond tolerance {tolerance:g}"
    )
    evidence = [f"{'row':>5}  {'column':<16}  {names[0]:>18}  {names[1]:>18}"]
    evidence += [f"{c['row']!s:>5}  {c['column']!s:<16}  {c['a']!r:>18}  {c['b']!r:>18}" for c in table[: 2 * _SHOWN]]
    if len(table) > 2 * _SHOWN:
        evidence.append(f"... {len(table) - 2 * _SHOWN} more differing cells in the mltest report")
    message = compose(
        verdict,
        evidence=evidence,
        causes=_CAUSES,
        fixes=_FIXES,
        waive=f"pass tolerance= larger than the differences shown if they are rounding (now {tolerance:g}).",
    )
    for cell in table:
        cell[names[0]], cell[names[1]] = cell.pop("a"), cell.pop("b")
    return conclude(CheckResult("monitoring", "assert_no_skew", "failed", message, figures=figures, table=table))


_CAUSES = [
    "the two paths compute a feature differently (units, defaults for missing values, encodings, rounding)",
    "one path uses stale artefacts (an old encoder, vocabulary or scaler) or a different library version",
]
_FIXES = [
    "make both paths call one feature function, or fix the one that disagrees with training",
    "pin the artefacts and library versions the serving path loads to the training run's",
]


def _label(fn: Any, default: str) -> str:
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    return default if not name or "<lambda>" in name else str(name).split(".<locals>.")[-1]


def _as_frame(name: str, output: Any) -> Any:
    """A pandas DataFrame of one output: a frame, a Series, a 1-D or 2-D array, a list of dicts or values."""
    import pandas as pd

    kind = _validation.frame_kind(output)
    if kind == "pandas":
        return output.reset_index(drop=True)
    if kind == "polars":
        return output.to_pandas()
    if isinstance(output, pd.Series):
        return output.reset_index(drop=True).to_frame(output.name if output.name is not None else "output")
    if isinstance(output, dict):
        return pd.DataFrame(output)
    if isinstance(output, (list, tuple)) and output and all(isinstance(r, dict) for r in output):
        return pd.DataFrame(list(output))
    try:
        array = np.asarray(output)
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim not in (1, 2):
        raise invalid_type(f"{name}(rows)", output, "a DataFrame, a Series, an array or a list of rows")
    return pd.DataFrame(array if array.ndim == 2 else {"output": array})


def _shape_problem(left: Any, right: Any, names: tuple[str, str]) -> str:
    if len(left) != len(right):
        return f"{names[0]} returned {len(left)} rows but {names[1]} returned {len(right)}"
    only_left = [c for c in left.columns if c not in right.columns]
    only_right = [c for c in right.columns if c not in left.columns]
    if only_left or only_right:
        parts = [
            f"only {names[0]} has {only_left}" if only_left else "",
            f"only {names[1]} has {only_right}" if only_right else "",
        ]
        return "the outputs have different columns: " + "; ".join(p for p in parts if p)
    if len(left) == 0:
        raise InvalidArgument("rows gave no output rows: expected at least one row to compare")
    return ""


def _differs(x: np.ndarray, y: np.ndarray, tolerance: float) -> np.ndarray:
    """Where two columns disagree: numbers beyond the tolerance, anything else unequal; missing agrees with missing."""
    if x.dtype.kind in "iufb" and y.dtype.kind in "iufb":
        x, y = x.astype(float), y.astype(float)
        both_nan = np.isnan(x) & np.isnan(y)
        with np.errstate(invalid="ignore"):
            close = np.abs(x - y) <= tolerance * np.maximum(1.0, np.maximum(np.abs(x), np.abs(y)))
        return ~(close | both_nan)
    import pandas as pd

    missing = pd.isna(x) & pd.isna(y)
    equal = np.array([_same(u, v, tolerance) for u, v in zip(x.tolist(), y.tolist(), strict=True)], dtype=bool)
    return ~(equal | missing)


def _same(u: Any, v: Any, tolerance: float) -> bool:
    if isinstance(u, (int, float)) and isinstance(v, (int, float)) and not isinstance(u, bool):
        return math.isclose(u, v, rel_tol=tolerance, abs_tol=tolerance)
    try:
        return bool(u == v)
    except (TypeError, ValueError):
        return False


def _cells(left: Any, right: Any, differ: dict[str, np.ndarray], bad_rows: np.ndarray) -> list[dict[str, Any]]:
    """Differing cells, the first rows of every differing column in turn (so each column shows), at most 50."""
    firsts = {column: np.flatnonzero(mask)[:50] for column, mask in differ.items() if mask.any()}
    picked: list[tuple[int, str]] = []
    for depth in range(50):
        for column, rows in firsts.items():
            if depth < len(rows) and len(picked) < 50:
                picked.append((int(rows[depth]), column))
    cells = []
    for i, column in picked:
        a, b = left[column].iloc[i], right[column].iloc[i]
        cells.append({"row": i, "column": str(column), "a": _py(a), "b": _py(b)})
    return cells


def _py(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
