"""What the scikit-learn and PyTorch checks share: how a result is recorded, and seeding.

Failure messages follow the one grammar of :func:`mltest._message.compose` (the verdict with
its figure and threshold, the smallest evidence, likely causes, what to change, how to
reproduce and how to waive the check).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mltest._message import reproduce_with_seed
from mltest.report import CheckResult, conclude

__all__ = ["fail", "reproduce", "seeded", "succeed"]


def fail(check: str, message: str, figures: dict[str, Any], table: list[dict[str, Any]] | None = None) -> CheckResult:
    """Record a failed training check and raise :class:`mltest.CheckFailed`."""
    return conclude(CheckResult("training", check, "failed", message, figures=figures, table=table or []))


def succeed(
    check: str, message: str, figures: dict[str, Any], table: list[dict[str, Any]] | None = None
) -> CheckResult:
    """Record a passed training check and return its result."""
    return conclude(CheckResult("training", check, "passed", message, figures=figures, table=table or []))


def reproduce(seed: int) -> str:
    """The reproduce line of a check that seeds its split, sample or training run."""
    return reproduce_with_seed(seed)


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
