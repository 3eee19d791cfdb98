"""assert_no_regression: a worse model is not promoted, an equal or better one is; paired intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import roc_auc_score

import mltest
from mltest.monitoring._regression import _roc_auc

pytestmark = pytest.mark.monitoring


@pytest.fixture(scope="module")
def credit(german_credit: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    X = pd.get_dummies(german_credit.drop(columns=["risk"]), dtype=float)
    X = (X - X.mean()) / X.std()  # scaled: the solver converges at once
    return X, (german_credit["risk"] == german_credit["risk"].iloc[0]).astype(int)


def test_a_model_trained_without_its_best_features_is_caught(credit: tuple) -> None:
    X, y = credit
    old = LogisticRegression().fit(X.iloc[:600], y.iloc[:600])
    weak = LogisticRegression().fit(X.iloc[:600, :2].assign(**{c: 0 for c in X.columns[2:]}), y.iloc[:600])
    held_out = X.iloc[600:], y.iloc[600:]
    with pytest.raises(mltest.CheckFailed) as info:
        mltest.assert_no_regression(weak, old, *held_out, metric="roc_auc", seed=1)
    assert str(info.value).startswith("assert_no_regression failed: roc_auc ")
    assert "To reproduce: pass seed=1 (or run pytest with --mltest-seed=1)." in str(info.value)
    assert mltest.assert_no_regression(old, old, *held_out).message.startswith("assert_no_regression passed: accuracy ")
    assert mltest.assert_no_regression(old, weak, *held_out, metric="log_loss").outcome == "passed"


def test_regression_metrics_and_the_margin() -> None:
    rng = np.random.default_rng(2)
    X = pd.DataFrame({"a": rng.normal(size=500)})
    y = 3 * X["a"] + rng.normal(size=500)
    model = LinearRegression().fit(X, y)
    slightly_worse = lambda X: model.predict(X) + 0.05  # noqa: E731
    for metric in ("mae", "rmse", "r2"):
        result = mltest.assert_no_regression(slightly_worse, model, X, y, metric=metric, margin=0.2)
        assert result.outcome == "passed", metric
    with pytest.raises(mltest.CheckFailed, match=r"^assert_no_regression (failed|inconclusive): mse"):
        mltest.assert_no_regression(lambda X: model.predict(X) + 1.0, model, X, y, metric="mse")


def test_weighted_roc_auc_is_sklearns_with_ties() -> None:
    rng = np.random.default_rng(3)
    y, scores = rng.integers(0, 2, 300), rng.integers(0, 10, 300) / 10
    weights = rng.random((2, 300))
    assert _roc_auc(y, scores, None) == pytest.approx(roc_auc_score(y, scores))
    assert _roc_auc(y, scores, weights)[1] == pytest.approx(roc_auc_score(y, scores, sample_weight=weights[1]))


def test_bad_arguments_are_named() -> None:
    X, y = np.zeros((3, 1)), np.array([0, 1, 0])
    with pytest.raises(
        mltest.InvalidArgument, match=r"^metric='acuracy' is not valid: expected one of .*'accuracy'\?\)$"
    ):
        mltest.assert_no_regression(lambda X: y, lambda X: y, X, y, metric="acuracy")
    with pytest.raises(mltest.InvalidArgument, match=r"^new gave predictions of shape \(2,\) for 3 rows of y$"):
        mltest.assert_no_regression(lambda X: y[:2], lambda X: y, X, y)
    with pytest.raises(mltest.InvalidArgumentType, match=r"^old=3 has type int: expected a fitted model"):
        mltest.assert_no_regression(lambda X: y, 3, X, y)


def test_the_model_card_reads_the_new_models_score_with_its_interval(credit: tuple) -> None:
    X, y = credit
    model = LogisticRegression().fit(X.iloc[:600], y.iloc[:600])
    f = mltest.assert_no_regression(model, model, X.iloc[600:], y.iloc[600:], metric="roc_auc", seed=0).figures
    assert (f["metric"], f["score"]) == ("roc_auc", f["new"])
    assert f["ci_low"] < f["score"] < f["ci_high"] and f["ci_high"] - f["ci_low"] < 0.2
