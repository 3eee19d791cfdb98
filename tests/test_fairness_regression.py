"""Regression: error and prediction metrics by group, with fairlearn's MetricFrame values and the tri-state verdict."""

from __future__ import annotations

import warnings

import fairlearn.metrics as fl
import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score, root_mean_squared_error

import mltest
from mltest import _settings
from mltest import fairness as mf
from mltest.errors import CheckFailed, InvalidArgument

SKLEARN = {
    "mean_absolute_error": mean_absolute_error,
    "mean_squared_error": mean_squared_error,
    "root_mean_squared_error": root_mean_squared_error,
    "mean_prediction": fl.mean_prediction,
}


@pytest.fixture(scope="module")
def diabetes() -> dict:
    """scikit-learn's diabetes data (442 patients; sex is a column) and a linear regression on it."""
    data = load_diabetes(as_frame=True)
    X, y = data.data, data.target.to_numpy()
    sex = np.where(X["sex"] > 0, "s1", "s2")
    age = np.where(X["age"] > 0, "older", "younger")
    good = LinearRegression().fit(X, y).predict(X)
    rng = np.random.default_rng(0)
    # a broken model: its errors for one sex are three times as large
    broken = good + np.where(sex == "s1", rng.normal(0, 120, len(y)), 0.0)
    return {"y": y, "good": good, "broken": broken, "sex": sex, "both": {"sex": sex, "age": age}, "w": 1 + X["bmi"] * 5}


