"""The three behavioural checks of CheckList: invariance, directional expectation, minimum functionality.

Each check predicts the original rows in one batch and every perturbed row in another (or
in chunks of ``batch_size``), compares them with numpy, and only then builds the message
from the few worst rows. Its verdict is a :class:`~mltest.report.CheckResult` handed to
:func:`~mltest.report.conclude`.
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from mltest import _settings
from mltest.errors import invalid_argument, invalid_type
from mltest.invariance._frames import Frame, as_frame
from mltest.invariance._perturbations import Perturbation
from mltest.invariance._predict import Predictor
from mltest.report import CheckResult, conclude

__all__ = ["DIRECTIONS", "assert_cases", "assert_directional", "assert_invariant"]

# direction -> (sign of the expected move, strict?, what a failing row did)
DIRECTIONS = {
    "increase": (1, True, "did not increase"),
    "decrease": (-1, True, "did not decrease"),
    "not_decrease": (1, False, "decreased"),
    "not_increase": (-1, False, "increased"),
}


# -- argument checks -------------------------------------------------------------------------------
def _number(name: str, value: Any, low: float, high: float, expected: str) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not low <= value <= high:
        raise invalid_argument(name, value, expected)
    return float(value)


def _max_rate(value: Any) -> float:
    if value is None:
        value = _settings.get("invariance_max_failure_rate")
    return _number("max_failure_rate", value, 0, 1, "a share between 0 and 1")


def _perturbation(value: Any) -> Perturbation:
    if not isinstance(value, Perturbation):
        raise invalid_type("perturbation", value, "a perturbation from mltest.perturb, e.g. swap('sex', [...])")
    return value


def _show(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise invalid_argument("show", value, "a non-negative integer (how many examples the message shows)")
    return value


def _data(data: Any, name: str = "data") -> Frame:
    frame = as_frame(data, name)
    if len(frame) == 0:
        raise invalid_argument(name, "<empty frame>", "a DataFrame with at least one row")
    return frame


# -- formatting ------------------------------------------------------------------------------------
def _value(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:.4g}"
    if isinstance(value, np.ndarray):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return repr(value.item() if hasattr(value, "item") else value)


def _plain(value: Any) -> Any:
    """A numpy value as a plain Python value (a vector of probabilities as a list)."""
    return value.tolist() if hasattr(value, "tolist") else value


def _same(a: Any, b: Any) -> bool:
    try:
        if a != a and b != b:  # both NaN
            return True
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b


def _count(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _rate(count: int, total: int) -> str:
    return f"{count:,} of {total:,} rows ({count / total:.1%})"


def _examples(
    frame: Frame,
    perturbed: Frame,
    source: np.ndarray,
    chosen: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    score: np.ndarray,
    score_name: str,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Side-by-side text and report rows for perturbed rows ``chosen``."""
    lines: list[str] = []
    table: list[dict[str, Any]] = []
    for position in chosen:
        row = int(source[position])
        original, changed_row = frame.row(row), perturbed.row(int(position))
        changed = [c for c in original if not _same(original[c], changed_row.get(c))]
        unchanged = [c for c in original if c not in changed]
        cells = [(c, _value(original[c]), _value(changed_row[c])) for c in changed]
        cells.append(("prediction", _value(before[position]), _value(after[position])))
        width = max(len(c) for c, _, _ in cells)
        left = max(len("original"), *(len(a) for _, a, _ in cells))
        lines.append(f"  row {row} ({score_name} {_value(score[position])}):")
        lines.append(f"    {'':<{width}}  {'original':<{left}}  perturbed")
        lines += [f"    {c:<{width}}  {a:<{left}}  {b}" for c, a, b in cells]
        rest = ", ".join(f"{c}={_value(original[c])}" for c in unchanged)
        if rest:
            lines.append("    unchanged: " + (rest if len(rest) <= 100 else rest[:97] + "..."))
        table.append(
            {
                "row": row,
                "original": ", ".join(f"{c}={_value(original[c])}" for c in changed),
                "perturbed": ", ".join(f"{c}={_value(changed_row[c])}" for c in changed),
                "prediction": _plain(before[position]),
                "perturbed_prediction": _plain(after[position]),
                score_name: float(score[position]),
            }
        )
    return lines, table


def _worst_per_row(key: np.ndarray, source: np.ndarray, candidates: np.ndarray, show: int) -> np.ndarray:
    """The worst perturbed copy (largest ``key``) of each original row, for the ``show`` worst rows."""
    chosen: list[int] = []
    rows: set[int] = set()
    for position in candidates[np.argsort(-key[candidates], kind="stable")]:
        if len(chosen) == show:
            break
        if int(source[position]) not in rows:
            rows.add(int(source[position]))
            chosen.append(int(position))
    return np.array(chosen, dtype=np.int64)


