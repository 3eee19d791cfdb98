"""The scikit-learn checks for every task: binary, multiclass and regression, on real data.

Each check passes a correct model of each task and catches a deliberately broken one; the
default model of each common family learns the sample of assert_can_overfit by heart (issue 11:
HistGradientBoosting's min_samples_leaf=20 could not split the 20 rows it was given).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import ensemble, linear_model, neighbors, neural_network, svm, tree
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.compose import TransformedTargetRegressor, make_column_transformer
from sklearn.datasets import load_diabetes, load_digits, load_iris, load_wine
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

import mltest
from mltest.training import (
    assert_can_overfit,
    assert_deterministic,
    assert_fit_preserves_input,
    assert_learns,
    assert_valid_predictions,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """OpenMP and BLAS threads only fight each other on a shared machine."""
    with threadpool_limits(1):
        yield


def _frame(loader) -> tuple[pd.DataFrame, pd.Series]:
    return loader(return_X_y=True, as_frame=True)


@pytest.fixture(scope="module")
def credit(german_credit: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    return german_credit.drop(columns="risk"), german_credit["risk"]


def _credit_pipeline(model):
    categorical = ["sex", "housing", "saving_accounts", "checking_account", "purpose"]
    numeric = ["job", "credit_amount", "duration", "age"]
    encode = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), categorical), (StandardScaler(), numeric))
    return make_pipeline(encode, model)


# ---------------------------------------------------------------------------------------------
# assert_can_overfit: the default model of each common family learns its sample

CLASSIFIERS = [
    ensemble.HistGradientBoostingClassifier(),
    ensemble.RandomForestClassifier(n_estimators=30),
    linear_model.LogisticRegression(),
    ensemble.GradientBoostingClassifier(n_estimators=30),
    tree.DecisionTreeClassifier(),
    neighbors.KNeighborsClassifier(),
    svm.SVC(),
    neural_network.MLPClassifier(),
]
REGRESSORS = [
    ensemble.HistGradientBoostingRegressor(),
    ensemble.RandomForestRegressor(n_estimators=30),
    linear_model.LinearRegression(),
    linear_model.Ridge(),
    ensemble.GradientBoostingRegressor(n_estimators=30),
    tree.DecisionTreeRegressor(),
    neighbors.KNeighborsRegressor(),
    svm.SVR(),
    TransformedTargetRegressor(neural_network.MLPRegressor(), transformer=StandardScaler()),
]


def _name(model) -> str:
    return type(getattr(model, "regressor", model)).__name__


@pytest.mark.parametrize("model", CLASSIFIERS, ids=_name)
def test_the_default_classifier_of_each_family_can_overfit(credit, model) -> None:
    X, y = credit
    result = assert_can_overfit(_credit_pipeline(clone(model)), X, y)  # binary: German credit
    assert result.figures["n_samples"] == 20 and result.figures["task"] == "binary"
    for loader in (load_iris, load_wine):  # multiclass
        X, y = _frame(loader)
        result = assert_can_overfit(make_pipeline(StandardScaler(), clone(model)), X, y)
        assert result.figures["task"] == "multiclass" and result.figures["metric"] == "accuracy"


@pytest.mark.parametrize("model", REGRESSORS, ids=_name)
def test_the_default_regressor_of_each_family_can_overfit(model) -> None:
    X, y = _frame(load_diabetes)
    result = assert_can_overfit(make_pipeline(StandardScaler(), clone(model)), X, y)
    # one row more than the 10 columns: even a linear model passes through every point
    assert (result.figures["task"], result.figures["metric"], result.figures["n_samples"]) == ("regression", "r2", 11)


def test_healthy_histgradientboosting_passes_and_the_lifted_limit_is_named(credit) -> None:
    X, y = credit
    result = assert_can_overfit(_credit_pipeline(ensemble.HistGradientBoostingClassifier()), X, y)
    assert result.message == (
        "assert_can_overfit: Pipeline(... HistGradientBoostingClassifier) scored accuracy=1 on the 20 rows it was "
        "fitted on (seed=0) (required 0.95); fitted with min_samples_leaf=1 (was 20)"
    )
    assert result.figures["relaxed"] == "min_samples_leaf=1 (was 20)"


def test_without_relax_the_message_says_exactly_what_to_change(credit) -> None:
    X, y = credit
    with pytest.raises(mltest.CheckFailed) as caught:
        assert_can_overfit(_credit_pipeline(ensemble.HistGradientBoostingClassifier()), X, y, relax=False)
    message = str(caught.value)
    assert "  - limits set for the full data, which 20 rows cannot meet: min_samples_leaf=20\n" in message
    assert "  - pass relax=True (the default), which fits the sample with min_samples_leaf=1 (was 20)\n" in message
    assert "smaller sample" not in message


def test_an_mlp_on_an_unscaled_target_is_told_to_scale_it() -> None:
    X, y = _frame(load_diabetes)
    with pytest.raises(mltest.CheckFailed) as caught:
        assert_can_overfit(make_pipeline(StandardScaler(), neural_network.MLPRegressor()), X, y)
    message = str(caught.value)
    assert message.startswith("assert_can_overfit: Pipeline(... MLPRegressor) scored r2=")
    assert "    the largest errors:\n    row " in message
    assert "TransformedTargetRegressor(..., transformer=StandardScaler())" in message


# ---------------------------------------------------------------------------------------------
# deliberately broken models of each task


class IgnoresAClass(ClassifierMixin, BaseEstimator):
    """A multiclass model that never predicts its last class (a bug in a custom decision rule)."""

    def fit(self, X, y):
        self.model_ = linear_model.LogisticRegression(max_iter=1000).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.classes_[self.predict_proba(X)[:, :-1].argmax(axis=1)]


class UnnormalisedScores(IgnoresAClass):
    """Returns class indices from predict and exp(scores) from predict_proba."""

    def predict_proba(self, X):
        return np.exp(self.model_.decision_function(X))

    def predict(self, X):
        return self.predict_proba(X).argmax(axis=1)


class Reseeding(BaseEstimator):
    """Draws its own seed on every fit: a forest whose seed the global seed never reaches."""

    def __init__(self, regression: bool = False) -> None:
        self.regression = regression

    def fit(self, X, y):
        seed = int(np.random.default_rng().integers(2**31))
        forest = ensemble.RandomForestRegressor if self.regression else ensemble.RandomForestClassifier
        self.forest_ = forest(n_estimators=5, random_state=seed).fit(X, y)
        return self

    def predict(self, X):
        return self.forest_.predict(X)


class ReseedingClassifier(Reseeding):
    """Reseeding with probabilities: two forests of 5 trees can predict the same label for every
    iris row, their probabilities practically never agree, so the check sees the randomness."""

    def predict_proba(self, X):
        return self.forest_.predict_proba(X)


class Constant(RegressorMixin, BaseEstimator):
    """A regressor that ignores its input: it predicts the mean of y for every row."""

    def fit(self, X, y):
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


class LogOfBmi(RegressorMixin, BaseEstimator):
    """A regressor whose feature engineering takes the log of a centred column: NaN for half the rows."""

    def fit(self, X, y):
        self.model_ = linear_model.Ridge().fit(X, y)
        return self

    def predict(self, X):
        with np.errstate(invalid="ignore"):
            return self.model_.predict(X) + np.log(X["bmi"].to_numpy() + 0.05)


def _scale_in_place(X: pd.DataFrame) -> pd.DataFrame:
    X[X.columns[0]] = X[X.columns[0]] / 10  # writes into the caller's frame
    return X


def test_multiclass_correct_model_passes_every_check() -> None:
    X, y = _frame(load_wine)
    model = make_pipeline(StandardScaler(), linear_model.LogisticRegression(max_iter=1000))
    learned = assert_learns(model, X, y)
    assert learned.figures["task"] == "multiclass" and learned.figures["baseline_score"] == pytest.approx(1 / 3)
    assert assert_can_overfit(model, X, y).passed
    assert assert_deterministic(model, X, y).passed
    assert assert_valid_predictions(model, X, y.map(dict(enumerate(load_wine().target_names)))).passed
    assert assert_fit_preserves_input(model, X, y).passed


def test_multiclass_broken_models_are_caught() -> None:
    digits, labels = _frame(load_digits)  # 450 held-out rows: chance is 0.1 give or take little
    shuffled = labels.sample(frac=1, random_state=1)
    with pytest.raises(mltest.CheckFailed, match=r"balanced_accuracy=0.\d+ on 450 held-out rows .* the Dummy"):
        assert_learns(make_pipeline(StandardScaler(), linear_model.LogisticRegression()), digits, shuffled)
    X, y = _frame(load_iris)
    with pytest.raises(mltest.CheckFailed) as caught:
        assert_can_overfit(IgnoresAClass(), X, y)
    assert "    7 of 20 rows predicted wrong, for example:\n    row 105: y=2, predicted 1\n" in str(caught.value)
    names = y.map(dict(enumerate(load_iris().target_names)))
    with pytest.raises(mltest.CheckFailed) as caught:
        assert_valid_predictions(UnnormalisedScores(), X, names)
    assert [row["check"] for row in caught.value.result.table] == [
        "predicted labels",
        "predict_proba range",
        "predict_proba sums",
    ]
    with pytest.raises(mltest.CheckFailed, match="randomness that the seed does not reach"):
        assert_deterministic(ReseedingClassifier(), X, y)
    scaling = make_pipeline(FunctionTransformer(_scale_in_place), linear_model.LogisticRegression(max_iter=1000))
    with pytest.raises(mltest.CheckFailed, match=r"X\['sepal length \(cm\)'\]: 150 cells changed"):
        assert_fit_preserves_input(scaling, X.copy(), y)


def test_regression_correct_model_passes_every_check() -> None:
    X, y = _frame(load_diabetes)
    model = linear_model.Ridge(alpha=0.1)
    learned = assert_learns(model, X, y)
    assert learned.figures["task"] == "regression" and learned.figures["metric"] == "r2"
    assert assert_can_overfit(model, X, y).passed
    assert assert_deterministic(model, X, y).passed
    assert assert_valid_predictions(model, X, y).passed
    assert assert_fit_preserves_input(model, X, y).passed


def test_regression_broken_models_are_caught() -> None:
    X, y = _frame(load_diabetes)
    with pytest.raises(mltest.CheckFailed, match=r"^assert_learns: Constant scored r2=-0.0\d+ on 111 held-out rows"):
        assert_learns(Constant(), X, y)
    with pytest.raises(
        mltest.CheckFailed, match=r"^assert_can_overfit: DecisionTreeRegressor scored r2=0.\d+ on the 11"
    ):
        assert_can_overfit(tree.DecisionTreeRegressor(max_depth=1), X, y)
    with pytest.raises(mltest.CheckFailed, match=r"predict finite: \d+ NaN or infinite values \(first in row \d+\)"):
        assert_valid_predictions(LogOfBmi(), X, y)
    with pytest.raises(mltest.CheckFailed, match="randomness that the seed does not reach"):
        assert_deterministic(Reseeding(regression=True), X, y)
