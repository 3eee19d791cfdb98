"""mltest.strategies: frames a pandera schema allows, and shrinking to a minimal counterexample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

import mltest
from mltest import perturb, strategies
from mltest.errors import CheckFailed, InvalidArgument, InvalidArgumentType
from mltest.report import recording
from mltest.schema import SchemaFileError

SCHEMA = pa.DataFrameSchema(
    {
        "sex": pa.Column(str, pa.Check.isin(["male", "female"])),
        "housing": pa.Column(pd.CategoricalDtype(["own", "rent", "free"])),
        "credit_amount": pa.Column(int, pa.Check.in_range(250, 20_000)),
        "duration": pa.Column(int, pa.Check.in_range(4, 72)),
        "age": pa.Column(int, pa.Check.in_range(19, 75)),
    }
)
FAST = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """OpenMP threads only fight each other on a shared machine: 0.3 s instead of 8 s per fit."""
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def model(german_credit: pd.DataFrame):
    """A real model of credit risk that does not use sex."""
    features = ["housing", "credit_amount", "duration", "age"]
    pipeline = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), ["housing"]), (StandardScaler(), features[1:])
        ),
        LogisticRegression(max_iter=1000),
    )
    return pipeline.fit(german_credit[features], german_credit["risk"])


def test_generated_frames_satisfy_the_schema() -> None:
    sizes = []

    @FAST
    @given(strategies.data_frames(SCHEMA, max_size=6))
    def check(frame: pd.DataFrame) -> None:
        SCHEMA.validate(frame)
        assert isinstance(frame["housing"].dtype, pd.CategoricalDtype)
        sizes.append(len(frame))

    check()
    assert min(sizes) >= 1 and max(sizes) <= 6 and len(set(sizes)) > 1


def test_rows_are_one_row_frames() -> None:
    @settings(FAST, max_examples=10)
    @given(strategies.rows(SCHEMA))
    def check(row: pd.DataFrame) -> None:
        assert len(row) == 1
        SCHEMA.validate(row)

    check()


def test_a_model_fair_everywhere_passes_the_property(model) -> None:
    @settings(FAST, max_examples=25)
    @given(strategies.data_frames(SCHEMA, max_size=5))
    def invariant_to_sex(frame: pd.DataFrame) -> None:
        mltest.assert_invariant(model, frame, perturb.swap("sex", ["male", "female"]), output="proba")

    invariant_to_sex()


def test_a_broken_model_shrinks_to_one_row_at_the_boundary(model) -> None:
    """The model flips its decision for women over 60: Hypothesis must find and shrink that."""

    def broken(frame: pd.DataFrame) -> np.ndarray:
        label = model.predict(frame)
        flip = (frame["age"] > 60) & (frame["sex"] == "female")
        return np.where(flip, 1 - label, label)

    seen: list[pd.DataFrame] = []

    @FAST
    @given(strategies.data_frames(SCHEMA, max_size=8))
    def invariant_to_sex(frame: pd.DataFrame) -> None:
        seen.append(frame)
        mltest.assert_invariant(broken, frame, perturb.swap("sex", ["male", "female"]))

    with recording() as recorded, pytest.raises(CheckFailed) as failed:
        invariant_to_sex()
    # one result per test, the shrunk counterexample's, not one per example tried
    assert [(r.check, r.outcome, r.figures["rows"]) for r in recorded] == [("assert_invariant", "failed", 1)]
    minimal = seen[-1]  # Hypothesis replays the shrunk example last
    assert len(minimal) == 1
    assert minimal["age"].iloc[0] == 61
    assert minimal["credit_amount"].iloc[0] == 250 and minimal["duration"].iloc[0] == 4
    notes = "\n".join(getattr(failed.value, "__notes__", []))
    # Hypothesis lays out a multi-line repr differently from version to version: compare the words
    words = "Failing test case: invariant_to_sex( frame= sex housing credit_amount duration age 0 female free"
    assert notes.split()[:13] == words.split(" ")
    assert str(failed.value).startswith("1 of 1 rows (100.0%) changed prediction")
    assert "    age=61" in str(failed.value) or "age=61" in str(failed.value)


def test_schema_files_are_accepted(tmp_path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(SCHEMA.remove_columns(["housing"]).to_yaml())

    @settings(FAST, max_examples=5)
    @given(strategies.data_frames(path, size=3))
    def check(frame: pd.DataFrame) -> None:
        assert list(frame.columns) == ["sex", "credit_amount", "duration", "age"] and len(frame) == 3

    check()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: strategies.data_frames({"age": int}),
            InvalidArgumentType,
            "schema={'age': <class 'int'>} has type dict: expected a pandera DataFrameSchema for pandas",
        ),
        (
            lambda: strategies.data_frames("missing.yaml"),
            SchemaFileError,
            "schema file 'missing.yaml' does not exist",
        ),
        (
            lambda: strategies.data_frames(SCHEMA, min_size=3, max_size=2),
            InvalidArgument,
            "max_size=2 is not valid: expected at least min_size=3",
        ),
        (
            lambda: strategies.data_frames(pa.DataFrameSchema({"c": pa.Column(pd.CategoricalDtype())})),
            InvalidArgument,
            "expected categorical columns with their categories listed",
        ),
    ],
)
def test_bad_schemas(call, error, message) -> None:
    with pytest.raises(error) as raised:
        call()
    assert message in str(raised.value)
