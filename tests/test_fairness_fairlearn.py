"""mltest.fairness gives fairlearn's values (to 1e-9), on random inputs and on real data."""

from __future__ import annotations

import warnings

import fairlearn
import fairlearn.metrics as fl
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mltest import fairness as mf

FAIRLEARN = tuple(int(part) for part in fairlearn.__version__.split(".")[:2])
PAIRS = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
]


def same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or abs(a - b) <= 1e-9


def fairlearn_value(name: str, *args, **kwargs) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(getattr(fl, name)(*args, **kwargs))


@st.composite
def cases(draw: st.DrawFn) -> dict:
    n = draw(st.integers(2, 40))
    labels = st.lists(st.integers(0, 1), min_size=n, max_size=n)
    n_columns = draw(st.integers(1, 3))
    columns = {}
    for i in range(n_columns):
        # binary and multi-valued, strings and small integers
        alphabet = draw(st.sampled_from([["a", "b"], ["a", "b", "c"], ["a", "b", "c", "d", "e"], [0, 1], [3, 7, 9]]))
        columns[f"s{i}"] = draw(st.lists(st.sampled_from(alphabet), min_size=n, max_size=n))
    weights = draw(st.none() | st.lists(st.floats(0.05, 10), min_size=n, max_size=n))
    minus_one = draw(st.booleans())  # labels as 0/1 or as -1/1
    y_true, y_pred = np.array(draw(labels)), np.array(draw(labels))
    if minus_one:
        y_true, y_pred = 2 * y_true - 1, 2 * y_pred - 1
    return {
        "y_true": y_true,
        "y_pred": y_pred,
        "sf": pd.DataFrame(columns),
        "weights": None if weights is None else np.array(weights),
        "method": draw(st.sampled_from(["between_groups", "to_overall"])),
        "agg": draw(st.sampled_from(["worst_case", "mean"])),  # fairlearn's aggregation of equalized odds
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_disparities_equal_fairlearn_on_random_inputs(case: dict) -> None:
    assume(len(case["sf"].drop_duplicates()) >= 2)
    # fairlearn < 0.15 (the last for Python 3.10) gets sample weights wrong (0.0 for a disparity
    # of 1.0) and divides by zero on an all-zero selection rate under pandas 2.2
    assume(case["weights"] is None or FAIRLEARN >= (0, 15))
    kwargs = {"sensitive_features": case["sf"], "method": case["method"], "sample_weight": case["weights"]}
    for name in PAIRS:
        options = {"agg": case["agg"]} if "odds" in name else {}
        expected = fairlearn_value(name, case["y_true"], case["y_pred"], **kwargs, **options)
        actual = getattr(mf, name)(case["y_true"], case["y_pred"], **kwargs, **options)
        assert same(actual, expected), (name, actual, expected)


@settings(max_examples=30, deadline=None)
@given(case=cases())
def test_selection_rate_equals_fairlearn(case: dict) -> None:
    expected = fl.selection_rate(case["y_true"], case["y_pred"], sample_weight=case["weights"])
    assert same(mf.selection_rate(case["y_true"], case["y_pred"], sample_weight=case["weights"]), expected)


def test_groups_without_positives_or_negatives() -> None:
    # group a: no positives; group b: no negatives; group c: mixed. Rates with an empty
    # denominator are 0, as in fairlearn (scikit-learn's confusion_matrix(normalize="true")).
    y_true = np.array([0, 0, 0, 1, 1, 1, 0, 1, 0])
    y_pred = np.array([1, 0, 1, 1, 0, 1, 0, 1, 1])
    sf = ["a", "a", "a", "b", "b", "b", "c", "c", "c"]
    for name in PAIRS:
        for method in ("between_groups", "to_overall"):
            expected = fairlearn_value(name, y_true, y_pred, sensitive_features=sf, method=method)
            assert same(getattr(mf, name)(y_true, y_pred, sensitive_features=sf, method=method), expected), name


def test_minus_one_labels_even_when_one_value_is_missing() -> None:
    y_true, sf = [1, -1, 1, -1, 1, 1], ["a", "a", "b", "b", "c", "c"]
    for y_pred in ([-1] * 6, [1] * 6, [1, -1, -1, -1, 1, 1]):
        for name in PAIRS:
            expected = fairlearn_value(name, y_true, y_pred, sensitive_features=sf)
            assert same(getattr(mf, name)(y_true, y_pred, sensitive_features=sf), expected), (name, y_pred)


def test_nan_ratio_when_every_group_has_rate_zero() -> None:
    y_true, y_pred, sf = [1, 0, 1, 0], [0, 0, 0, 0], ["a", "a", "b", "b"]
    assert np.isnan(fl.demographic_parity_ratio(y_true, y_pred, sensitive_features=sf))
    assert np.isnan(mf.demographic_parity_ratio(y_true, y_pred, sensitive_features=sf))
    assert mf.demographic_parity_difference(y_true, y_pred, sensitive_features=sf) == 0.0


@pytest.fixture(scope="module")
def credit_model(german_credit: pd.DataFrame) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    df = german_credit
    X = pd.get_dummies(df.drop(columns=["risk"]), dtype=float)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, df["risk"])
    return {
        "y_true": df["risk"].to_numpy(),
        "y_pred": model.predict(X),
        "sex": df["sex"],
        "both": pd.DataFrame({"sex": df["sex"], "age": pd.cut(df["age"], [0, 25, 35, 50, 120]).astype(str)}),
        "weights": df["credit_amount"].to_numpy() / 1000.0,
    }


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("features", ["sex", "both"])
def test_values_equal_fairlearn_on_german_credit(credit_model: dict, name: str, features: str) -> None:
    data = credit_model
    for method in ("between_groups", "to_overall"):
        for weights in (None, data["weights"]):
            kwargs = {"sensitive_features": data[features], "method": method, "sample_weight": weights}
            expected = fairlearn_value(name, data["y_true"], data["y_pred"], **kwargs)
            assert same(getattr(mf, name)(data["y_true"], data["y_pred"], **kwargs), expected)


def test_every_input_type_gives_the_same_value(credit_model: dict) -> None:
    y_true, y_pred, sex = credit_model["y_true"], credit_model["y_pred"], credit_model["sex"]
    expected = fairlearn_value("equalized_odds_difference", y_true, y_pred, sensitive_features=sex)
    variants = [
        (list(y_true), list(y_pred), list(sex)),
        (pd.Series(y_true), pd.Series(y_pred), sex.astype("category")),
        (pl.Series(y_true), pl.Series(y_pred), pl.Series("sex", sex.to_numpy())),
        (y_true.astype(bool), y_pred.astype(float), sex.to_numpy()),
        (y_true * 2 - 1, y_pred * 2 - 1, np.asarray(sex, dtype=object)),  # -1/1 labels
    ]
    for t, p, s in variants:
        assert same(mf.equalized_odds_difference(t, p, sensitive_features=s), expected)
    frame = pl.DataFrame({"t": y_true, "p": y_pred, "sex": sex.to_numpy()})
    assert same(mf.equalized_odds_difference("t", "p", sensitive_features="sex", data=frame), expected)
    assert same(mf.equalized_odds_difference("t", "p", sensitive_features=["sex"], data=frame.to_pandas()), expected)


def test_polars_frame_of_sensitive_columns(credit_model: dict) -> None:
    both = credit_model["both"]
    y_pred = credit_model["y_pred"]
    expected = fairlearn_value("demographic_parity_ratio", y_pred, y_pred, sensitive_features=both)
    actual = mf.demographic_parity_ratio(None, y_pred, sensitive_features=pl.from_pandas(both))
    assert same(actual, expected)
