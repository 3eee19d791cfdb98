"""assert_no_skew: a serving path that computes one feature differently is caught and shown side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

import mltest

pytestmark = pytest.mark.monitoring


@pytest.fixture
def rows(german_credit: pd.DataFrame) -> pd.DataFrame:
    return german_credit.drop(columns="risk").head(200)


def training_features(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {"monthly": rows["credit_amount"] / rows["duration"], "older": rows["age"] >= 40, "sex": rows["sex"]}
    )


def serving_features(rows: pd.DataFrame) -> list[dict]:
    """The API's copy, as a list of JSON records: it rounds the instalment to cents and uses > 40."""
    return [
        {"monthly": round(r["credit_amount"] / r["duration"], 2), "older": r["age"] > 40, "sex": r["sex"]}
        for r in rows.to_dict("records")
    ]


def test_the_same_features_by_two_routes_pass(rows: pd.DataFrame) -> None:
    def polars_features(frame: pd.DataFrame) -> pl.DataFrame:
        return pl.from_pandas(training_features(frame))

    result = mltest.assert_no_skew(training_features, polars_features, rows)
    assert result.message == (
        "assert_no_skew passed: training_features and polars_features agree on all 200 rows and 3 columns "
        "(tolerance 1e-09)"
    )


def test_a_serving_path_that_differs_is_shown_side_by_side(rows: pd.DataFrame) -> None:
    with pytest.raises(mltest.CheckFailed) as info:
        mltest.assert_no_skew(training_features, serving_features, rows)
    message = str(info.value)
    first = message.splitlines()[0]
    assert first.startswith("assert_no_skew failed: ")
    assert "rows differ in 2 of 3 columns ('monthly', 'older') beyond tolerance 1e-09" in first
    assert "      row  column             training_features    serving_features\n" in message
    assert "       74  older                           True               False\n" in message  # aged exactly 40
    result = info.value.result
    assert {"row", "column", "training_features", "serving_features"} == set(result.table[0])
    # rounding to cents is within a tolerance of a cent; the threshold of 40 is not
    with pytest.raises(mltest.CheckFailed, match=r"differ in 1 of 3 columns \('older'\)"):
        mltest.assert_no_skew(training_features, serving_features, rows, tolerance=0.01)


def test_different_shapes_are_named(rows: pd.DataFrame) -> None:
    with pytest.raises(mltest.CheckFailed, match=r"^assert_no_skew failed: a returned 200 rows but b returned 199\n"):
        mltest.assert_no_skew(lambda r: r[["age"]], lambda r: r[["age"]].iloc[1:], rows)
    with pytest.raises(mltest.CheckFailed, match=r"different columns: only a has \['age'\]; only b has \['Age'\]\n"):
        mltest.assert_no_skew(lambda r: r[["age"]], lambda r: r[["age"]].rename(columns={"age": "Age"}), rows)


def test_arrays_and_missing_values_compare_as_numbers() -> None:
    rows = np.array([1.0, np.nan, 3.0])
    assert mltest.assert_no_skew(lambda r: r * 2, lambda r: r + r, rows).outcome == "passed"


def test_bad_arguments_are_named(rows: pd.DataFrame) -> None:
    with pytest.raises(mltest.InvalidArgumentType, match=r"^b='serving' has type str: expected a callable"):
        mltest.assert_no_skew(training_features, "serving", rows)
    with pytest.raises(mltest.InvalidArgument, match=r"^tolerance=-1 is not valid: expected a number >= 0$"):
        mltest.assert_no_skew(training_features, training_features, rows, tolerance=-1)