@pytest.mark.parametrize("metric", [*SKLEARN, "callable"])
@pytest.mark.parametrize("features", ["sex", "both"])
def test_values_agree_with_fairlearns_metric_frame(diabetes: dict, metric: str, features: str) -> None:
    fn = r2_score if metric == "callable" else SKLEARN[metric]
    ours_metric = r2_score if metric == "callable" else metric
    for weights in (None, diabetes["w"].to_numpy()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = fl.MetricFrame(
                metrics=fn,
                y_true=diabetes["y"],
                y_pred=diabetes["good"],
                sensitive_features=diabetes[features],
                sample_params=None if weights is None else {"sample_weight": weights},
            )
        for method in ("between_groups", "to_overall"):
            gm = mf.group_metrics(
                diabetes["y"], diabetes["good"], sensitive_features=diabetes[features], metric=ours_metric,
                method=method, sample_weight=weights,
            )  # fmt: skip
            assert gm.values.tolist() == pytest.approx(frame.by_group.tolist(), rel=1e-9)
            assert gm.overall == pytest.approx(frame.overall, rel=1e-9)
            assert gm.difference == pytest.approx(frame.difference(method=method), rel=1e-9)
            assert gm.ratio == pytest.approx(frame.ratio(method=method), rel=1e-9)


@pytest.mark.parametrize("metric", ["mean_absolute_error", "root_mean_squared_error"])
def test_a_model_much_worse_for_one_group_fails_and_a_good_one_passes(diabetes: dict, metric: str) -> None:
    options = {"sensitive_features": diabetes["sex"], "metric": metric, "confidence": 0.95, "seed": 0}
    good = mltest.assert_group_metric(diabetes["y"], diabetes["good"], min_ratio=0.8, **options)
    assert good.outcome == "passed"
    with pytest.raises(CheckFailed) as info:
        mltest.assert_group_metric(diabetes["y"], diabetes["broken"], min_ratio=0.8, **options)
    assert info.value.result.outcome == "failed"
    assert str(info.value).startswith(f"group metric violated: {metric} ratio 0.")
    assert info.value.result.table[0]["n"] + info.value.result.table[1]["n"] == 442


def test_a_small_gap_on_few_rows_is_inconclusive(diabetes: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(_settings._values, "inconclusive", "pass")
    slightly = diabetes["good"] + np.where(diabetes["sex"] == "s1", 12.0, 0.0)  # a shift of 12 (the sd is 77)
    result = mltest.assert_group_metric(
        diabetes["y"], slightly, sensitive_features=diabetes["sex"], metric="mean_absolute_error",
        max_difference=5.0, confidence=0.95, seed=0,
    )  # fmt: skip
    assert result.outcome == "inconclusive"
    assert result.figures["mean_absolute_error_difference_ci"].startswith("[0")


def test_metrics_of_numbers_have_only_the_ratio_default(diabetes: dict) -> None:
    # a difference of MAE is in the target's units: the rates' default 0.1 would fail every model
    result = mltest.assert_group_metric(
        diabetes["y"], diabetes["good"], sensitive_features=diabetes["sex"], metric="mean_absolute_error"
    )
    assert result.outcome == "passed" and "max_difference" not in result.figures and result.figures["min_ratio"] == 0.8


def test_callable_intervals_and_mean_prediction(diabetes: dict) -> None:
    gm = mf.group_metrics(
        diabetes["y"], diabetes["good"], sensitive_features=diabetes["sex"], metric=r2_score, confidence=0.9,
        n_resamples=200, seed=1,
    )  # fmt: skip
    lo, hi = gm.difference_interval
    assert lo <= gm.difference <= hi and gm.metric == "r2_score"
    gm = mf.group_metrics(diabetes["y"], diabetes["good"], sensitive_features=diabetes["sex"], metric="mean_prediction")
    assert gm.values.tolist() == pytest.approx(
        [diabetes["good"][diabetes["sex"] == s].mean() for s in ("s1", "s2")], rel=1e-12
    )


def test_bad_input_for_metrics_of_numbers() -> None:
    with pytest.raises(InvalidArgument) as info:
        mf.group_metrics(["a", "b"], [1.0, 2.0], sensitive_features=["x", "y"], metric="mean_absolute_error")
    assert str(info.value) == "y_true has dtype <U1: expected numbers"
    with pytest.raises(InvalidArgument) as info:
        mf.group_metrics([1.0, 2.0], [1.0, 2.0], sensitive_features=["x", "y"], metric="root_mean_squared_error",
                         pos_label=1)  # fmt: skip
    assert str(info.value) == (
        "pos_label=1 is not valid: expected None for root_mean_squared_error (a metric of numbers)"
    )
    with pytest.raises(InvalidArgument) as info:
        mf.group_metrics([1.0, np.nan], [1.0, 2.0], sensitive_features=["x", "y"], metric="mean_absolute_error")
    assert str(info.value) == (
        "y_true has 1 missing value (NaN/None), at rows [1]: drop or impute them before the check"
    )


def test_large_groups_draw_from_the_normal_limit_of_the_bayesian_bootstrap(monkeypatch: pytest.MonkeyPatch) -> None:
    from mltest.fairness import _bootstrap

    rng = np.random.default_rng(0)
    values = rng.exponential(10.0, 6000)  # skewed, like absolute errors
    weights = rng.uniform(0.5, 2.0, 6000)
    group = np.repeat([0, 1, 2], [3000, 2900, 100])

    def intervals(exact_rows: int) -> np.ndarray:
        monkeypatch.setattr(_bootstrap, "_EXACT_ROWS", exact_rows)
        sums, totals = _bootstrap.row_draws(values, weights, group, 3, 4000, np.random.default_rng(1))
        return np.percentile(sums / totals, [2.5, 97.5], axis=0)

    exact, limit = intervals(10**9)[:, :2], intervals(1000)[:, :2]  # the two large groups: exact, then the limit
    assert np.abs(exact - limit).max() < 0.03 * (exact[1] - exact[0]).min()


def test_a_metric_without_a_finite_value_is_named_not_taken_for_small_groups(diabetes: dict) -> None:
    # the groups have 200+ rows: "fewer than min_group_size rows" would send the user the wrong way
    def undefined(y_true: np.ndarray, y_pred: np.ndarray) -> float:
        return float("nan") if y_true.mean() > 0 else 1.0

    with pytest.raises(CheckFailed) as info:
        mltest.assert_group_metric(
            diabetes["y"], diabetes["good"], sensitive_features=diabetes["sex"], metric=undefined
        )
    message = str(info.value)
    assert message.splitlines()[0] == (
        "group metric inconclusive: undefined: only 0 of 2 groups can be judged (2 where it is not a finite "
        "number), so no two groups can be compared"
    )
    assert "not a finite number (nan), not judged" in message
    assert "check what undefined returns on each group's rows" in message
