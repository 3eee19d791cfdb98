"""assert_invariant (CheckList's INV): predictions must not change under a perturbation.

What "change" means follows what the model returns: a label either stays or changes; a value
(a regression) or a probability may move by ``tolerance + rtol * |original prediction|``; the
probabilities of a multiclass classifier are compared as whole vectors (the largest change of
any class's probability).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest import _settings
from mltest._message import compose, reproduce_with_seed
from mltest.invariance import _arguments
from mltest.invariance._comparison import Comparison, examples, nothing_perturbed, rate, run, worst_per_row
from mltest.invariance._perturbations import Perturbation
from mltest.invariance._predict import Predictor
from mltest.report import CheckResult, conclude

__all__ = ["assert_invariant"]


def _change(comparison: Comparison, tolerance: _arguments.Tolerance) -> tuple[np.ndarray, np.ndarray]:
    """How much each perturbed row's prediction changed, and whether that is more than allowed."""
    before, after = comparison.before, comparison.after
    if before.dtype.kind in "biuf" and after.dtype.kind in "biuf":
        change = np.abs(after.astype(float) - before.astype(float))
        excess = change - tolerance.allowed(before)
    else:  # labels that are not numbers: changed or not
        change = (before != after).astype(float)
        excess = change - tolerance.absolute
    if change.ndim == 2:  # a vector of probabilities: its largest change
        change, excess = change.max(axis=1), excess.max(axis=1)
    return change, excess > 0


def assert_invariant(
    predict: Any,
    data: Any,
    perturbation: Perturbation,
    *,
    tolerance: float | None = None,
    rtol: float = 0.0,
    max_failure_rate: float | None = None,
    output: str = "auto",
    batch_size: int | None = None,
    seed: int | None = None,
    show: int = 3,
) -> CheckResult:
    """Predictions must not change by more than the tolerances when ``perturbation`` is applied.

    A row fails when any of its perturbed copies changes its prediction by more than
    ``tolerance + rtol * |original prediction|`` (for labels that are not numbers, any change;
    for a vector of probabilities, the largest change of any class). The check fails when the
    share of failing rows exceeds ``max_failure_rate``. ``tolerance`` and ``max_failure_rate``
    default to the ``invariance_tolerance`` and ``invariance_max_failure_rate`` settings (0 and 0);
    ``rtol`` (relative, for regressions whose predictions span orders of magnitude) to 0.

    ``predict`` is a callable or a model; with ``output="auto"`` a model's ``predict_proba``
    is used when ``tolerance > 0`` and ``predict`` otherwise. ``seed`` fixes the
    perturbation's random draws (default: the ``seed`` setting, which the pytest plugin sets
    from ``--mltest-seed``). ``show`` is how many of the worst rows the message shows.
    """
    frame = _arguments.data(data)
    perturbation = _arguments.perturbation(perturbation)
    allowed_change = _arguments.tolerance(tolerance, rtol, setting=True)
    max_rate = _arguments.max_rate(max_failure_rate)
    show, seed = _arguments.show(show), _settings.resolve_seed(seed)
    predictor = Predictor(predict, output=output, prefer_proba=bool(allowed_change), batch_size=batch_size)
    comparison = run(predictor, frame, perturbation, seed)
    figures = comparison.figures(tolerance=allowed_change.absolute, rtol=allowed_change.relative)
    figures["max_failure_rate"] = max_rate
    if len(comparison.source) == 0:
        return nothing_perturbed("assert_invariant", comparison, figures)
    change, failing = _change(comparison, allowed_change)
    checked_rows, failing_rows, share = comparison.failing_rows(figures, failing)
    figures["max_change"] = float(change.max())
    allowed = int(np.floor(max_rate * checked_rows + 1e-9))
    verdict = (
        f"{rate(failing_rows, checked_rows)} changed prediction by more than {allowed_change} under "
        f"{perturbation!r}; allowed: max_failure_rate={max_rate:g}"
    )
    if share <= max_rate:
        return conclude(CheckResult("invariance", "assert_invariant", "passed", verdict + ".", figures=figures))
    shown = worst_per_row(change, comparison.source, np.flatnonzero(failing), show)
    lines, table = examples(comparison, shown, change, "change")
    evidence = [
        comparison.context(f"largest change {change.max():.4g}"),
        f"Worst {len(shown)} of {failing_rows:,} failing rows, original and perturbed side by side:",
        *lines,
    ]
    message = compose(
        f"{verdict} ({allowed:,} rows).",
        evidence=evidence,
        causes=[f"the model depends on {_columns(perturbation)} directly or through correlated features"],
        fixes=_fixes(predictor, perturbation),
        reproduce=reproduce_with_seed(seed) if perturbation.random else "",
        waive=f"pass max_failure_rate={share:.3g} to accept the {share:.1%} of rows that change, "
        "or a larger tolerance=.",
    )
    return conclude(CheckResult("invariance", "assert_invariant", "failed", message, figures=figures, table=table))


def _columns(perturbation: Perturbation) -> str:
    return repr(perturbation.columns) if perturbation.columns else "the perturbed values"


def _fixes(predictor: Predictor, perturbation: Perturbation) -> list[str]:
    columns = _columns(perturbation)
    fixes = [f"if the model must not use {columns}: train without it and without the features that stand in for it"]
    if predictor.kind == "label":
        fixes.append("if some change is expected: compare probabilities instead of labels (tolerance=0.05)")
    elif predictor.kind == "value":
        fixes.append("if small changes are expected: allow them with tolerance= (absolute) or rtol= (relative)")
    else:
        fixes.append("if small changes are expected: allow them with tolerance= (a change of probability)")
    return fixes
