"""What the scikit-learn and PyTorch checks share: the shape of their messages and results.

A training-sanity failure reads like a Hypothesis health check: what was observed (which
parameter, which figure), the likely causes, what to change, and how to silence this one check.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from mltest.errors import invalid_argument, invalid_type
from mltest.report import CheckResult, conclude

__all__ = ["check_number", "fail", "health_message", "seeded", "succeed"]


def health_message(
    headline: str,
    *,
    evidence: Sequence[str] = (),
    causes: Sequence[str] = (),
    fixes: Sequence[str] = (),
    silence: str = "",
) -> str:
    """A failure message in four parts: observed, likely causes, what to change, how to silence."""
    lines = [headline]
    if evidence:
        lines += ["", *(f"    {line}" for line in evidence)]
    if causes:
        lines += ["", "Likely causes:", *(f"  - {cause}" for cause in causes)]
    if fixes:
        lines += ["", "What to change:", *(f"  - {fix}" for fix in fixes)]
    if silence:
        lines += ["", f"To silence this check: {silence}"]
    return "\n".join(lines)


def fail(check: str, message: str, figures: dict[str, Any], table: list[dict[str, Any]] | None = None) -> CheckResult:
    """Record a failed training check and raise :class:`mltest.CheckFailed`."""
    return conclude(CheckResult("training", check, "failed", message, figures=figures, table=table or []))


def succeed(
    check: str, message: str, figures: dict[str, Any], table: list[dict[str, Any]] | None = None
) -> CheckResult:
    """Record a passed training check and return its result."""
    return conclude(CheckResult("training", check, "passed", message, figures=figures, table=table or []))


def check_number(
    name: str, value: Any, *, low: float | None = None, high: float | None = None, integer: bool = False
) -> Any:
    """Validate a numeric keyword argument and return it unchanged."""
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
        raise invalid_type(name, value, kind)
    if value != value or (low is not None and value < low) or (high is not None and value > high):
        bounds = []
        if low is not None:
            bounds.append(f">= {low}")
        if high is not None:
            bounds.append(f"<= {high}")
        raise invalid_argument(name, value, f"{kind} {' and '.join(bounds)}")
    return value


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed random and numpy's global generator, and put their state back afterwards."""
    import numpy as np

    random_state, numpy_state = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    finally:
        random.setstate(random_state)
        np.random.set_state(numpy_state)
