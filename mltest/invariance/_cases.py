"""assert_cases (CheckList's MFT): each row of a small hand-written table gets its expected prediction."""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from mltest._message import compose
from mltest.errors import invalid_argument
from mltest.invariance import _arguments
from mltest.invariance._comparison import plain, same, shown_value
from mltest.invariance._frames import Frame
from mltest.invariance._predict import Predictor
from mltest.report import CheckResult, conclude

__all__ = ["assert_cases"]


def _expected(frame: Frame, expected: Any) -> tuple[np.ndarray, Frame]:
    """The expected prediction of each case, and the cases to predict (without an expected column)."""
    if isinstance(expected, str) and expected in frame.columns:
        return frame.values(expected), frame.drop(expected)
    if isinstance(expected, str) and difflib.get_close_matches(expected, [str(c) for c in frame.columns], n=1):
        # a misspelt column name would otherwise be taken as the expected label of every case
        raise invalid_argument(
            "expected",
            expected,
            f"a column of cases {list(frame.columns)}, one value per case, or a single value",
            choices=frame.columns,
        )
    if isinstance(expected, str) or (
        not isinstance(expected, (Sequence, np.ndarray)) and not hasattr(expected, "to_numpy")
    ):
        return np.array([expected] * len(frame), dtype=object), frame
    wanted = np.asarray(expected.to_numpy() if hasattr(expected, "to_numpy") else list(expected), dtype=object)
    if len(wanted) != len(frame):
        raise invalid_argument(
            "expected", expected, f"one value per case ({len(frame):,}), a single value or a column name"
        )
    return wanted, frame


def _matches(wanted: np.ndarray, got: np.ndarray, tolerance: _arguments.Tolerance) -> np.ndarray:
    """Whether each prediction is its expected value: numbers within the tolerances, others equal."""
    ok = np.empty(len(wanted), dtype=bool)
    for i, (w, g) in enumerate(zip(wanted, got, strict=True)):
        if isinstance(w, numbers.Real) and isinstance(g, (numbers.Real, np.number)) and not isinstance(w, bool):
            ok[i] = abs(float(g) - float(w)) <= tolerance.absolute + tolerance.relative * abs(float(w))
        else:
            ok[i] = same(w, g.item() if hasattr(g, "item") else g)
    return ok


def assert_cases(
    predict: Any,
    cases: Any,
    expected: Any,
    *,
    tolerance: float = 0.0,
    rtol: float = 0.0,
    max_failure_rate: float | None = None,
    output: str = "auto",
    batch_size: int | None = None,
    show: int = 5,
) -> CheckResult:
    """Minimum functionality: each row of ``cases`` must get its expected prediction.

    ``expected`` is a sequence with one value per case, a single value for every case, or the
    name of a column of ``cases`` (which is then removed before predicting). Numbers match
    within ``tolerance + rtol * |expected|``; other values (class labels) must be equal. With
    ``output="auto"`` a model's ``predict`` is used. ``max_failure_rate`` defaults to the
    ``invariance_max_failure_rate`` setting (0: every case must pass).
    """
    frame = _arguments.data(cases, "cases")
    allowed = _arguments.tolerance(tolerance, rtol)
    max_rate = _arguments.max_rate(max_failure_rate)
    show = _arguments.show(show)
    wanted, frame = _expected(frame, expected)
    predictor = Predictor(predict, output=output, prefer_proba=False, batch_size=batch_size)
    got = predictor(frame)
    if got.ndim != 1:
        raise invalid_argument(
            "predict", predictor.fn, f"one prediction per case: {predictor.label} returned shape {got.shape}"
        )
    failing = np.flatnonzero(~_matches(wanted, got, allowed))
    share = len(failing) / len(frame)
    figures = {"cases": len(frame), "failing_cases": len(failing), "failure_rate": share}
    figures |= {"max_failure_rate": max_rate, "tolerance": allowed.absolute, "rtol": allowed.relative}
    figures["output"] = predictor.label
    head = (
        f"{len(failing):,} of {len(frame):,} cases ({share:.1%}) got an unexpected prediction; "
        f"allowed: max_failure_rate={max_rate:g}"
    )
    if share <= max_rate:
        return conclude(CheckResult("invariance", "assert_cases", "passed", head + ".", figures=figures))
    lines, table = [], []
    for i in failing[:show]:
        described = ", ".join(f"{c}={shown_value(v)}" for c, v in frame.row(int(i)).items())
        lines.append(f"  case {i}: expected {shown_value(wanted[i])}, got {shown_value(got[i])}: {described}")
        table.append({"case": int(i), "expected": plain(wanted[i]), "got": plain(got[i]), "row": described})
    message = compose(
        head + ".",
        evidence=[
            f"Predictions from {predictor.described}, numbers within {allowed}. First {len(lines)} failing cases:",
            *lines,
        ],
        causes=[
            "the model has not learnt what these cases state: such rows are rare or absent in the training data",
            "the expectation itself is wrong (a label or a threshold written by hand)",
        ],
        fixes=["add rows like these cases to the training data, or correct the expectation"],
        waive=f"pass max_failure_rate={share:.3g} to accept {len(failing):,} failing cases, or tolerance=/rtol= "
        "for numbers that may differ.",
    )
    return conclude(CheckResult("invariance", "assert_cases", "failed", message, figures=figures, table=table))
