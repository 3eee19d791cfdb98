"""assert_directional (CheckList's DIR): predictions must move the expected way under a perturbation.

The prediction compared is one number per row: a regression's value, the probability of
``classes_[1]`` for a binary classifier, or of the class named by ``label=`` (needed for a
multiclass classifier).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest import _settings, _validation
from mltest._message import compose, reproduce_with_seed
from mltest.errors import invalid_argument
from mltest.invariance import _arguments
from mltest.invariance._comparison import Comparison, examples, nothing_perturbed, rate, run, worst_per_row
from mltest.invariance._perturbations import Perturbation
from mltest.invariance._predict import Predictor
from mltest.report import CheckResult, conclude

__all__ = ["DIRECTIONS", "assert_directional"]

# direction -> (sign of the expected move, strict?, what a failing row did)
DIRECTIONS = {
    "increase": (1, True, "did not increase"),
    "decrease": (-1, True, "did not decrease"),
    "not_decrease": (1, False, "decreased"),
    "not_increase": (-1, False, "increased"),
}


def _one_number_per_row(comparison: Comparison) -> None:
    predictor, before = comparison.predictor, comparison.before
    if before.ndim == 1 and before.dtype.kind in "biuf":
        return
    shape = f"shape {before.shape}" if before.ndim != 1 else f"dtype {before.dtype}"
    classes = getattr(predictor.source, "classes_", None)
    if classes is not None and before.ndim == 2:
        known = [c.item() if hasattr(c, "item") else c for c in classes]
        remedy = f"pass label= the class whose probability must move, one of {known}"
    else:
        remedy = "pass a callable that returns one score per row, e.g. lambda X: model.predict_proba(X)[:, k]"
    raise invalid_argument(
        "predict",
        predictor.fn,
        f"one number per row for assert_directional: {predictor.label} returned {shape}; {remedy}",
    )


def assert_directional(
    predict: Any,
    data: Any,
    perturbation: Perturbation,
    *,
    direction: str,
    tolerance: float = 0.0,
    rtol: float = 0.0,
    label: Any = None,
    max_failure_rate: float | None = None,
    output: str = "auto",
    batch_size: int | None = None,
    seed: int | None = None,
    show: int = 3,
) -> CheckResult:
    """Predictions must move in ``direction`` when ``perturbation`` is applied.

    ``direction`` is ``"increase"`` or ``"decrease"`` (the prediction must move, strictly) or
    ``"not_decrease"`` or ``"not_increase"`` (it may also stay). ``tolerance + rtol *
    |original prediction|`` forgives moves the wrong way (or, for the strict directions, no
    move) of at most that size. A row fails when any of its perturbed copies fails; the check
    fails when the share of failing rows exceeds ``max_failure_rate`` (default: the
    ``invariance_max_failure_rate`` setting, 0).

    With ``output="auto"`` a model's ``predict_proba`` is used when it has one (the
    probability of ``classes_[1]`` for a binary classifier, of ``label`` when given), else
    ``predict``. The predictions must be one number per row.
    """
    direction = _validation.choice("direction", direction, DIRECTIONS)
    frame = _arguments.data(data)
    perturbation = _arguments.perturbation(perturbation)
    allowed_move = _arguments.tolerance(tolerance, rtol)
    max_rate = _arguments.max_rate(max_failure_rate)
    show, seed = _arguments.show(show), _settings.resolve_seed(seed)
    predictor = Predictor(predict, output=output, prefer_proba=True, batch_size=batch_size, label=label)
    comparison = run(predictor, frame, perturbation, seed)
    figures = comparison.figures(direction=direction, tolerance=allowed_move.absolute, rtol=allowed_move.relative)
    figures["max_failure_rate"] = max_rate
    if len(comparison.source) == 0:
        return nothing_perturbed("assert_directional", comparison, figures)
    _one_number_per_row(comparison)
    sign, strict, wrong = DIRECTIONS[direction]
    before, after = comparison.before.astype(float), comparison.after.astype(float)
    moved = sign * (after - before)  # > 0: the expected way
    forgiven = allowed_move.allowed(before)
    failing = moved < -forgiven if (allowed_move or not strict) else moved <= 0
    checked_rows, failing_rows, share = comparison.failing_rows(figures, failing)
    figures["worst_move"] = float(moved.min())
    head = (
        f"{rate(failing_rows, checked_rows)} {wrong} under {perturbation!r} "
        f"(expected: {direction}, {allowed_move}); allowed: max_failure_rate={max_rate:g}"
    )
    if share <= max_rate:
        return conclude(CheckResult("invariance", "assert_directional", "passed", head + ".", figures=figures))
    shown = worst_per_row(-moved, comparison.source, np.flatnonzero(failing), show)
    lines, table = examples(comparison, shown, moved, "move")
    allowed = int(np.floor(max_rate * checked_rows + 1e-9))
    columns = repr(perturbation.columns) if perturbation.columns else "the perturbed values"
    message = compose(
        f"{head} ({allowed:,} rows).",
        evidence=[
            comparison.context(f"worst move {moved.min():.4g} (positive is the expected direction)"),
            f"Worst {len(shown)} of {failing_rows:,} failing rows, original and perturbed side by side:",
            *lines,
        ],
        causes=[f"the model is not monotone in {columns} (trees and interactions often are not)"],
        fixes=[
            "constrain it: monotonic_cst in scikit-learn's HistGradientBoosting and trees, monotone_constraints "
            "in LightGBM and XGBoost",
        ],
        reproduce=reproduce_with_seed(seed) if perturbation.random else "",
        waive=f"pass max_failure_rate={share:.3g} to accept the {share:.1%} of rows that move the wrong way, "
        "or tolerance= the wrong-way move you accept.",
    )
    return conclude(CheckResult("invariance", "assert_directional", "failed", message, figures=figures, table=table))
