"""Shared fixtures of the test suite."""

from __future__ import annotations

import re
import sys
from pathlib import Path

# pytester's in-process runs restore sys.modules afterwards, which C extensions do not survive
# being imported twice, nor do pandera's registries (a check's data-generation strategy is
# registered on the Check class of its first import): import them once here so they stay loaded.
import numpy  # noqa: F401
import pandas
import pytest
from _xdist_groups import group_for_xdist
from hypothesis import HealthCheck, settings

from mltest.schema._backend import pandera_api


def _load_pandera() -> None:
    """Import pandera's lazily loaded backends and data-generation strategies once, for good."""
    pa = pandera_api("pandas")
    pa.DataFrameSchema({"x": pa.Column(int, pa.Check.in_range(0, 1))}).validate(pandas.DataFrame({"x": [0]}))
    import pandera.strategies.pandas_strategies  # noqa: F401


_load_pandera()


def _load_mltest() -> None:
    """Import every module of mltest but the torch ones once, for good.

    pytester's in-process runs drop the modules first imported inside them, while the mltest
    package keeps the lazy attributes it resolved there: the next import then makes a second
    Profile class, and a profile from ``mltest.profile`` is no longer a Profile. Loaded here,
    nothing of mltest is first imported inside a run.
    """
    import importlib

    package = Path(importlib.import_module("mltest").__file__).parent
    for path in sorted(package.rglob("*.py")):
        name = ".".join(("mltest", *path.relative_to(package).with_suffix("").parts)).removesuffix(".__init__")
        if ".torch" not in name:  # torch is a second's import that only the torch tests need
            importlib.import_module(name)


_load_mltest()

# Robust under load: no Hypothesis verdict may depend on how busy the machine is (deadlines and
# the too-slow health check measure wall-clock time). Tests that set their own settings inherit this.
settings.register_profile("mltest-suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("mltest-suite")

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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Test ids must be the same in every process: pytest-xdist refuses a run whose workers collect
    different ids, and an id holding an object's address (``<object object at 0x7f...>``) differs.
    Then the `xdist_group` marks reach the scheduler (see _xdist_groups.py)."""
    unstable = [item.nodeid for item in items if re.search(r" at 0x[0-9a-f]+", item.nodeid)]
    if unstable:
        raise pytest.UsageError(f"test ids hold memory addresses, give them ids=: {unstable[:3]}")
    group_for_xdist(config, items)


@pytest.fixture(scope="session")
def spark():
    """A local Spark session on one core, started once per test process (skipped without pyspark)."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("mltest-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
