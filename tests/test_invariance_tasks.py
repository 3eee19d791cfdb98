"""The behavioural checks for regression and multiclass models, on real data (issue 15).

Regression: the diabetes data (disease progression, with a ``sex`` column), compared with absolute
(``tolerance=``) and relative (``rtol=``) tolerances. Multiclass: iris, as labels (a flip fails) or
as probability vectors (``output='proba'``: the largest change of any class), and one class's
probability for directional expectations (``label=``). Each check passes a correct model and
catches a deliberately broken one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from threadpoolctl import threadpool_limits

import mltest
from mltest import perturb
from mltest.errors import CheckFailed, InvalidArgument


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """OpenMP threads only fight each other on a shared machine."""
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def diabetes() -> tuple[pd.DataFrame, pd.Series]:
    return load_diabetes(return_X_y=True, as_frame=True)


@pytest.fixture(scope="module")
def iris() -> tuple[pd.DataFrame, pd.Series]:
    X, y = load_iris(return_X_y=True, as_frame=True)
    return X, y.map(dict(enumerate(load_iris().target_names)))


def _swap_sex(X: pd.DataFrame):
    return perturb.swap("sex", sorted(X["sex"].unique()))  # the data's two (standardised) values


# -- regression ------------------------------------------------------------------------------------
class AddsForOneSex:
    """A deliberately broken regressor: it adds 30 to the progression predicted for one sex."""

    def __init__(self, model, X: pd.DataFrame) -> None:
        self.model, self.marked = model, X["sex"].max()

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.model.predict(X) + 30.0 * (X["sex"].to_numpy() == self.marked)


def test_a_regressor_that_ignores_sex_is_invariant_to_it(diabetes) -> None:
    X, y = diabetes
    blind = Ridge().fit(X.assign(sex=0.0), y)
    ignores = lambda frame: blind.predict(frame.assign(sex=0.0))  # noqa: E731
    result = mltest.assert_invariant(ignores, X, _swap_sex(X))
    assert result.passed and result.figures["max_change"] == 0


def test_a_regressor_that_moves_with_sex_is_caught_beyond_the_tolerance(diabetes) -> None:
    X, y = diabetes
    broken = AddsForOneSex(Ridge().fit(X.assign(sex=0.0), y), X)
    with pytest.raises(CheckFailed) as caught:
        mltest.assert_invariant(broken, X, _swap_sex(X), tolerance=5)
    message = str(caught.value)
    assert message.startswith("442 of 442 rows (100.0%) changed prediction by more than tolerance=5 under swap('sex', ")
    assert "    Predictions from AddsForOneSex.predict (value); 442 perturbed rows in 2 predict calls; " in message
    assert "largest change 30." in message
    assert "  - if small changes are expected: allow them with tolerance= (absolute) or rtol= (relative)" in message
    assert mltest.assert_invariant(broken, X, _swap_sex(X), tolerance=31).passed


def test_a_relative_tolerance_scales_with_each_prediction(diabetes) -> None:
    X, y = diabetes
    broken = AddsForOneSex(Ridge().fit(X.assign(sex=0.0), y), X)
    predictions = broken.predict(X.assign(sex=X["sex"].min()))
    # a change of 30 is within 25% of a prediction above 120, not of one below
    expected_failing = int((0.25 * np.abs(predictions) + 1e-9 < 30).sum())
    with pytest.raises(CheckFailed) as caught:
        mltest.assert_invariant(broken, X, _swap_sex(X), rtol=0.25)
    figures = caught.value.result.figures
    assert 0 < figures["failing_rows"] < 442 and (figures["tolerance"], figures["rtol"]) == (0, 0.25)
    assert str(caught.value).startswith(
        f"{figures['failing_rows']} of 442 rows ({figures['failing_rows'] / 442:.1%}) changed prediction by more "
        "than tolerance=0 + rtol=0.25 x |prediction| under swap("
    )
    assert abs(figures["failing_rows"] - expected_failing) <= expected_failing * 0.2 + 5  # both sexes' rows count
    with pytest.raises(CheckFailed) as both:  # absolute and relative add up
        mltest.assert_invariant(broken, X, _swap_sex(X), tolerance=10, rtol=0.25)
    assert 0 < both.value.result.figures["failing_rows"] < figures["failing_rows"]
    assert mltest.assert_invariant(broken, X, _swap_sex(X), tolerance=10, rtol=0.3).passed


def test_directional_expectations_of_a_regressor(diabetes) -> None:
    X, y = diabetes
    bmi = perturb.shift("bmi", 0.02)  # a higher body mass index: a worse progression, never a better one
    monotone = HistGradientBoostingRegressor(max_iter=50, monotonic_cst={"bmi": 1}, random_state=0).fit(X, y)
    assert mltest.assert_directional(monotone, X, bmi, direction="not_decrease").passed
    unconstrained = HistGradientBoostingRegressor(max_iter=50, random_state=0).fit(X, y)
    with pytest.raises(CheckFailed, match=r"rows \(\d+\.\d%\) decreased under shift\('bmi', 0.02\)") as strict:
        mltest.assert_directional(unconstrained, X, bmi, direction="not_decrease")
    with pytest.raises(CheckFailed) as forgiving:  # a wrong-way move of up to 5% of the prediction is forgiven
        mltest.assert_directional(unconstrained, X, bmi, direction="not_decrease", rtol=0.05)
    assert forgiving.value.result.figures["failing_rows"] < strict.value.result.figures["failing_rows"]


# -- multiclass ------------------------------------------------------------------------------------
def test_multiclass_labels_flip_or_stay(iris) -> None:
    X, y = iris
    noise = perturb.noise("sepal width (cm)", 0.3, seed=0)
    petals = ["petal length (cm)", "petal width (cm)"]
    on_petals = LogisticRegression(max_iter=1000).fit(X[petals], y)
    assert mltest.assert_invariant(lambda frame: on_petals.predict(frame[petals]), X, noise).passed
    on_everything = LogisticRegression(max_iter=1000).fit(X, y)
    with pytest.raises(CheckFailed) as caught:
        mltest.assert_invariant(on_everything, X, noise)
    message = str(caught.value)
    assert "    Predictions from LogisticRegression.predict (label); " in message
    assert "        prediction        'virginica'  'versicolor'" in message


def test_multiclass_probabilities_are_compared_as_whole_vectors(iris) -> None:
    X, y = iris
    model = LogisticRegression(max_iter=1000).fit(X, y)
    noise = perturb.noise("sepal width (cm)", 0.3, seed=0)
    with pytest.raises(CheckFailed) as caught:
        mltest.assert_invariant(model, X, noise, output="proba", tolerance=0.05)
    result = caught.value.result
    before, after = model.predict_proba(X), model.predict_proba(noise.apply(X, seed=0))
    largest = np.abs(after - before).max(axis=1)  # every class, not only classes_[1]
    assert result.figures["max_change"] == pytest.approx(largest.max())
    assert result.figures["failing_rows"] == int((largest > 0.05).sum())
    assert len(result.table[0]["prediction"]) == 3 and len(result.table[0]["perturbed_prediction"]) == 3
    assert "Predictions from LogisticRegression.predict_proba (probability); " in str(caught.value)
    assert mltest.assert_invariant(model, X, noise, output="proba", tolerance=0.1).passed


class SwappedClasses:
    """A deliberately broken classifier: its probability columns are in another order than classes_."""

    def __init__(self, model) -> None:
        self.model, self.classes_ = model, model.classes_

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(X)[:, ::-1]

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def test_directional_on_one_class_of_a_multiclass_model(iris) -> None:
    X, y = iris
    model = LogisticRegression(max_iter=1000).fit(X, y)
    longer = perturb.shift("petal length (cm)", 0.5)
    result = mltest.assert_directional(model, X, longer, direction="increase", label="virginica")
    assert result.passed and result.figures["output"] == "LogisticRegression.predict_proba"
    with pytest.raises(CheckFailed) as caught:
        mltest.assert_directional(SwappedClasses(model), X, longer, direction="increase", label="virginica")
    assert "    Predictions from SwappedClasses.predict_proba (probability of 'virginica'); " in str(caught.value)
    with pytest.raises(InvalidArgument) as raised:
        mltest.assert_directional(model, X, longer, direction="increase")
    assert str(raised.value).endswith(
        "returned shape (150, 3); pass label= the class whose probability must move, one of "
        "['setosa', 'versicolor', 'virginica']"
    )
    with pytest.raises(InvalidArgument, match=r"label='virginca' is not valid: .* \(did you mean 'virginica'\?\)"):
        mltest.assert_directional(model, X, longer, direction="increase", label="virginca")


def test_multiclass_cases(iris) -> None:
    X, y = iris
    model = LogisticRegression(max_iter=1000).fit(X, y)
    cases = X.iloc[[0, 60, 120]].assign(expected=["setosa", "versicolor", "virginica"])  # one typical flower each
    assert mltest.assert_cases(model, cases, "expected").passed
    with pytest.raises(CheckFailed, match=r"^2 of 3 cases \(66.7%\) got an unexpected prediction"):
        mltest.assert_cases(SwappedClasses(model), cases, "expected")
