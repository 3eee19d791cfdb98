"""infer_schema and `mltest schema infer`: the inferred schema passes its data and rejects corruption of it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas
import polars
import pytest
from conftest import GERMAN_CREDIT, ROOT

import mltest
from mltest.cli import main
from mltest.schema import infer_schema, load_schema


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The schema `mltest schema infer` writes for the German credit data."""
    path = tmp_path_factory.mktemp("infer") / "german_credit.schema.yaml"
    assert main(["schema", "infer", str(GERMAN_CREDIT), "-o", str(path)]) == 0
    return path


def test_inferred_schema_validates_its_own_data(german_credit: pandas.DataFrame, schema_file: Path) -> None:
    assert mltest.assert_schema(german_credit, schema_file).passed


def set_values(column: str, rows: list[int], value: object) -> Callable[[pandas.DataFrame], pandas.DataFrame]:
    def change(frame: pandas.DataFrame) -> pandas.DataFrame:
        frame = frame.copy()
        if value is None and frame[column].dtype == "int64":
            frame[column] = frame[column].astype("float64")
        frame.loc[rows, column] = value
        return frame

    return change


CORRUPTIONS = {
    "a new category": (
        set_values("housing", [10, 20], "castle"),
        "    column 'housing': isin(['free', 'own', 'rent']) fails for 2 rows: 'castle'",
    ),
    "a value far outside the seen range": (
        set_values("age", [0], 250),
        "    column 'age': in_range(14, 80) fails for 1 row: 250",
    ),
    "a negative amount": (
        set_values("credit_amount", [1], -500),
        "    column 'credit_amount': in_range(0, 20241) fails for 1 row: -500",
    ),
    "nulls in a text column that had none": (
        set_values("purpose", [3, 4, 5], None),
        "    column 'purpose': not_nullable fails for 3 rows: null",
    ),
    "a changed dtype": (
        lambda frame: frame.assign(duration=frame["duration"].astype("float64")),
        "    column 'duration': dtype: expected int64, got float64",
    ),
    "a missing column": (
        lambda frame: frame.drop(columns=["sex"]),
        "    column 'sex': column_in_dataframe: column is missing",
    ),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_inferred_schema_rejects_corruption(
    german_credit: pandas.DataFrame, schema_file: Path, corruption: str
) -> None:
    change, line = CORRUPTIONS[corruption]
    with pytest.raises(mltest.CheckFailed) as caught:
        mltest.assert_schema(change(german_credit), schema_file)
    assert line in str(caught.value).splitlines()


def test_nulls_in_an_integer_column_fail_on_dtype_and_nullability(
    german_credit: pandas.DataFrame, schema_file: Path
) -> None:
    with pytest.raises(mltest.CheckFailed) as caught:
        mltest.assert_schema(set_values("age", [7], None)(german_credit), schema_file)
    assert str(caught.value).splitlines()[2:4] == [
        "    column 'age': not_nullable fails for 1 row: null",
        "    column 'age': dtype: expected int64, got float64",
    ]


def test_yaml_is_pandera_format_with_a_header(schema_file: Path) -> None:
    text = schema_file.read_text()
    assert text.startswith(
        f"# A pandera schema inferred from {GERMAN_CREDIT} (1000 rows), written by `mltest schema infer`.\n"
        '# Check data against it with mltest.assert_schema(data, "german_credit.schema.yaml").\n'
    )
    assert "schema_type: dataframe\napi: pandas\ncolumns:\n  risk:\n    dtype: int64\n    in_range:\n" in text
    assert "  sex:\n    dtype: str\n    isin:\n    - female\n    - male\n" in text
    assert "  age:\n    dtype: int64\n    in_range:\n      min_value: 14\n      max_value: 80\n" in text


def test_committed_example_schema_is_what_infer_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    fresh = tmp_path / "german_credit.schema.yaml"
    assert main(["schema", "infer", "examples/data/german_credit.csv", "-o", str(fresh)]) == 0
    assert (ROOT / "examples" / "german_credit.schema.yaml").read_text() == fresh.read_text()


def test_json_when_the_output_ends_in_json(german_credit: pandas.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    assert main(["schema", "infer", str(GERMAN_CREDIT), "-o", str(path)]) == 0
    data = json.loads(path.read_text())
    assert data["schema_type"] == "dataframe"
    assert data["columns"]["purpose"]["isin"][:2] == ["business", "car"]
    assert mltest.assert_schema(german_credit, path).passed


def test_stdout_without_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "infer", str(GERMAN_CREDIT)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# A pandera schema inferred from")
    assert "columns:\n  risk:" in out
    assert err == ""


def test_writing_a_file_says_so_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.yaml"
    assert main(["schema", "infer", str(GERMAN_CREDIT), "-o", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"wrote {path}: 10 columns from 1000 rows of {GERMAN_CREDIT}\n"


def test_parquet_input(german_credit: pandas.DataFrame, tmp_path: Path) -> None:
    data = tmp_path / "credit.parquet"
    german_credit.to_parquet(data)
    schema = tmp_path / "schema.yaml"
    assert main(["schema", "infer", str(data), "-o", str(schema), "--max-categories", "3"]) == 0
    loaded = load_schema(schema)
    assert [c.error for c in loaded.columns["housing"].checks] == ["isin(['free', 'own', 'rent'])"]
    assert loaded.columns["purpose"].checks == []  # 8 values > 3
    assert mltest.assert_schema(pandas.read_parquet(data), schema).passed


def test_options_tighten_and_loosen(german_credit: pandas.DataFrame) -> None:
    exact = infer_schema(german_credit, range_margin=0, max_categories=0)
    assert [c.error for c in exact.columns["age"].checks] == ["in_range(19, 75)"]
    assert exact.columns["sex"].checks == []
    wide = infer_schema(german_credit, range_margin=1.0)
    assert [c.error for c in wide.columns["age"].checks] == ["in_range(0, 131)"]
    # a 0/1 column stays 0..1: integer margins are rounded down
    assert [c.error for c in infer_schema(german_credit).columns["risk"].checks] == ["in_range(0, 1)"]


def test_columns_with_nulls_are_nullable_and_floats_get_float_bounds() -> None:
    frame = pandas.DataFrame({"x": [1.5, None, 2.5], "t": ["a", None, "b"], "neg": [-3, -2, -1]})
    schema = infer_schema(frame)
    assert schema.columns["x"].nullable and schema.columns["t"].nullable
    assert not schema.columns["neg"].nullable
    assert [c.error for c in schema.columns["x"].checks] == ["in_range(1.4, 2.6)"]
    assert [c.error for c in schema.columns["neg"].checks] == ["in_range(-3, -1)"]
    assert mltest.assert_schema(frame, schema).passed


def test_polars_data_gives_a_polars_schema(german_credit: pandas.DataFrame, tmp_path: Path) -> None:
    frame = polars.from_pandas(german_credit)
    schema = infer_schema(frame)
    assert str(schema.columns["sex"].dtype) == "String"
    path = tmp_path / "polars.yaml"
    mltest.schema.dump_schema(schema, path)
    assert "schema_type: polars_dataframe\n" in path.read_text()
    assert mltest.assert_schema(frame, path).passed
    with pytest.raises(mltest.CheckFailed, match="column 'housing': isin"):
        mltest.assert_schema(frame.with_columns(housing=polars.lit("castle")), path)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"max_categories": -1}, mltest.InvalidArgument, "max_categories=-1 is not valid: expected an integer >= 0"),
        (
            {"max_categories": 2.5},
            mltest.InvalidArgumentType,
            "max_categories=2.5 has type float: expected an integer >= 0",
        ),
        (
            {"range_margin": float("nan")},
            mltest.InvalidArgument,
            "range_margin=nan is not valid: expected a finite number >= 0",
        ),
        (
            {"range_margin": "10%"},
            mltest.InvalidArgument,
            "range_margin='10%' is not valid: expected a number >= 0",
        ),
    ],
)
def test_bad_options(german_credit: pandas.DataFrame, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error) as caught:
        infer_schema(german_credit, **kwargs)
    assert str(caught.value) == message


