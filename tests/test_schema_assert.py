"""assert_schema on the German credit data: pandas and polars, schema objects, models and files."""

from __future__ import annotations

from pathlib import Path

import pandas
import polars
import pytest

import mltest
from mltest.report import recording
from mltest.schema import dump_schema, infer_schema
from mltest.schema._backend import pandera_api

pa = pandera_api("pandas")  # pandera.pandas, imported without pyspark's warning about pandas 3

SCHEMA = pa.DataFrameSchema(
    {
        "risk": pa.Column("int64", pa.Check.isin([0, 1])),
        "sex": pa.Column("str", pa.Check.isin(["female", "male"])),
        "credit_amount": pa.Column("int64", pa.Check.gt(0)),
        "age": pa.Column("int64", pa.Check.in_range(18, 100)),
    }
)


def corrupt(frame: pandas.DataFrame) -> pandas.DataFrame:
    """Four kinds of corruption at once: out of range, new category, missing values, missing column."""
    bad = frame.copy()
    bad.loc[[3, 5, 9], "age"] = [200, 300, -1]
    bad.loc[[1, 2], "sex"] = "unknown"
    bad["credit_amount"] = bad["credit_amount"].astype("float64")
    bad.loc[7, "credit_amount"] = None
    return bad.drop(columns=["risk"])


def test_good_data_passes_and_is_recorded(german_credit: pandas.DataFrame) -> None:
    with recording() as recorded:
        result = mltest.assert_schema(german_credit, SCHEMA)
    assert result.passed
    assert result.message == "1000 rows x 10 columns match the schema"
    assert result.figures == {"rows": 1000, "columns": 10}
    assert recorded.results == [result]


def test_every_failure_is_listed_in_one_message(german_credit: pandas.DataFrame) -> None:
    with pytest.raises(mltest.CheckFailed) as caught:
        mltest.assert_schema(corrupt(german_credit), SCHEMA)
    assert str(caught.value) == (
        "5 schema checks failed in 4 columns (6 of 1000 rows fail)\n\n"
        "    column 'risk': column_in_dataframe: column is missing\n"
        "    column 'sex': isin(['female', 'male']) fails for 2 rows: 'unknown'\n"
        "    column 'credit_amount': not_nullable fails for 1 row: null\n"
        "    column 'credit_amount': dtype: expected int64, got float64\n"
        "    column 'age': in_range(18, 100) fails for 3 rows: 200, 300, -1\n"
        "\n"
        "Likely causes:\n"
        "  - the data changed: a new source or extract, a bug upstream, a unit or encoding change\n"
        "  - the schema was inferred from data that did not show every valid value\n"
        "What to change:\n"
        "  - if the values are wrong, fix the data where it is made\n"
        "  - if the data is right and the schema too strict, loosen the check in the schema "
        "(e.g. widen in_range, add isin values, set nullable: true) or infer it again "
        "with `mltest schema infer DATA -o SCHEMA`\n"
        "To waive this check: delete the check from the schema file (one line under its column)."
    )
    result = caught.value.result
    assert result.outcome == "failed"
    assert result.figures == {
        "rows": 1000,
        "columns": 9,
        "failed_checks": 5,
        "failing_columns": 4,
        "failing_rows": 6,
    }
    assert result.table[4] == {
        "column": "age",
        "check": "in_range(18, 100)",
        "failing rows": 3,
        "failure cases": "200, 300, -1",
    }


def test_a_few_distinct_failure_cases_are_shown(german_credit: pandas.DataFrame) -> None:
    schema = pa.DataFrameSchema({"age": pa.Column("int64", pa.Check.lt(30))})
    with pytest.raises(mltest.CheckFailed, match=r"^1 schema check failed in 1 column \(629 of 1000 rows fail\)\n\n"):
        mltest.assert_schema(german_credit, schema)
    try:
        mltest.assert_schema(german_credit, schema)
    except mltest.CheckFailed as error:
        line = str(error).splitlines()[2]
    assert line == "    column 'age': less_than(30) fails for 629 rows: 67, 49, 45, 53, 35, ..."


def test_nulls_in_a_column_that_had_none(german_credit: pandas.DataFrame) -> None:
    bad = german_credit.copy()
    bad.loc[[4, 8], "sex"] = None
    with pytest.raises(mltest.CheckFailed) as caught:
        mltest.assert_schema(bad, SCHEMA)
    assert "    column 'sex': not_nullable fails for 2 rows: null\n" in str(caught.value)


def test_polars_data_against_a_polars_schema(german_credit: pandas.DataFrame) -> None:
    good = polars.from_pandas(german_credit)
    schema = infer_schema(good)
    assert type(schema).__module__.startswith("pandera.api.polars")
    assert mltest.assert_schema(good, schema).passed
    bad = polars.from_pandas(corrupt(german_credit))
    with pytest.raises(mltest.CheckFailed) as caught:
        mltest.assert_schema(bad, schema)
    # polars failure cases carry no row index, so the headline counts rows checked
    assert str(caught.value).splitlines()[:7] == [
        "5 schema checks failed in 4 columns (1000 rows checked)",
        "",
        "    column 'risk': column_in_dataframe: column is missing",
        "    column 'sex': isin(['female', 'male']) fails for 2 rows: 'unknown'",
        "    column 'credit_amount': not_nullable fails for 1 row: null",
        "    column 'credit_amount': dtype: expected Int64, got Float64",
        "    column 'age': in_range(14, 80) fails for 3 rows: 200, 300, -1",
    ]