def _count_rows(rows: int, source: np.ndarray) -> int:
    """How many distinct original rows ``source`` refers to (np.unique is slower for this)."""
    seen = np.zeros(rows, dtype=bool)
    seen[source] = True
    return int(seen.sum())


def _figures(
    frame: Frame, source: np.ndarray, perturbation: Perturbation, predictor: Predictor, seed: int, **options: Any
) -> dict[str, Any]:
    """The figures every perturbation check reports, with its own ``options`` in the middle."""
    return {
        "rows": len(frame),
        "perturbed_rows": len(source),
        "perturbation": repr(perturbation),
        **options,
        "output": predictor.label,
        "seed": seed,
    }


def _failing_rows(
    figures: dict[str, Any], rows: int, source: np.ndarray, failing: np.ndarray
) -> tuple[int, int, float]:
    """Original rows checked, original rows with a failing perturbed copy, and their share (added to ``figures``)."""
    checked, failed = _count_rows(rows, source), _count_rows(rows, source[failing])
    figures.update({"checked_rows": checked, "failing_rows": failed, "failure_rate": failed / checked})
    return checked, failed, failed / checked


def _nothing_perturbed(check: str, perturbation: Perturbation, rows: int, figures: dict[str, Any]) -> CheckResult:
    return conclude(
        CheckResult(
            "invariance",
            check,
            "inconclusive",
            f"{perturbation!r} changed none of the {rows:,} rows, so there is nothing to compare.\n"
            "Likely causes: the values it replaces do not occur in the data, or the rows already hold them. "
            "Check the perturbation with perturbation.apply(data).",
            figures=figures,
        )
    )


def _run(
    predictor: Predictor, frame: Frame, perturbation: Perturbation, seed: int
) -> tuple[Frame, np.ndarray, np.ndarray, np.ndarray]:
    perturbed, source = perturbation.run(frame, np.random.default_rng(seed))
    if len(source) == 0:
        return perturbed, source, np.empty(0), np.empty(0)
    before = predictor(frame)[source]
    after = predictor(perturbed)
    return perturbed, source, before, after


# -- the checks ------------------------------------------------------------------------------------
def assert_invariant(
    predict: Any,
    data: Any,
    perturbation: Perturbation,
    *,
    tolerance: float | None = None,
    max_failure_rate: float | None = None,
    output: str = "auto",
    batch_size: int | None = None,
    seed: int | None = None,
    show: int = 3,
) -> CheckResult:
    """Predictions must not change by more than ``tolerance`` when ``perturbation`` is applied.

    A row fails when any of its perturbed copies changes its prediction by more than
    ``tolerance`` (absolute difference; for labels that are not numbers, any change). The
    check fails when the share of failing rows exceeds ``max_failure_rate``. Both default to
    the ``invariance_tolerance`` and ``invariance_max_failure_rate`` settings (0 and 0).

    ``predict`` is a callable or a model; with ``output="auto"`` a model's ``predict_proba``
    is used when ``tolerance > 0`` and ``predict`` otherwise. ``seed`` fixes the
    perturbation's random draws (default: drawn from numpy's global state, which the pytest
    plugin seeds). ``show`` is how many of the worst rows the message shows.
    """
    frame = _data(data)
    perturbation = _perturbation(perturbation)
    if tolerance is None:
        tolerance = _settings.get("invariance_tolerance")
    tolerance = _number("tolerance", tolerance, 0, np.inf, "a number >= 0")
    max_rate = _max_rate(max_failure_rate)
    show, seed = _show(show), _settings.resolve_seed(seed)
    predictor = Predictor(predict, output=output, prefer_proba=tolerance > 0, batch_size=batch_size)
    perturbed, source, before, after = _run(predictor, frame, perturbation, seed)
    figures = _figures(frame, source, perturbation, predictor, seed, tolerance=tolerance, max_failure_rate=max_rate)
    if len(source) == 0:
        return _nothing_perturbed("assert_invariant", perturbation, len(frame), figures)

    if before.dtype.kind in "biuf" and after.dtype.kind in "biuf":
        change = np.abs(after.astype(float) - before.astype(float))
    else:
        change = (before != after).astype(float)
    if change.ndim == 2:
        change = change.max(axis=1)
    failing = change > tolerance
    checked_rows, failing_rows, rate = _failing_rows(figures, len(frame), source, failing)
    figures["max_change"] = float(change.max())
    allowed = int(np.floor(max_rate * checked_rows + 1e-9))
    if rate <= max_rate:
        message = (
            f"{_rate(failing_rows, checked_rows)} changed prediction by more than "
            f"tolerance={tolerance:g} under {perturbation!r}; allowed: max_failure_rate={max_rate:g}."
        )
        return conclude(CheckResult("invariance", "assert_invariant", "passed", message, figures=figures))

    shown = _worst_per_row(change, source, np.flatnonzero(failing), show)
    seeded = f"; perturbation seed={seed}" if perturbation.random else ""
    lines, table = _examples(frame, perturbed, source, shown, before, after, change, "change")
    what = "label" if predictor.output == "predict" else "probability"
    columns = perturbation.columns
    message = "\n".join(
        [
            f"{_rate(failing_rows, checked_rows)} changed prediction by more than "
            f"tolerance={tolerance:g} under {perturbation!r}; allowed: max_failure_rate={max_rate:g} "
            f"({allowed:,} rows).",
            f"Predictions from {predictor.label} ({what}); {_count(len(source), 'perturbed row')} in {predictor.calls} "
            f"predict calls; largest change {change.max():.4g}{seeded}.",
            f"Worst {len(shown)} of {failing_rows:,} failing rows, original and perturbed side by side:",
            *lines,
            f"Likely causes: the model depends on {columns if columns else 'the perturbed values'} directly or "
            "through correlated features.",
            "To accept some change, raise tolerance= (on probabilities with output='proba') or max_failure_rate="
            + (f"; to reproduce exactly these rows, pass seed={seed}." if perturbation.random else "."),
        ]
    )
    return conclude(CheckResult("invariance", "assert_invariant", "failed", message, figures=figures, table=table))