def test_empty_frame_is_refused() -> None:
    with pytest.raises(mltest.InvalidArgument) as caught:
        infer_schema(pandas.DataFrame({"a": []}))
    assert str(caught.value) == (
        "data=<pandas.DataFrame: 0 rows x 1 columns> is not valid: expected a DataFrame with at least one row"
    )


def test_other_pandas_dtypes_round_trip_through_yaml_and_json(tmp_path: Path) -> None:
    frame = pandas.DataFrame(
        {
            "when": pandas.to_datetime(["2024-01-01", "2024-02-01", None]),
            "flag": [True, False, True],
            "grade": pandas.Categorical(["a", "b", "a"]),
            "mixed": ["x", 1, None],
            "ratio": [1.0, float("inf"), 2.0],
            "count": pandas.array([1, None, 3], dtype="Int64"),
            0: [1, 2, 3],  # a column name that is not a string: pandera writes a list of columns
        }
    )
    schema = infer_schema(frame)
    checks = {name: [c.error for c in column.checks] for name, column in schema.columns.items()}
    assert checks == {
        "when": [],
        "flag": [],
        "grade": ["isin(['a', 'b'])"],
        "mixed": [],  # mixed Python objects: dtype only
        "ratio": [],  # an infinite value: no range
        "count": ["in_range(1, 3)"],
        0: ["in_range(1, 3)"],
    }
    for name in ("schema.yaml", "schema.json"):
        mltest.schema.dump_schema(schema, tmp_path / name)
        assert mltest.assert_schema(frame, tmp_path / name).passed
    with pytest.raises(mltest.CheckFailed, match="column 'grade': isin"):
        mltest.assert_schema(frame.assign(grade=pandas.Categorical(["a", "c", "a"])), tmp_path / "schema.yaml")


