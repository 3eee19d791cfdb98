"""scikit-learn training-sanity checks on real data: real models pass, broken ones are caught."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import make_column_transformer
from sklearn.datasets import load_diabetes
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeRegressor
from sklearn.utils.validation import check_is_fitted

import mltest
from mltest import _settings
from mltest.report import recording
from mltest.training import (
    assert_can_overfit,
    assert_deterministic,
    assert_fit_preserves_input,
    assert_learns,
    assert_valid_predictions,
)

CATEGORICAL = ["sex", "housing", "saving_accounts", "checking_account", "purpose"]
NUMERIC = ["job", "credit_amount", "duration", "age"]


@pytest.fixture(scope="module")
def credit() -> tuple[pd.DataFrame, pd.Series]:
    from conftest import GERMAN_CREDIT

    data = pd.read_csv(GERMAN_CREDIT)
    return data.drop(columns="risk"), data["risk"]


def pipeline(model: BaseEstimator, *steps: object) -> object:
    encode = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), CATEGORICAL), (StandardScaler(), NUMERIC))
    return make_pipeline(*steps, encode, model)


# ---------------------------------------------------------------------------------------------
# deliberately broken estimators


class ReseedingForest(ClassifierMixin, BaseEstimator):
    """Draws its own seed on every fit: non-deterministic seed handling."""

    def fit(self, X, y):
        seed = int(np.random.default_rng().integers(2**31))  # fresh entropy, the global seed never reaches it
        self.forest_ = RandomForestClassifier(n_estimators=10, random_state=seed).fit(X, y)
        self.classes_ = self.forest_.classes_
        return self

    def predict_proba(self, X):
        return self.forest_.predict_proba(X)

    def predict(self, X):
        return self.forest_.predict(X)


class ScoresNotProbabilities(ClassifierMixin, BaseEstimator):
    """Returns class indices from predict and unnormalised scores from predict_proba."""

    def fit(self, X, y):
        self.model_ = LogisticRegression(max_iter=1000).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        scores = self.model_.decision_function(X)
        return np.exp(np.column_stack([-scores, scores]))  # the normalisation is missing

    def predict(self, X):
        return self.predict_proba(X).argmax(axis=1)  # an index, not classes_[index]


def log_amount_in_place(X: pd.DataFrame) -> pd.DataFrame:
    X["credit_amount"] = np.log(X["credit_amount"])  # writes into the caller's frame
    return X


# ---------------------------------------------------------------------------------------------
# real models on real data pass


@pytest.mark.parametrize(
    "model", [LogisticRegression(C=100, max_iter=2000), RandomForestClassifier(n_estimators=30, random_state=0)]
)
def test_real_classifiers_pass_every_check(credit, model) -> None:
    X, y = credit
    estimator = pipeline(model)
    with recording() as recorded:
        assert assert_learns(estimator, X, y).passed
        assert assert_can_overfit(estimator, X, y).passed
        assert assert_deterministic(estimator, X, y).passed
        assert assert_valid_predictions(estimator, X, y).passed
        assert assert_fit_preserves_input(estimator, X, y).passed
    assert [r.check for r in recorded] == [
        "assert_learns",
        "assert_can_overfit",
        "assert_deterministic",
        "assert_valid_predictions",
        "assert_fit_preserves_input",
    ]
    with pytest.raises(NotFittedError):  # the checks fitted clones, never the estimator passed in
        check_is_fitted(estimator)


def test_real_regressors_pass() -> None:
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    assert assert_learns(Ridge(alpha=0.1), X, y).figures["metric"] == "r2"
    assert assert_can_overfit(DecisionTreeRegressor(random_state=0), X, y).passed
    assert assert_valid_predictions(Ridge(), X, y).passed
    assert assert_deterministic(DecisionTreeRegressor(), X.to_numpy(), y.to_numpy()).passed  # seeded globally


def test_passing_messages(credit) -> None:
    X, y = credit
    result = assert_learns(pipeline(LogisticRegression(max_iter=1000)), X, y)
    assert result.message == (
        "assert_learns: Pipeline(... LogisticRegression) scored balanced_accuracy=0.6438 on 250 held-out rows "
        "(seed=0), +0.1438 over the DummyClassifier baseline (0.5); required margin 0.05"
    )
    assert result.table == [
        {"model": "Pipeline(... LogisticRegression)", "balanced_accuracy": pytest.approx(0.6438, abs=1e-4)},
        {"model": "DummyClassifier (baseline)", "balanced_accuracy": 0.5},
    ]


# ---------------------------------------------------------------------------------------------
# each broken model or dataset is caught by its check


LEARNS_FAILURE = """\
assert_learns: Pipeline(... LogisticRegression) scored balanced_accuracy=0.4943 on 250 held-out rows (seed=0), \
0.005714 below the DummyClassifier baseline (0.5); required: at least 0.55 (margin 0.05).

    Pipeline(... LogisticRegression): balanced_accuracy=0.4943
    DummyClassifier (baseline): balanced_accuracy=0.5

