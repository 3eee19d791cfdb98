"""Data checks (mltest schema family): is this the data the model expects?"""

from __future__ import annotations

import mltest
import pytest
from conftest import CLASSIFICATION, ROOT

pytestmark = pytest.mark.schema


def test_raw_data_matches_its_schema(raw_data, params):
    schema = ROOT / params["data"]["schema"]
    if not schema.exists():
        pytest.skip(f"no schema at {params['data']['schema']}: run `mltest schema infer`")
    mltest.assert_schema(raw_data, schema)


def test_no_row_of_the_test_set_is_in_the_train_set(train_data, test_data):
    mltest.assert_no_leakage(train_data, test_data)


def test_split_keeps_every_row_and_the_class_balance(raw_data, train_data, test_data, params):
    target = params["data"]["target"]
    assert len(train_data) + len(test_data) == len(raw_data)
    assert len(test_data) == pytest.approx(params["data"]["test_size"] * len(raw_data), abs=1)
    if not CLASSIFICATION:
        return  # a regression's split is not stratified: a number has no classes to balance
    train_share = train_data[target].value_counts(normalize=True)
    test_share = test_data[target].value_counts(normalize=True)
    # Stratified: shares differ by rounding only (about a row of the test set per class).
    assert (train_share - test_share).abs().max() <= 2 / len(test_data)