def test_other_polars_dtypes_round_trip(tmp_path: Path) -> None:
    frame = polars.DataFrame(
        {
            "day": ["2024-01-01", "2024-01-02"],
            "grade": polars.Series(["a", "b"], dtype=polars.Categorical),
            "level": polars.Series(["x", "y"], dtype=polars.Enum(["x", "y"])),
            "flag": [True, None],
            "items": [[1], [2, 3]],
        }
    ).with_columns(polars.col("day").str.to_date())
    path = tmp_path / "schema.yaml"
    mltest.schema.dump_schema(infer_schema(frame), path)
    text = path.read_text()
    assert "  day:\n    dtype: Date\n" in text
    assert "  flag:\n    dtype: Boolean\n    nullable: true\n" in text
    assert mltest.assert_schema(frame, path).passed


def test_float_ranges_are_written_without_rounding_noise() -> None:
    import pandas as pd

    import mltest

    data = pd.DataFrame({"x": [0.1, 0.2, 40.7], "tight": [1e6, 1e6 + 1e-3, 1e6 + 2e-3]})
    schema = mltest.infer_schema(data)
    checks = {name: column.checks[0].statistics for name, column in schema.columns.items()}
    assert (checks["x"]["min_value"], checks["x"]["max_value"]) == (0.0, 44.76)
    # a range narrower than 6 digits can show keeps its exact bounds rather than lose data
    assert checks["tight"]["min_value"] <= 1e6 and checks["tight"]["max_value"] >= 1e6 + 2e-3
    mltest.assert_schema(data, schema)


def test_a_range_margin_too_wide_for_floats_leaves_that_side_open(
    german_credit: pandas.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--range-margin 1e308` overflows every range: no traceback, the side that overflows is open."""
    schema = infer_schema(german_credit, range_margin=1e308)
    assert [check.error for check in schema.columns["age"].checks] == ["greater_than_or_equal_to(0)"]
    mixed = pandas.DataFrame({"x": [-1.5, 2.5]})
    assert infer_schema(mixed, range_margin=1e308).columns["x"].checks == []
    assert mltest.assert_schema(german_credit, schema).passed
    assert main(["schema", "infer", str(GERMAN_CREDIT), "--range-margin", "1e308"]) == 0
    out, err = capsys.readouterr()
    assert "  age:\n    dtype: int64\n    greater_than_or_equal_to: 0\n" in out
    assert err == ""


def test_a_string_target_keeps_its_classes_and_a_numeric_target_its_range() -> None:
    """target=: the classes are a closed set whatever max_categories says; a numeric target is a range."""
    classes = [f"class {i:02d}" for i in range(30)]  # more classes than max_categories
    frame = pandas.DataFrame(
        {
            "label": classes * 2,
            "grade": list(range(3)) * 20,  # a multiclass target coded 0..2 stays a range
            "price": [1.5, 99.0] * 30,
        }
    )
    schema = infer_schema(frame, target="label", max_categories=20)
    assert [c.error for c in schema.columns["label"].checks] == [f"isin({classes})"]
    no_categories = infer_schema(frame, target="label", max_categories=0)
    assert [c.name for c in no_categories.columns["label"].checks] == ["isin"]
    assert [c.name for c in infer_schema(frame, target="grade").columns["grade"].checks] == ["in_range"]
    assert [c.error for c in infer_schema(frame, target="price").columns["price"].checks] == ["in_range(0.0, 108.75)"]
    assert infer_schema(frame).columns["label"].checks == []  # without target=, a text column like any other


def test_target_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "infer", str(GERMAN_CREDIT), "--target", "purpose", "--max-categories", "0"]) == 0
    out = capsys.readouterr().out
    assert "  purpose:\n    dtype: str\n    isin:\n    - business\n" in out
    assert "  sex:\n    dtype: str\n  " in out  # other text columns follow --max-categories
    assert main(["schema", "infer", str(GERMAN_CREDIT), "--target", "purpse"]) == 1
    assert capsys.readouterr().err == (
        "mltest schema: error: target='purpse' is not valid: expected a column of the data ('risk', 'sex', 'job', "
        "'housing', 'saving_accounts', 'checking_account', 'credit_amount', 'duration', 'purpose', 'age') "
        "(did you mean 'purpose'?)\n"
    )