Likely causes:
  - X and y have different row labels (pandas indexes): the labels were probably shuffled, filtered or \
re-indexed apart from the features, so they no longer belong to their rows
  - features and labels are misaligned (shuffled, sorted or filtered separately)
  - the model never sees the informative features (a ColumnTransformer that drops them, remainder='drop', \
a constant or all-missing column)
  - the model is too constrained to learn (very strong regularisation, max_depth=1, too few iterations)
  - the features carry little signal about the target
What to change:
  - check that row i of X and row i of y describe the same sample
  - fit the model on a handful of rows and look at what it predicts (see assert_can_overfit)
  - loosen regularisation or give the model more capacity
To reproduce: pass seed=0 (or run pytest with --mltest-seed=0).
To waive this check: pass margin= a smaller number (margin=0 only asks to match the baseline), or set \
learns_margin under [tool.mltest]; or pass scoring= a metric that suits the problem."""


def test_learns_catches_labels_shuffled_apart_from_features(credit) -> None:
    X, y = credit
    shuffled = y.sample(frac=1, random_state=1)  # a misaligned index: the labels no longer belong to their rows
    with pytest.raises(mltest.CheckFailed) as caught:
        assert_learns(pipeline(LogisticRegression(max_iter=1000)), X, shuffled)
    assert str(caught.value) == LEARNS_FAILURE  # the family's message, pinned whole in the shared grammar
    assert caught.value.result.figures["baseline_score"] == 0.5


def test_learns_catches_an_over_regularised_model(credit) -> None:
    X, y = credit
    with pytest.raises(mltest.CheckFailed, match=r"balanced_accuracy=0.5 on 250 held-out rows .* only 0 above"):
        assert_learns(pipeline(LogisticRegression(C=1e-4)), X, y)


def test_the_split_seed_comes_from_the_seed_setting_unless_given(credit) -> None:
    X, y = credit
    estimator = pipeline(LogisticRegression(max_iter=1000))
    assert assert_learns(estimator, X, y).figures["seed"] == 0  # the run's --mltest-seed
    other = assert_learns(estimator, X, y, seed=3)
    assert other.figures["seed"] == 3
    assert " held-out rows (seed=3), " in other.message
    assert other.figures["score"] != assert_learns(estimator, X, y).figures["score"]  # another split
    old = _settings.get("seed")
    try:
        _settings.update({"seed": 3}, source="test")
        assert assert_learns(estimator, X, y).figures["score"] == other.figures["score"]
        assert assert_can_overfit(estimator, X, y, min_score=0).figures["seed"] == 3
    finally:
        _settings.update({"seed": old}, source="test")


def test_learns_margin_comes_from_the_setting_unless_given(credit) -> None:
    X, y = credit
    estimator = pipeline(LogisticRegression(max_iter=1000))
    old = _settings.get("learns_margin")
    try:
        _settings.update({"learns_margin": 0.5}, source="test")
        with pytest.raises(mltest.CheckFailed, match=r"required: at least 1 \(margin 0.5\)"):
            assert_learns(estimator, X, y)
        assert assert_learns(estimator, X, y, margin=0.1).figures["margin"] == 0.1
    finally:
        _settings.update({"learns_margin": old}, source="test")


def test_can_overfit_catches_features_that_never_reach_the_model(credit) -> None:
    X, y = credit
    only_sex = make_pipeline(make_column_transformer((OneHotEncoder(), ["sex"])), LogisticRegression())
    with pytest.raises(mltest.CheckFailed) as caught:
        assert_can_overfit(only_sex, X, y)
    message = str(caught.value)
    assert message.startswith(
        "assert_can_overfit: Pipeline(... LogisticRegression) scored accuracy=0.75 on the 20 rows it was fitted "
        "on (seed=0); required: at least 0.95. A model that cannot learn 20 rows by heart will not learn the full data."
    )
    assert "    5 of 20 rows predicted wrong, for example:\n    row " in message
    assert "    fitted with the limits for the full data lifted: C=10000.0 (was 1.0)\n" in message
    assert "  - the model ignores its input: the features are dropped or constant before they reach it" in message
    assert "To waive this check: pass min_score= the score you accept (this model reached 0.75)." in message
    assert "smaller sample" not in message  # a smaller sample is no remedy for a model that cannot fit


def test_deterministic_catches_a_model_that_draws_its_own_seed(credit) -> None:
    X, y = credit
    with pytest.raises(mltest.CheckFailed) as caught:
        assert_deterministic(pipeline(ReseedingForest()), X, y)
    message = str(caught.value)
    assert message.startswith(
        "assert_deterministic: two fits of Pipeline(... ReseedingForest) with the same seed (0) disagree on "
    )
    assert "np.random.default_rng() or random.Random() without a seed" in message
    assert "To waive this check: pass atol= the difference you accept" in message
    assert "To reproduce: pass seed=0 (or run pytest with --mltest-seed=0)." in message


def test_deterministic_names_unset_random_states(credit) -> None:
    X, y = credit
    result = assert_deterministic(pipeline(RandomForestClassifier(n_estimators=5)), X, y)
    assert result.figures["unset_random_state"] == "randomforestclassifier__random_state"


def test_valid_predictions_catches_indices_and_unnormalised_scores(credit) -> None:
    X, y = credit
    labels = y.map({1: "good", 0: "bad"})
    with pytest.raises(mltest.CheckFailed) as caught:
        assert_valid_predictions(pipeline(ScoresNotProbabilities()), X, labels)
    message = str(caught.value)
    assert message.startswith(
        "assert_valid_predictions: 3 problems in what Pipeline(... ScoresNotProbabilities) predicts for 1000 rows."
    )
    assert "    predicted labels: labels never seen in y: " in message
    assert "expected labels among ['bad', 'good']" in message
    assert "    predict_proba range: " in message
    assert "    predict_proba sums: 1000 rows do not sum to 1" in message
    assert "predict_proba returns scores rather than probabilities" in message
    assert "labels re-encoded between fit and predict" in message
    assert [row["check"] for row in caught.value.result.table] == [
        "predicted labels",
        "predict_proba range",
        "predict_proba sums",
    ]


def test_fit_preserves_input_catches_an_in_place_transform(credit) -> None:
    X, y = credit
    X = X.copy()
    estimator = pipeline(LogisticRegression(max_iter=1000), FunctionTransformer(log_amount_in_place))
    with pytest.raises(mltest.CheckFailed) as caught:
        assert_fit_preserves_input(estimator, X, y)
    message = str(caught.value)
    assert message.startswith(
        "assert_fit_preserves_input: fitting Pipeline(... LogisticRegression) modified its input in 2 places.\n\n"
        "    X['credit_amount'] (dtype): int64 -> float64\n"
        "    X['credit_amount']: 1000 cells changed, row 0: 1169 -> 7.06"
    )
    assert "a FunctionTransformer or custom transformer that returns its input after changing it" in message
    assert "copy before changing (X = X.copy())" in message


def test_fit_preserves_numpy_input() -> None:
    X, y = load_diabetes(return_X_y=True)

    class CentersInPlace(Ridge):
        def fit(self, X, y, sample_weight=None):
            X -= X.mean(axis=0)
            return super().fit(X, y, sample_weight)

    assert assert_fit_preserves_input(Ridge(), X, y).passed
    with pytest.raises(mltest.CheckFailed, match=r"X: \d+ cells changed, at \(\d+, \d+\): "):
        assert_fit_preserves_input(CentersInPlace(), X.copy(), y)


# ---------------------------------------------------------------------------------------------
# bad arguments


class _NoClasses(ClassifierMixin, BaseEstimator):
    """A classifier whose fit forgets classes_, which scikit-learn's scorers read."""

    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.zeros(len(X), dtype=int)