def assert_directional(
    predict: Any,
    data: Any,
    perturbation: Perturbation,
    *,
    direction: str,
    tolerance: float = 0.0,
    max_failure_rate: float | None = None,
    output: str = "auto",
    batch_size: int | None = None,
    seed: int | None = None,
    show: int = 3,
) -> CheckResult:
    """Predictions must move in ``direction`` when ``perturbation`` is applied.

    ``direction`` is ``"increase"`` or ``"decrease"`` (the prediction must move, strictly) or
    ``"not_decrease"`` or ``"not_increase"`` (it may also stay). ``tolerance`` forgives moves
    the wrong way (or, for the strict directions, no move) of at most that size. A row fails
    when any of its perturbed copies fails; the check fails when the share of failing rows
    exceeds ``max_failure_rate`` (default: the ``invariance_max_failure_rate`` setting, 0).

    With ``output="auto"`` a model's ``predict_proba`` is used when it has one (the
    probability of ``classes_[1]`` for a binary classifier), else ``predict``. The
    predictions must be one number per row.
    """
    if direction not in DIRECTIONS:
        raise invalid_argument("direction", direction, f"one of {list(DIRECTIONS)}", choices=DIRECTIONS)
    frame = _data(data)
    perturbation = _perturbation(perturbation)
    tolerance = _number("tolerance", tolerance, 0, np.inf, "a number >= 0")
    max_rate = _max_rate(max_failure_rate)
    show, seed = _show(show), _settings.resolve_seed(seed)
    predictor = Predictor(predict, output=output, prefer_proba=True, batch_size=batch_size)
    perturbed, source, before, after = _run(predictor, frame, perturbation, seed)
    figures = _figures(
        frame,
        source,
        perturbation,
        predictor,
        seed,
        direction=direction,
        tolerance=tolerance,
        max_failure_rate=max_rate,
    )
    if len(source) == 0:
        return _nothing_perturbed("assert_directional", perturbation, len(frame), figures)
    if before.ndim != 1 or before.dtype.kind not in "biuf":
        shape = f"shape {before.shape}" if before.ndim != 1 else f"dtype {before.dtype}"
        raise invalid_argument(
            "predict",
            predictor.fn,
            f"one number per row for assert_directional: {predictor.label} returned {shape}; "
            "pass a callable that returns one score per row, e.g. lambda X: model.predict_proba(X)[:, k]",
        )
    sign, strict, wrong = DIRECTIONS[direction]
    moved = sign * (after.astype(float) - before.astype(float))  # > 0: the expected way
    failing = moved < -tolerance if (tolerance > 0 or not strict) else moved <= 0
    checked_rows, failing_rows, rate = _failing_rows(figures, len(frame), source, failing)
    figures["worst_move"] = float(moved.min())
    head = (
        f"{_rate(failing_rows, checked_rows)} {wrong} under {perturbation!r} "
        f"(expected: {direction}, tolerance={tolerance:g}); allowed: max_failure_rate={max_rate:g}"
    )
    if rate <= max_rate:
        return conclude(CheckResult("invariance", "assert_directional", "passed", head + ".", figures=figures))

    against = -moved  # how far each row went the wrong way
    shown = _worst_per_row(against, source, np.flatnonzero(failing), show)
    seeded = f"; perturbation seed={seed}" if perturbation.random else ""
    lines, table = _examples(frame, perturbed, source, shown, before, after, sign * (after - before), "move")
    allowed = int(np.floor(max_rate * checked_rows + 1e-9))
    message = "\n".join(
        [
            f"{head} ({allowed:,} rows).",
            f"Predictions from {predictor.label}; {_count(len(source), 'perturbed row')} in {predictor.calls} "
            f"predict calls; worst move {moved.min():.4g} (positive is the expected direction){seeded}.",
            f"Worst {len(shown)} of {failing_rows:,} failing rows, original and perturbed side by side:",
            *lines,
            "Likely causes: the model is not monotone in "
            f"{perturbation.columns if perturbation.columns else 'the perturbed values'} (trees and interactions "
            "often are not); constrain it (e.g. monotonic_cst in HistGradientBoosting) or accept a share of rows "
            "with max_failure_rate=.",
            *([f"To reproduce exactly these rows, pass seed={seed}."] if perturbation.random else []),
        ]
    )
    return conclude(CheckResult("invariance", "assert_directional", "failed", message, figures=figures, table=table))


