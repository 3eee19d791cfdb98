"""Shared fixtures of the test suite."""

from __future__ import annotations

import sys
from pathlib import Path

# pytester's in-process runs restore sys.modules afterwards, which C extensions do not survive
# being imported twice: import them once here so they stay loaded.
import numpy  # noqa: F401
import pandas
import pytest

ROOT = Path(__file__).resolve().parent.parent
GERMAN_CREDIT = ROOT / "examples" / "data" / "german_credit.csv"


@pytest.fixture(scope="session")
def german_credit() -> pandas.DataFrame:
    """The UCI German credit data (1,000 rows; sex and age are sensitive attributes)."""
    return pandas.read_csv(GERMAN_CREDIT)


def shared_venv(path: Path) -> Path:
    """A virtual environment at ``path`` that sees this repository's .venv packages (see examples/demo.py)."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        from demo import shared_venv as make
    finally:
        sys.path.pop(0)
    return make(path)