class _Constant:
    """fit and predict, but not derived from BaseEstimator: scikit-learn cannot clone or score it."""

    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.zeros(len(X), dtype=int)

    def __repr__(self) -> str:
        return "<_Constant>"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda X, y: assert_learns(LogisticRegression, X, y),
            mltest.InvalidArgumentType,
            "estimator=<class 'sklearn.linear_model._logistic.LogisticRegression'> has type type: expected an "
            "estimator instance such as LogisticRegression(), not a class",
        ),
        (
            lambda X, y: assert_learns("logistic", X, y),
            mltest.InvalidArgumentType,
            "estimator='logistic' has type str: expected a scikit-learn style estimator with fit and predict methods",
        ),
        (
            lambda X, y: assert_learns(_Constant(), X, y),
            mltest.InvalidArgumentType,
            "estimator=<_Constant> has type _Constant: expected a scikit-learn estimator: derive the class from "
            "sklearn.base.BaseEstimator (with ClassifierMixin or RegressorMixin), which gives it get_params and "
            "the tags the checks use",
        ),
        (
            lambda X, y: assert_learns(_NoClasses(), X, y),
            mltest.InvalidArgument,
            "estimator=_NoClasses() is not valid: expected a fitted model that the 'balanced_accuracy' scorer can "
            "score; it raised AttributeError: '_NoClasses' object has no attribute 'classes_' (a classifier's fit "
            "must set classes_, as scikit-learn's do)",
        ),
        (
            lambda X, y: assert_learns(Ridge(), X, y[:10]),
            mltest.InvalidArgument,
            "y='<10 rows>' is not valid: expected as many rows as X (1000)",
        ),
        (
            lambda X, y: assert_learns(Ridge(), X, y, scoring="accuracy_score"),
            mltest.InvalidArgument,
            "scoring='accuracy_score' is not valid: expected a scikit-learn scorer name or a callable "
            "(did you mean 'accuracy'?)",
        ),
        (
            lambda X, y: assert_learns(Ridge(), X, y, test_size=1.5),
            mltest.InvalidArgument,
            "test_size=1.5 is not valid: expected a fraction in (0, 1) or a number of rows from 1 to 999",
        ),
        (
            lambda X, y: assert_can_overfit(Ridge(), X, y, n_samples=1),
            mltest.InvalidArgument,
            "n_samples=1 is not valid: expected an integer >= 2",
        ),
        (
            lambda X, y: assert_learns(Ridge(), X, y, seed=-1),
            mltest.InvalidArgument,
            "seed=-1 is not valid: expected None or an integer from 0 to 2**32 - 1",
        ),
        (
            lambda X, y: assert_can_overfit(Ridge(), X, y, seed="0"),
            mltest.InvalidArgument,
            "seed='0' is not valid: expected None or an integer from 0 to 2**32 - 1",
        ),
        (
            lambda X, y: assert_deterministic(Ridge(), X, y, atol=-1),
            mltest.InvalidArgument,
            "atol=-1 is not valid: expected a number >= 0",
        ),
        (
            lambda X, y: assert_valid_predictions(Ridge(), None, y),
            mltest.InvalidArgumentType,
            "X=None has type NoneType: expected array-like data with one row per sample",
        ),
    ],
)
def test_bad_arguments(credit, call, error, message) -> None:
    X, y = credit
    with pytest.raises(error) as caught:
        call(X, y)
    assert str(caught.value).startswith(message)


def test_results_reach_the_mltest_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from sklearn.datasets import load_breast_cancer
        from sklearn.dummy import DummyClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        from mltest.training import assert_learns

        X, y = load_breast_cancer(return_X_y=True)

        def test_learns():
            assert_learns(make_pipeline(StandardScaler(), LogisticRegression()), X, y)

        def test_constant_model():
            assert_learns(DummyClassifier(strategy="most_frequent"), X, y)
        """
    )
    result = pytester.runpytest_subprocess("--mltest-report=report.json", "-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    import json

    report = json.loads((pytester.path / "report.json").read_text())
    assert report["counts"] == {"passed": 1, "failed": 1, "inconclusive": 0, "xfailed": 0}
    assert {r["family"] for r in report["results"]} == {"training"}
    failed = next(r for r in report["results"] if r["outcome"] == "failed")
    assert failed["check"] == "assert_learns"
    assert failed["figures"]["score"] == 0.5
    result.stdout.fnmatch_lines(["training: 2 checks, 1 passed, 1 failed"])
