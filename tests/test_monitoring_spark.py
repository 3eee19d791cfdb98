"""Spark frames: the profile from aggregates equals the local one, and drift reads the same (local[1])."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mltest

# pyspark 4.3 warns that it does not fully support pandas 3 (createDataFrame works here).
pytestmark = [pytest.mark.spark, pytest.mark.monitoring, pytest.mark.filterwarnings("ignore::FutureWarning")]


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(0)

    def frame(n: int, shift: float) -> pd.DataFrame:
        x = rng.normal(shift, 1.0, n)
        x[rng.random(n) < 0.02] = np.nan
        return pd.DataFrame(
            {
                "x": x,
                "age": rng.integers(18, 80, n),
                "city": rng.choice(["paris", "lyon", "nice"], n),
                "member": rng.random(n) < 0.3,
            }
        )

    return frame(5_000, 0.0), frame(5_000, 0.2)


def test_a_profile_like_a_reference_equals_the_local_one(spark, frames) -> None:
    reference, current = frames
    template = mltest.profile(reference)
    local = mltest.profile(current, like=template)
    remote = mltest.profile(spark.createDataFrame(current), like=template)
    assert remote.rows == local.rows
    for name, column in local.columns.items():
        theirs = remote.columns[name]
        assert (theirs.count, theirs.nulls) == (column.count, column.nulls), name
        assert theirs.counts.tolist() == column.counts.tolist(), name
        if column.kind == "numeric":
            assert theirs.sums == pytest.approx(column.sums)
            assert (theirs.mean, theirs.m2, theirs.min, theirs.max) == pytest.approx(
                (column.mean, column.m2, column.min, column.max)
            )
        else:
            assert theirs.values == column.values and theirs.other == column.other


def test_drift_on_spark_frames_reads_as_on_pandas(spark, frames) -> None:
    reference, current = frames

    def verdicts(ref: object, cur: object) -> dict[str, str]:
        try:
            result = mltest.assert_no_drift(ref, cur)
        except mltest.CheckFailed as failure:
            result = failure.result
        return {row["column"]: row["verdict"] for row in result.table}

    local = verdicts(reference, current)
    assert local["x"] == "drift"
    assert verdicts(spark.createDataFrame(reference), spark.createDataFrame(current)) == local


def test_bad_spark_input_is_named(spark) -> None:
    frame = spark.createDataFrame(pd.DataFrame({"x": [1.0, 2.0], "when": pd.to_datetime(["2026-01-01"] * 2)}))
    with pytest.raises(mltest.InvalidArgument, match=r"^columns='when' is not valid: expected numeric, text"):
        mltest.profile(frame, columns=["x", "when"])
    empty = spark.createDataFrame(pd.DataFrame({"x": [1.0]})).limit(0)
    with pytest.raises(mltest.InvalidArgument, match=r"^data column 'x' has only missing values|^data has no rows"):
        mltest.profile(empty)


def test_a_spark_reference_of_a_constant_column_has_bins_around_its_value(spark) -> None:
    reference = pd.DataFrame({"flag": [0.0] * 200, "x": np.arange(200.0)})
    remote = mltest.profile(spark.createDataFrame(reference))
    assert remote.columns["flag"].edges.tolist() == mltest.profile(reference).columns["flag"].edges.tolist()
    current = pd.DataFrame({"flag": [0.0] * 150 + [1.0] * 50, "x": np.arange(200.0)})
    with pytest.raises(mltest.CheckFailed, match=r"^assert_no_drift failed: 1 of 2 columns drifted"):
        mltest.assert_no_drift(remote, spark.createDataFrame(current), method={"flag": "jensenshannon"})
