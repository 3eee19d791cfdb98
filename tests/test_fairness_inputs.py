"""Bad input to the fairness metrics and assertions gives an error that names the problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mltest
from mltest import fairness as mf
from mltest.errors import InvalidArgument, InvalidArgumentType

AB = ["a", "b", "a", "b"]
FILL = "fill them (e.g. with 'unknown', which becomes a group of its own) or drop those rows"
BINARY = "expected binary labels (0/1, -1/1 or booleans; 1 is the positive label) for a binary metric"

CASES = [
    (
        "length mismatch",
        lambda: mf.equalized_odds_difference([0, 1, 1], [0, 1, 0, 1], sensitive_features=AB),
        "y_true has 3 rows but y_pred has 4: every input needs one value per row",
    ),
    (
        "sensitive length mismatch",
        lambda: mf.demographic_parity_difference(None, [0, 1, 0, 1], sensitive_features=["a", "b", "a"]),
        "sensitive_features has 3 rows but y_pred has 4: every input needs one value per row",
    ),
    (
        "NaN in a sensitive column",
        lambda: mf.equalized_odds_difference([0, 1, 1, 0], [0, 1, 0, 1], sensitive_features=["a", "b", None, "a"]),
        f"sensitive_features has 1 missing value (NaN/None), at rows [2]: {FILL}",
    ),
    (
        "NaN in one of several sensitive columns",
        lambda: mf.demographic_parity_ratio(
            None, [0, 1, 0, 1], sensitive_features=pd.DataFrame({"sex": AB, "age": [1.0, np.nan, 2, np.nan]})
        ),
        f"sensitive_features column 'age' has 2 missing values (NaN/None), at rows [1, 3]: {FILL}",
    ),
    (
        "missing value in a pandas string column",
        lambda: mf.demographic_parity_ratio(
            None, [0, 1, 0, 1], sensitive_features=pd.Series(["a", "b", pd.NA, "b"], dtype="string", name="sex")
        ),
        f"sensitive_features has 1 missing value (NaN/None), at rows [2]: {FILL}",
    ),
    (
        "a single group",
        lambda: mf.equalized_odds_difference([0, 1, 1, 0], [0, 1, 0, 1], sensitive_features=["a"] * 4),
        "sensitive_features has a single group ('a', 4 rows): a fairness metric compares at least two groups; "
        "check that the right column was passed",
    ),
    (
        "non-binary predictions",
        lambda: mf.equal_opportunity_ratio([0, 1, 1, 0], [0, 1, 2, 1], sensitive_features=AB),
        f"y_pred has 3 distinct values [0, 1, 2]: {BINARY}; for several classes pass every class as labels=[...] "
        "(each is judged one-vs-rest)",
    ),
    (
        "scores instead of labels",
        lambda: mltest.assert_demographic_parity(None, [0.1, 0.7, 0.55, 0.2], sensitive_features=AB),
        f"y_pred has 4 distinct values [0.1, 0.7, 0.55, 0.2]: {BINARY} "
        "(these look like scores: threshold them first, e.g. y_pred = scores >= 0.5)",
    ),
    (
        "non-binary truth",
        lambda: mf.equalized_odds_ratio(["no", "yes", "no", "yes"], [0, 1, 0, 1], sensitive_features=AB),
        f"y_true has 2 distinct values ['no', 'yes']: {BINARY}; name the positive class with pos_label=, "
        "one of ['no', 'yes']",
    ),
    (
        "demographic parity: a misspelt y_true column",
        lambda: mf.demographic_parity_difference(
            "riks", "p", sensitive_features="sex", data=pd.DataFrame({"risk": [0, 1], "p": [0, 1], "sex": ["a", "b"]})
        ),
        "y_true='riks' is not valid: expected a column of the data ('risk', 'p', 'sex') (did you mean 'risk'?)",
    ),
    (
        "demographic parity: y_true of another length",
        lambda: mltest.assert_demographic_parity([0, 1, 1], [0, 1, 0, 1], sensitive_features=AB),
        "y_true has 3 rows but y_pred has 4: every input needs one value per row",
    ),
    (
        "demographic parity: y_true that are scores",
        lambda: mltest.assert_demographic_parity([0.2, 0.9, 0.4, 0.7], [0, 1, 0, 1], sensitive_features=AB),
        f"y_true has 4 distinct values [0.2, 0.9, 0.4, 0.7]: {BINARY} "
        "(these look like scores: threshold them first, e.g. y_pred = scores >= 0.5)",
    ),
    (
        "empty input",
        lambda: mf.demographic_parity_difference([], [], sensitive_features=[]),
        "y_pred=[] is not valid: expected at least one row",
    ),
    (
        "empty sensitive column",
        lambda: mf.demographic_parity_difference(None, [0, 1, 0, 1], sensitive_features=[]),
        "sensitive_features has 0 rows but y_pred has 4: every input needs one value per row",
    ),
    (
        "seed below 0",
        lambda: mltest.assert_demographic_parity(None, [0, 1], sensitive_features=["a", "b"], confidence=0.9, seed=-1),
        "seed=-1 is not valid: expected None or an integer from 0 to 2**32 - 1",
    ),
    (
        "unknown method",
        lambda: mf.demographic_parity_difference(None, [0, 1], sensitive_features=["a", "b"], method="between_group"),
        "method='between_group' is not valid: expected one of 'between_groups', 'to_overall' "
        "(did you mean 'between_groups'?)",
    ),
    (
        "unknown agg",
        lambda: mf.equalized_odds_ratio([0, 1], [0, 1], sensitive_features=["a", "b"], agg="worst"),
        "agg='worst' is not valid: expected one of 'worst_case', 'mean' (did you mean 'worst_case'?)",
    ),
    (
        "negative weights",
        lambda: mf.demographic_parity_difference(None, [0, 1], sensitive_features=["a", "b"], sample_weight=[1, -1]),
        "sample_weight has negative or infinite values: expected finite weights >= 0",
    ),
    (
        "negative max_difference",
        lambda: mltest.assert_demographic_parity(None, [0, 1], sensitive_features=["a", "b"], max_difference=-1),
        "max_difference=-1 is not valid: expected None or a number >= 0",
    ),
    (
        "min_ratio above 1",
        lambda: mltest.assert_equalized_odds([0, 1], [0, 1], sensitive_features=["a", "b"], min_ratio=1.5),
        "min_ratio=1.5 is not valid: expected None or a number >= 0 and <= 1",
    ),
    (
        "confidence as a percentage",
        lambda: mltest.assert_equal_opportunity([0, 1], [0, 1], sensitive_features=["a", "b"], confidence=95),
        "confidence=95 is not valid: expected None or a number > 0 and < 1",
    ),
    (
        "negative min_group_size",
        lambda: mltest.assert_demographic_parity(None, [0, 1], sensitive_features=["a", "b"], min_group_size=-3),
        "min_group_size=-3 is not valid: expected an integer >= 0",
    ),
    (
        "unknown column of data",
        lambda: mf.demographic_parity_difference(
            None, "p", sensitive_features="sexx", data=pd.DataFrame({"p": [0, 1], "sex": ["a", "b"]})
        ),
        "sensitive_features='sexx' is not valid: expected a column of the data ('p', 'sex') (did you mean 'sex'?)",
    ),
    (
        "data that is not a frame",
        lambda: mf.demographic_parity_difference(None, "p", sensitive_features="sex", data=[0, 1]),
        "data=[0, 1] has type list: expected a DataFrame (pandas, polars or Spark) whose columns the other "
        "arguments name",
    ),
    (
        "column names without data",
        lambda: mf.demographic_parity_difference(None, [0, 1, 0, 1], sensitive_features=["sex"]),
        "sensitive_features=['sex'] is not valid: expected one value per row (4), or column names together with data=",
    ),
    (
        "y_true a boolean (an earlier sweep: a TypeError from inside)",
        lambda: mltest.assert_demographic_parity(y_true=True, y_pred=[0, 1, 0, 1], sensitive_features=AB),
        "y_true=True has type bool: expected an array-like of one value per row",
    ),
    (
        "resamples beyond memory",
        lambda: mf.group_metrics(None, [0, 1, 0, 1], sensitive_features=AB, confidence=0.9, n_resamples=10**9),
        "n_resamples=1000000000 is not valid: expected an integer >= 10 and <= 100000",
    ),
    (
        "a set of predictions",
        lambda: mf.demographic_parity_difference(None, {0, 1}, sensitive_features=AB),
        "y_pred={0, 1} has type set: expected an array-like of one value per row",
    ),
    (
        "every weight zero",
        lambda: mf.demographic_parity_difference(None, [0, 1, 0, 1], sensitive_features=AB, sample_weight=[0] * 4),
        "sample_weight is 0 in every row: expected at least one positive weight",
    ),
    (
        "an infinite prediction",
        lambda: mf.group_metrics(
            [1.0, 2.0, 3.0], [1.0, np.inf, -np.inf], sensitive_features=["a", "b", "a"], metric="mean_absolute_error"
        ),
        "y_pred has 2 infinite values (inf/-inf), at rows [1, 2]: expected finite numbers",
    ),
]


@pytest.mark.parametrize(("call", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_named(call, message: str) -> None:
    with pytest.raises((InvalidArgument, InvalidArgumentType)) as info:
        call()
    assert str(info.value) == message


def test_unknown_metric_suggests_the_close_name() -> None:
    with pytest.raises(InvalidArgument, match=r"^metric='acuracy' is not valid: expected one of \['selection_rate', "):
        mf.group_metrics([0, 1], [0, 1], sensitive_features=["a", "b"], metric="acuracy")
    with pytest.raises(InvalidArgument, match=r"\(did you mean 'accuracy'\?\)$"):
        mf.group_metrics([0, 1], [0, 1], sensitive_features=["a", "b"], metric="acuracy")


def test_demographic_parity_refuses_a_two_column_y_true() -> None:
    two_columns = pd.DataFrame({"risk": [0, 1, 0, 1], "sex": AB})
    with pytest.raises(InvalidArgumentType) as info:
        mltest.assert_demographic_parity(two_columns, [0, 1, 0, 1], sensitive_features=AB)
    assert str(info.value) == (
        "y_true=<DataFrame of shape (4, 2)> has type DataFrame: expected one column (a Series, list or 1-D array), "
        "not a DataFrame"
    )


def test_missing_sensitive_features_is_a_type_error() -> None:
    with pytest.raises(InvalidArgumentType) as info:
        mf.demographic_parity_difference(None, [0, 1], sensitive_features=None)
    assert str(info.value) == (
        "sensitive_features=None has type NoneType: expected one column or several (a DataFrame, dict or 2-D array)"
    )


def test_many_intersectional_groups_are_compacted() -> None:
    # 3 columns of 1,000 distinct values: a billion possible combinations, 1,000 that occur.
    rng = np.random.default_rng(0)
    columns = {f"c{i}": rng.integers(0, 10**9, 1000).astype(str) for i in range(3)}
    y_pred = rng.integers(0, 2, 1000)
    gm = mf.group_metrics(None, y_pred, sensitive_features=columns)
    assert len(gm.groups) == 1000 and gm.difference == 1.0
    assert set(gm.groups) == set(zip(*columns.values(), strict=True))
    # every group's label matches its rows: each group is one row here, so its rate is that row's prediction
    rate_of = dict(zip(gm.groups, gm.values, strict=True))
    assert all(rate_of[row] == p for row, p in zip(zip(*columns.values(), strict=True), y_pred, strict=True))


def test_caller_arrays_are_left_untouched() -> None:
    # the counting pass reuses the group key's memory, but never the caller's arrays
    codes = np.array([0, 1, 0, 1, 2], dtype=np.intp)
    categories = pd.Series(pd.Categorical(["a", "b", "a", "b", "a"]))
    y_pred = np.array([0, 1, 1, 0, 1])
    for sensitive in (codes, categories):
        kept = sensitive.copy()
        mf.demographic_parity_difference(None, y_pred, sensitive_features=sensitive)
        assert (np.asarray(sensitive) == np.asarray(kept)).all()
    assert y_pred.tolist() == [0, 1, 1, 0, 1]


def test_a_column_name_without_data_and_a_generator_are_named() -> None:
    with pytest.raises(InvalidArgumentType) as info:
        mf.demographic_parity_difference(None, "pred", sensitive_features=AB)
    assert str(info.value) == (
        "y_pred='pred' has type str: expected an array-like of one value per row, or a column name together with data="
    )
    with pytest.raises(InvalidArgumentType, match=r"^y_pred=<generator object .* has type generator: expected an arr"):
        mf.demographic_parity_difference(None, (v for v in [0, 1, 0, 1]), sensitive_features=AB)


def test_a_lazy_frame_and_predict_proba_output_are_named() -> None:
    import polars as pl

    lazy = pl.LazyFrame({"p": [0, 1], "s": ["a", "b"]})
    with pytest.raises(InvalidArgumentType, match=r"^data=<LazyFrame at 0x\w+> has type LazyFrame: expected a DataF"):
        mf.demographic_parity_difference(None, "p", sensitive_features="s", data=lazy)
    with pytest.raises(InvalidArgumentType, match=r"; collect a polars LazyFrame first \(data\.collect\(\)\)$"):
        mltest.assert_demographic_parity(None, "p", sensitive_features="s", data=lazy)
    with pytest.raises(InvalidArgument) as info:
        mf.demographic_parity_difference(None, np.array([[0.2, 0.8], [0.9, 0.1]]), sensitive_features=["a", "b"])
    assert str(info.value) == (
        "y_pred has shape (2, 2): expected one value per row (a 1-D array; for the output of predict_proba, "
        "pass the predicted labels, e.g. model.predict(X))"
    )
