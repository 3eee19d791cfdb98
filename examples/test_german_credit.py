"""An mltest suite on the German credit data: `make demo` runs it, or `pytest examples`.

The schema next to this file was written by
`mltest schema infer examples/data/german_credit.csv -o examples/german_credit.schema.yaml`.
"""

from __future__ import annotations

from pathlib import Path

import pandas
import pytest

import mltest

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "german_credit.csv"
SCHEMA = HERE / "german_credit.schema.yaml"


@pytest.fixture(scope="module")
def credit() -> pandas.DataFrame:
    return pandas.read_csv(DATA)


@pytest.fixture(scope="module")
def split(credit: pandas.DataFrame) -> tuple[pandas.DataFrame, pandas.DataFrame]:
    train = credit.sample(frac=0.8, random_state=0)
    return train, credit.drop(train.index)


@pytest.mark.schema
def test_data_matches_its_schema(credit: pandas.DataFrame) -> None:
    mltest.assert_schema(credit, SCHEMA)


@pytest.mark.schema
def test_no_applicant_in_both_splits(split: tuple[pandas.DataFrame, pandas.DataFrame]) -> None:
    train, test = split
    mltest.assert_no_leakage(train, test)


@pytest.mark.schema
@pytest.mark.xfail(raises=mltest.CheckFailed, strict=True, reason="the schema must reject a corrupted copy")
def test_schema_rejects_a_corrupted_copy(credit: pandas.DataFrame) -> None:
    corrupted = credit.copy()
    corrupted.loc[[3, 14], "age"] = [230, -4]  # a typo and a sign error
    corrupted.loc[7, "housing"] = "castle"  # a category the model never saw
    mltest.assert_schema(corrupted, SCHEMA)
