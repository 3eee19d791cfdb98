"""assert_no_leakage on splits of the German credit data."""

from __future__ import annotations

import pandas
import polars
import pytest

import mltest


@pytest.fixture(scope="module")
def splits(german_credit: pandas.DataFrame) -> tuple[pandas.DataFrame, pandas.DataFrame]:
    """A clean split (the data has no duplicate rows) and nothing in common."""
    return german_credit.iloc[:800], german_credit.iloc[800:]


def leaky(train: pandas.DataFrame, test: pandas.DataFrame) -> pandas.DataFrame:
    """The test split with three training rows copied into it, one of them twice."""
    return pandas.concat([test, train.iloc[[5, 17, 17, 300]]])


def test_clean_split_passes(splits: tuple[pandas.DataFrame, pandas.DataFrame]) -> None:
    result = mltest.assert_no_leakage(*splits)
    assert result.passed
    assert result.message == "0 of 200 test rows also occur in train (max_overlap=0), compared on all 10 columns"
    assert result.figures == {
        "overlap_rows": 0,
        "max_overlap": 0,
        "test_rows": 200,
        "train_rows": 800,
        "overlap_fraction": 0.0,
        "compared_on": "all columns",
    }


def test_copied_rows_are_reported_with_counts_and_examples(
    splits: tuple[pandas.DataFrame, pandas.DataFrame],
) -> None:
    train, test = splits
    with pytest.raises(mltest.CheckFailed) as caught:
        mltest.assert_no_leakage(train, leaky(train, test))
    assert str(caught.value) == (
        "4 of 204 test rows (2.0%) also occur in train (max_overlap=0), compared on all 10 columns; "
        "3 distinct rows. First ones:\n"
        "  test row 5 = train row 5: risk=1, sex='male', job=1, housing='free', saving_accounts='not_known', "
        "checking_account='not_known', credit_amount=9055, duration=36, ...\n"
        "  test row 17 = train row 17: risk=1, sex='male', job=2, housing='own', saving_accounts='not_known', "
        "checking_account='little', credit_amount=8072, duration=30, ...\n"
        "  test row 17 = train row 17: risk=1, sex='male', job=2, housing='own', saving_accounts='not_known', "
        "checking_account='little', credit_amount=8072, duration=30, ...\n"
        "  test row 300 = train row 300: risk=1, sex='female', job=0, housing='own', saving_accounts='little', "
        "checking_account='not_known', credit_amount=672, duration=6, ...\n"
        "Likely causes: duplicated records before the split, or the same entity in both splits. "
        "Deduplicate before splitting or split by group on a key (e.g. sklearn GroupShuffleSplit); "
        "to accept some overlap, pass max_overlap=4."
    )
    result = caught.value.result
    assert result.figures["overlap_rows"] == 4
    assert result.figures["distinct_overlapping"] == 3
    assert result.table[0] == {
        "test row": 5,
        "train row": 5,
        "risk": 1,
        "sex": "male",
        "job": 1,
        "housing": "free",
        "saving_accounts": "not_known",
        "checking_account": "not_known",
        "credit_amount": 9055,
        "duration": 36,
        "purpose": "education",
        "age": 35,
    }


def test_max_overlap_tolerates_a_known_number(splits: tuple[pandas.DataFrame, pandas.DataFrame]) -> None:
    train, test = splits
    result = mltest.assert_no_leakage(train, leaky(train, test), max_overlap=4)
    assert result.passed
    assert result.message.startswith("4 of 204 test rows also occur in train (max_overlap=4)")
    with pytest.raises(mltest.CheckFailed):
        mltest.assert_no_leakage(train, leaky(train, test), max_overlap=3)


def test_a_shared_key_is_leakage_even_when_rows_differ(german_credit: pandas.DataFrame) -> None:
    # 700 customers, some with two applications: a row split puts the same customer in both
    data = german_credit.assign(customer=german_credit.index % 700)
    train, test = data.iloc[:800], data.iloc[800:]
    assert mltest.assert_no_leakage(train, test).passed  # no identical rows...
    with pytest.raises(mltest.CheckFailed) as caught:  # ...but every test customer is also in train
        mltest.assert_no_leakage(train, test, on="customer")
    lines = str(caught.value).splitlines()
    assert lines[0] == (
        "200 of 200 test rows (100.0%) also occur in train (max_overlap=0), compared on key ['customer']; "
        "200 distinct keys. First ones:"
    )
    assert lines[1] == "  test row 800 = train row 100: customer=100"
    assert caught.value.result.figures["compared_on"] == "customer"
    assert mltest.assert_no_leakage(train, test, on=["customer", "age"], max_overlap=6).figures["overlap_rows"] == 6