def test_polars_data_against_a_pandas_schema_file_is_converted(german_credit: pandas.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    dump_schema(infer_schema(german_credit), path)
    assert mltest.assert_schema(polars.from_pandas(german_credit), path).passed
    with pytest.raises(mltest.CheckFailed, match="column 'age': in_range\\(14, 80\\) fails for 3 rows"):
        mltest.assert_schema(polars.from_pandas(corrupt(german_credit)), path)


def test_pandas_data_against_a_polars_schema_file_is_converted(german_credit: pandas.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    dump_schema(infer_schema(polars.from_pandas(german_credit)), path)
    assert "api: polars" in path.read_text()
    assert mltest.assert_schema(german_credit, path).passed
    with pytest.raises(mltest.CheckFailed, match="column 'sex': isin"):
        mltest.assert_schema(corrupt(german_credit), path)


def test_schema_file_path_is_named_in_message_and_figures(german_credit: pandas.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "credit.schema.json"
    dump_schema(infer_schema(german_credit), path)
    result = mltest.assert_schema(german_credit, str(path))
    assert result.figures["schema"] == str(path)
    assert result.message == f"1000 rows x 10 columns match the schema {path}"
    with pytest.raises(
        mltest.CheckFailed, match=f"^5 schema checks failed in 4 columns \\(6 of 1000 rows fail\\); schema {path}\n"
    ):
        mltest.assert_schema(corrupt(german_credit), path)


class Credit(pa.DataFrameModel):
    age: int = pa.Field(ge=18)
    sex: str = pa.Field(isin=["female", "male"])


def test_a_dataframe_model_class_is_accepted(german_credit: pandas.DataFrame) -> None:
    assert mltest.assert_schema(german_credit, Credit).passed
    with pytest.raises(mltest.CheckFailed, match="column 'age': greater_than_or_equal_to\\(18\\) fails for 1 row: -1"):
        mltest.assert_schema(corrupt(german_credit).assign(risk=0), Credit)


def test_a_frame_wide_check_is_reported(german_credit: pandas.DataFrame) -> None:
    schema = pa.DataFrameSchema(checks=pa.Check(lambda df: df["duration"] < 48, error="duration < 48"))
    with pytest.raises(mltest.CheckFailed) as caught:
        mltest.assert_schema(german_credit, schema)
    assert str(caught.value).splitlines()[2].startswith("    frame: duration < 48 fails for ")


@pytest.mark.parametrize(
    ("data", "schema", "error", "message"),
    [
        (
            [1, 2],
            SCHEMA,
            mltest.InvalidArgumentType,
            "data=[1, 2] has type list: expected a pandas.DataFrame or a polars.DataFrame",
        ),
        (
            pandas.DataFrame({"age": []}),
            SCHEMA,
            mltest.InvalidArgument,
            "data=<pandas.DataFrame: 0 rows x 1 columns> is not valid: expected a DataFrame with at least one row",
        ),
        (
            polars.DataFrame({"age": [1]}).lazy(),
            SCHEMA,
            mltest.InvalidArgumentType,
            "data=<polars.LazyFrame> has type LazyFrame: expected a pandas.DataFrame or a "
            "polars.DataFrame (call .collect() on a LazyFrame first)",
        ),
        (
            pandas.Series([1, 2], name="age"),
            SCHEMA,
            mltest.InvalidArgumentType,
            "data=<pandas.Series> has type Series: expected a pandas.DataFrame or a polars.DataFrame "
            "(use series.to_frame() for a single column)",
        ),
        (
            pandas.DataFrame({"age": [30]}),
            {"age": "int64"},
            mltest.InvalidArgumentType,
            "schema={'age': 'int64'} has type dict: expected a pandera DataFrameSchema or DataFrameModel "
            "(pandas or polars), or a schema file path",
        ),
    ],
)
def test_bad_arguments_get_one_line_errors(data: object, schema: object, error: type, message: str) -> None:
    with pytest.raises(error) as caught:
        mltest.assert_schema(data, schema)
    assert str(caught.value) == message


def test_strict_schemas_and_uniqueness() -> None:
    frame = pandas.DataFrame({"id": [1, 1, 2], "extra": [1, 2, 3], "code": ["x", "y", "z"]})
    schema = pa.DataFrameSchema(
        {"id": pa.Column("int64", unique=True), "code": pa.Column("str", pa.Check.str_matches("^[xy]$"))},
        strict=True,
    )
    with pytest.raises(mltest.CheckFailed) as caught:
        mltest.assert_schema(frame, schema)
    assert str(caught.value).splitlines()[:5] == [
        "3 schema checks failed in 3 columns (3 of 3 rows fail)",
        "",
        "    column 'extra': column_in_schema: column is not in the schema (strict)",
        "    column 'id': field_uniqueness fails for 2 rows: 1",
        "    column 'code': str_matches('^[xy]$') fails for 1 row: 'z'",
    ]