def assert_cases(
    predict: Any,
    cases: Any,
    expected: Any,
    *,
    tolerance: float = 0.0,
    max_failure_rate: float | None = None,
    output: str = "auto",
    batch_size: int | None = None,
    show: int = 5,
) -> CheckResult:
    """Minimum functionality: each row of ``cases`` must get its expected prediction.

    ``expected`` is a sequence with one value per case, a single value for every case, or the
    name of a column of ``cases`` (which is then removed before predicting). Numbers match
    within ``tolerance``; other values must be equal. With ``output="auto"`` a model's
    ``predict`` is used. ``max_failure_rate`` defaults to the ``invariance_max_failure_rate``
    setting (0: every case must pass).
    """
    frame = _data(cases, "cases")
    tolerance = _number("tolerance", tolerance, 0, np.inf, "a number >= 0")
    max_rate = _max_rate(max_failure_rate)
    show = _show(show)
    if isinstance(expected, str) and expected in frame.columns:
        wanted = frame.values(expected)
        frame = frame.drop(expected)
    elif isinstance(expected, str) and difflib.get_close_matches(expected, [str(c) for c in frame.columns], n=1):
        # a misspelt column name would otherwise be taken as the expected label of every case
        raise invalid_argument(
            "expected",
            expected,
            f"a column of cases {list(frame.columns)}, one value per case, or a single value",
            choices=frame.columns,
        )
    elif isinstance(expected, str) or (
        not isinstance(expected, (Sequence, np.ndarray)) and not hasattr(expected, "to_numpy")
    ):
        wanted = np.array([expected] * len(frame), dtype=object)
    else:
        wanted = np.asarray(expected.to_numpy() if hasattr(expected, "to_numpy") else list(expected), dtype=object)
        if len(wanted) != len(frame):
            raise invalid_argument(
                "expected", expected, f"one value per case ({len(frame):,}), a single value or a column name"
            )
    predictor = Predictor(predict, output=output, prefer_proba=False, batch_size=batch_size)
    got = predictor(frame)
    if got.ndim != 1:
        raise invalid_argument(
            "predict", predictor.fn, f"one prediction per case: {predictor.label} returned shape {got.shape}"
        )
    ok = np.empty(len(frame), dtype=bool)
    for i, (w, g) in enumerate(zip(wanted, got, strict=True)):
        if isinstance(w, numbers.Real) and isinstance(g, (numbers.Real, np.number)) and not isinstance(w, bool):
            ok[i] = abs(float(g) - float(w)) <= tolerance
        else:
            ok[i] = _same(w, g.item() if hasattr(g, "item") else g)
    failing = np.flatnonzero(~ok)
    rate = len(failing) / len(frame)
    figures = {
        "cases": len(frame),
        "failing_cases": len(failing),
        "failure_rate": rate,
        "max_failure_rate": max_rate,
        "tolerance": tolerance,
        "output": predictor.label,
    }
    head = (
        f"{len(failing):,} of {len(frame):,} cases ({rate:.1%}) got an unexpected prediction; "
        f"allowed: max_failure_rate={max_rate:g}"
    )
    if rate <= max_rate:
        return conclude(CheckResult("invariance", "assert_cases", "passed", head + ".", figures=figures))
    lines, table = [], []
    for i in failing[:show]:
        row = frame.row(int(i))
        described = ", ".join(f"{c}={_value(v)}" for c, v in row.items())
        lines.append(f"  case {i}: expected {_value(wanted[i])}, got {_value(got[i])}: {described}")
        table.append({"case": int(i), "expected": _plain(wanted[i]), "got": _plain(got[i]), "row": described})
    message = "\n".join(
        [
            head + ".",
            f"Predictions from {predictor.label} (tolerance={tolerance:g} for numbers). "
            f"First {len(lines)} failing cases:",
            *lines,
        ]
    )
    return conclude(CheckResult("invariance", "assert_cases", "failed", message, figures=figures, table=table))