def test_polars_frames_report_positions(splits: tuple[pandas.DataFrame, pandas.DataFrame]) -> None:
    train, test = splits
    bad = polars.from_pandas(leaky(train, test))
    assert mltest.assert_no_leakage(polars.from_pandas(train), polars.from_pandas(test)).passed
    with pytest.raises(mltest.CheckFailed) as caught:
        mltest.assert_no_leakage(polars.from_pandas(train), bad)
    assert str(caught.value).splitlines()[1].startswith("  test row 200 = train row 5: risk=1, sex='male'")


def test_mixed_libraries_are_compared_in_trains_library(splits: tuple[pandas.DataFrame, pandas.DataFrame]) -> None:
    train, test = splits
    with pytest.raises(mltest.CheckFailed, match=r"^4 of 204 test rows"):
        mltest.assert_no_leakage(train, polars.from_pandas(leaky(train, test).reset_index(drop=True)))


def test_missing_values_match_each_other() -> None:
    train = pandas.DataFrame({"a": [1.0, None], "b": ["x", None]})
    test = pandas.DataFrame({"a": [None, 3.0], "b": [None, "y"]})
    with pytest.raises(mltest.CheckFailed, match=r"^1 of 2 test rows \(50.0%\)"):
        mltest.assert_no_leakage(train, test)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"on": "customr"},
            mltest.InvalidArgument,
            "on='customr' is not valid: expected a column of both train and test (train has none), "
            "one of ['customer', 'age'] (did you mean 'customer'?)",
        ),
        ({"on": []}, mltest.InvalidArgumentType, "on=[] has type list: expected a column name or a non-empty list"),
        ({"on": 3}, mltest.InvalidArgumentType, "on=3 has type int: expected a column name or a non-empty list"),
        ({"max_overlap": -1}, mltest.InvalidArgument, "max_overlap=-1 is not valid: expected an integer >= 0"),
        (
            {"max_overlap": 0.05},
            mltest.InvalidArgumentType,
            "max_overlap=0.05 has type float: expected an integer >= 0",
        ),
        ({"max_overlap": True}, mltest.InvalidArgumentType, "max_overlap=True has type bool: expected an integer >= 0"),
    ],
)
def test_bad_options(kwargs: dict, error: type, message: str) -> None:
    frame = pandas.DataFrame({"customer": [1, 2], "age": [30, 40]})
    with pytest.raises(error) as caught:
        mltest.assert_no_leakage(frame, frame, **kwargs)
    assert str(caught.value).startswith(message)


def test_different_columns_need_a_key() -> None:
    train = pandas.DataFrame({"id": [1], "x": [1]})
    test = pandas.DataFrame({"id": [1], "y": [1]})
    with pytest.raises(mltest.InvalidArgument) as caught:
        mltest.assert_no_leakage(train, test)
    assert str(caught.value) == (
        "on=None is not valid: expected key columns when train and test have different columns "
        "(only in train: ['x'], only in test: ['y'])"
    )
    with pytest.raises(mltest.CheckFailed):
        mltest.assert_no_leakage(train, test, on="id")


def test_different_dtypes_are_refused_rather_than_silently_missed() -> None:
    train = pandas.DataFrame({"id": [1, 2]})
    test = pandas.DataFrame({"id": [1.0, 2.0]})
    with pytest.raises(mltest.InvalidArgument) as caught:
        mltest.assert_no_leakage(train, test)
    assert str(caught.value) == (
        "test['id'].dtype='float64' is not valid: expected int64, the dtype of train['id']: "
        "cast one so that rows can be compared"
    )


def test_wrong_types_and_empty_frames() -> None:
    frame = pandas.DataFrame({"a": [1]})
    with pytest.raises(mltest.InvalidArgumentType, match=r"^test=\{'a': \[1\]\} has type dict: expected a pandas"):
        mltest.assert_no_leakage(frame, {"a": [1]})
    with pytest.raises(mltest.InvalidArgument) as caught:
        mltest.assert_no_leakage(frame.iloc[:0], frame)
    assert str(caught.value) == (
        "train=<pandas.DataFrame: 0 rows x 1 columns> is not valid: expected a DataFrame with at least one row"
    )
