"""One perturbation check's run: the original and perturbed rows, their predictions, and the worst rows.

A check predicts the original rows in one batch and every perturbed row in another (or in
chunks of ``batch_size``), compares them with numpy, and only then renders the few worst rows
side by side for its message and the report's table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mltest._message import compose
from mltest.invariance._frames import Frame
from mltest.invariance._perturbations import Perturbation
from mltest.invariance._predict import Predictor
from mltest.report import CheckResult, conclude

__all__ = [
    "Comparison",
    "count",
    "examples",
    "nothing_perturbed",
    "plain",
    "rate",
    "run",
    "same",
    "shown_value",
    "worst_per_row",
]


@dataclass
class Comparison:
    """The original ``frame``, the ``perturbed`` rows, the original row of each (``source``) and
    the predictions of both (``before`` is aligned with the perturbed rows)."""

    frame: Frame
    perturbed: Frame
    source: np.ndarray
    before: np.ndarray
    after: np.ndarray
    perturbation: Perturbation
    predictor: Predictor
    seed: int

    def figures(self, **options: Any) -> dict[str, Any]:
        """The figures every perturbation check reports, with its own ``options`` in the middle."""
        return {
            "rows": len(self.frame),
            "perturbed_rows": len(self.source),
            "perturbation": repr(self.perturbation),
            **options,
            "output": self.predictor.label,
            "seed": self.seed,
        }

    def failing_rows(self, figures: dict[str, Any], failing: np.ndarray) -> tuple[int, int, float]:
        """Original rows checked, those with a failing perturbed copy, and their share (added to ``figures``)."""
        checked, failed = _count_rows(len(self.frame), self.source), _count_rows(len(self.frame), self.source[failing])
        figures.update({"checked_rows": checked, "failing_rows": failed, "failure_rate": failed / checked})
        return checked, failed, failed / checked

    def context(self, largest: str) -> str:
        """The evidence line that says where the predictions came from."""
        seeded = f"; perturbation seed={self.seed}" if self.perturbation.random else ""
        rows, calls = count(len(self.source), "perturbed row"), self.predictor.calls
        return f"Predictions from {self.predictor.described}; {rows} in {calls} predict calls; {largest}{seeded}."


def run(predictor: Predictor, frame: Frame, perturbation: Perturbation, seed: int) -> Comparison:
    """Perturb ``frame`` with ``seed`` and predict both, in batches."""
    perturbed, source = perturbation.run(frame, np.random.default_rng(seed))
    if len(source) == 0:
        before = after = np.empty(0)
    else:
        before = predictor(frame)[source]
        after = predictor(perturbed)
    return Comparison(
        frame=frame,
        perturbed=perturbed,
        source=source,
        before=before,
        after=after,
        perturbation=perturbation,
        predictor=predictor,
        seed=seed,
    )


def nothing_perturbed(check: str, comparison: Comparison, figures: dict[str, Any]) -> CheckResult:
    rows = len(comparison.frame)
    message = compose(
        f"{comparison.perturbation!r} changed none of the {rows:,} rows, so there is nothing to compare.",
        causes=["the rows already hold what it would write (set), or no text it looks for occurs (text perturbations)"],
        fixes=["look at what the perturbation does with perturbation.apply(data)"],
        waive='set inconclusive = "pass" under [tool.mltest] to let inconclusive checks pass.',
    )
    return conclude(CheckResult("invariance", check, "inconclusive", message, figures=figures))


def _count_rows(rows: int, source: np.ndarray) -> int:
    """How many distinct original rows ``source`` refers to (np.unique is slower for this)."""
    seen = np.zeros(rows, dtype=bool)
    seen[source] = True
    return int(seen.sum())


def worst_per_row(key: np.ndarray, source: np.ndarray, candidates: np.ndarray, show: int) -> np.ndarray:
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


# -- formatting ------------------------------------------------------------------------------------
def shown_value(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:.4g}"
    if isinstance(value, np.ndarray):
        return "[" + ", ".join(shown_value(v) for v in value) + "]"
    return repr(value.item() if hasattr(value, "item") else value)


def plain(value: Any) -> Any:
    """A numpy value as a plain Python value (a vector of probabilities as a list)."""
    return value.tolist() if hasattr(value, "tolist") else value


def same(a: Any, b: Any) -> bool:
    try:
        if a != a and b != b:  # both NaN
            return True
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b


def count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def rate(number: int, total: int) -> str:
    return f"{number:,} of {total:,} rows ({number / total:.1%})"


def examples(
    comparison: Comparison, chosen: np.ndarray, score: np.ndarray, score_name: str
) -> tuple[list[str], list[dict[str, Any]]]:
    """Side-by-side text and report rows for the perturbed rows ``chosen``."""
    c = comparison
    lines: list[str] = []
    table: list[dict[str, Any]] = []
    for position in chosen:
        row = int(c.source[position])
        original, changed_row = c.frame.row(row), c.perturbed.row(int(position))
        changed = [k for k in original if not same(original[k], changed_row.get(k))]
        unchanged = [k for k in original if k not in changed]
        cells = [(k, shown_value(original[k]), shown_value(changed_row[k])) for k in changed]
        cells.append(("prediction", shown_value(c.before[position]), shown_value(c.after[position])))
        width = max(len(k) for k, _, _ in cells)
        left = max(len("original"), *(len(a) for _, a, _ in cells))
        lines.append(f"  row {row} ({score_name} {shown_value(score[position])}):")
        lines.append(f"    {'':<{width}}  {'original':<{left}}  perturbed")
        lines += [f"    {k:<{width}}  {a:<{left}}  {b}" for k, a, b in cells]
        rest = ", ".join(f"{k}={shown_value(original[k])}" for k in unchanged)
        if rest:
            lines.append("    unchanged: " + (rest if len(rest) <= 100 else rest[:97] + "..."))
        table.append(
            {
                "row": row,
                "original": ", ".join(f"{k}={shown_value(original[k])}" for k in changed),
                "perturbed": ", ".join(f"{k}={shown_value(changed_row[k])}" for k in changed),
                "prediction": plain(c.before[position]),
                "perturbed_prediction": plain(c.after[position]),
                score_name: float(score[position]),
            }
        )
    return lines, table
