"""Shared fixtures of the test suite."""

from __future__ import annotations

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
