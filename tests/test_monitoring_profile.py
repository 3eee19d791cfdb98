"""Profiles: the same summary from pandas and polars, saved and read back, merged exactly, bad input named."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

import mltest
from mltest.monitoring import Profile

pytestmark = pytest.mark.monitoring


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    x[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "x": x,
            "age": rng.integers(18, 80, n),
            "city": rng.choice(["paris", "lyon", "nice"], n, p=[0.6, 0.3, 0.1]),
            "member": rng.random(n) < 0.3,
        }
    )


def _same(a: Profile, b: Profile) -> None:
    assert a.rows == b.rows and list(a.columns) == list(b.columns)
    for name, column in a.columns.items():
        other = b.columns[name].to_dict()
        for key, value in column.to_dict().items():
            if key in ("kind", "values"):
                assert value == other[key], (name, key)
            elif key != "dtype":
                assert value == pytest.approx(other[key], rel=1e-9, abs=1e-9), (name, key)


def test_pandas_and_polars_give_the_same_profile() -> None:
    frame = _frame(2_000, 1)
    _same(mltest.profile(frame), mltest.profile(pl.from_pandas(frame)))


def test_a_numeric_column_keeps_counts_moments_and_quantile_bins() -> None:
    frame = _frame(5_000, 2)
    column = mltest.profile(frame, bins=10).columns["x"]
    values = frame["x"].dropna().to_numpy()
    assert (column.count, column.nulls) == (len(values), frame["x"].isna().sum())
    assert column.mean == pytest.approx(values.mean()) and column.std == pytest.approx(values.std())
    assert (column.min, column.max) == (values.min(), values.max())
    assert column.edges == pytest.approx(np.quantile(values, np.linspace(0, 1, 11)[1:-1]))
    assert column.counts.tolist() == np.bincount(np.searchsorted(column.edges, values, side="right")).tolist()
    assert column.sums.sum() == pytest.approx(values.sum())


def test_a_categorical_column_counts_its_most_frequent_values_and_the_rest() -> None:
    frame = _frame(1_000, 3)
    city = mltest.profile(frame, max_categories=2).columns["city"]
    counts = frame["city"].value_counts()
    assert city.values == ("paris", "lyon")
    assert city.counts.tolist() == [counts["paris"], counts["lyon"]] and city.other == counts["nice"]
    assert mltest.profile(frame).columns["member"].values == (False, True)


def test_save_and_load_give_the_same_profile(tmp_path: Path) -> None:
    profile = mltest.profile(_frame(1_000, 4))
    path = profile.save(tmp_path / "profile.json")
    document = json.loads(path.read_text())
    assert (document["format"], document["version"], document["rows"]) == ("mltest-profile", 1, 1_000)
    assert document["columns"]["city"]["kind"] == "categorical"
    assert set(document["columns"]["x"]) >= {"edges", "counts", "sums", "mean", "m2", "min", "max", "nulls"}
    _same(mltest.load_profile(path), profile)


def test_profiles_made_alike_merge_into_the_profile_of_the_whole() -> None:
    whole = _frame(3_000, 5)
    reference = mltest.profile(_frame(1_000, 6))
    parts = [mltest.profile(whole.iloc[i : i + 1_000], like=reference) for i in (0, 1_000, 2_000)]
    _same(parts[0] + parts[1] + parts[2], mltest.profile(whole, like=reference))


def test_profiles_with_other_bins_refuse_to_merge() -> None:
    with pytest.raises(mltest.InvalidArgument, match=r"^other column 'x' has other bins than this profile's: .*like="):
        mltest.profile(_frame(100, 7)).merge(mltest.profile(_frame(100, 8)))


def test_dates_are_left_out_unless_asked_for() -> None:
    frame = _frame(100, 9).assign(when=pd.Timestamp("2026-01-01"))
    assert "when" not in mltest.profile(frame).columns
    with pytest.raises(mltest.InvalidArgument, match=r"^columns='when' is not valid: expected numeric, text"):
        mltest.profile(frame, columns=["x", "when"])


@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        ([1, 2], {}, r"^data=\[1, 2\] has type list: expected a pandas, polars or Spark DataFrame"),
        (pd.DataFrame({"x": []}), {}, r"^data has no rows: expected at least one row to profile$"),
        (pd.DataFrame({"x": [np.nan, np.nan]}), {}, r"^data column 'x' has only missing values: expected at least"),
        (pd.DataFrame({"x": ["a", None]}).iloc[1:], {}, r"^data column 'x' has only missing values: expected at least"),
        (pd.DataFrame({"x": [1.0, np.inf]}), {}, r"^data column 'x' has 1 infinite values: replace them"),
        (pd.DataFrame({"x": [1.0]}), {"bins": 1}, r"^bins=1 is not valid: expected an integer >= 2 and <= 1000$"),
        (pd.DataFrame({"x": [1.0]}), {"columns": ["y"]}, r"^columns='y' is not valid: expected a column of the data"),
        (pd.DataFrame({"x": [1.0]}), {"like": 3}, r"^like=3 has type int: expected a Profile or the path"),
    ],
)
def test_bad_input_is_one_line_naming_the_argument(data: object, kwargs: dict, message: str) -> None:
    with pytest.raises((mltest.InvalidArgument, mltest.InvalidArgumentType), match=message) as info:
        mltest.profile(data, **kwargs)
    assert "\n" not in str(info.value)


def test_a_current_column_of_another_kind_is_refused() -> None:
    reference = mltest.profile(pd.DataFrame({"x": [1.0, 2.0], "code": ["a", "b"]}))
    with pytest.raises(mltest.InvalidArgument, match=r"^data column 'x' holds text or categories but the reference"):
        mltest.profile(pd.DataFrame({"x": ["1", "2"], "code": ["a", "b"]}), like=reference)
    with pytest.raises(mltest.InvalidArgument, match=r"^data column 'code' holds numbers but the reference holds text"):
        mltest.profile(pd.DataFrame({"x": [1.0, 2.0], "code": [1, 2]}), like=reference)
    with pytest.raises(mltest.InvalidArgument, match=r"^data has no column 'code': expected the profiled columns"):
        mltest.profile(pd.DataFrame({"x": [1.0, 2.0]}), like=reference)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"\x89PNG\r\n",
            r"^path='.*bad.json' is not valid: expected an mltest profile file .*; this file is not JSON$",
        ),
        (b'{"a": 1}', r"^path='.*bad.json' is not valid: expected an mltest profile file \(JSON with \"format\""),
        (
            b'{"format": "mltest-profile", "version": 2, "rows": 1, "columns": {}}',
            r"^path='.*bad.json' is a profile of format version 2: this mltest reads version 1; profile the",
        ),
        (
            b'{"format": "mltest-profile", "version": 1, "rows": 1, "columns": {"x": {"kind": "numeric"}}}',
            r"^path='.*bad.json' column 'x' is not a valid profile: count=None: expected a count >= 0$",
        ),
    ],
)
def test_a_file_that_is_not_a_profile_is_named(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "bad.json").write_bytes(content)
    with pytest.raises(mltest.InvalidArgument, match=message):
        mltest.load_profile(tmp_path / "bad.json")


def test_a_missing_profile_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(mltest.InvalidArgument, match=r"^path='.*nothing.json' is not valid: .*; no such file$"):
        mltest.load_profile(tmp_path / "nothing.json")
