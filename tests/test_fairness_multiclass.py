"""Several classes: labels= lists them, each is measured one-vs-rest, and the worst class decides."""

from __future__ import annotations

import warnings

import fairlearn.metrics as fl
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

import mltest
from mltest import fairness as mf
from mltest.errors import CheckFailed, InvalidArgument

HOUSING = ["own", "rent", "free"]
RATES = {
    "selection_rate": fl.selection_rate,
    "true_positive_rate": fl.true_positive_rate,
    "false_positive_rate": fl.false_positive_rate,
}


@pytest.fixture(scope="module")
def housing(german_credit: pd.DataFrame) -> dict:
    """A real three-class model: a random forest that predicts housing (own, rent, free) from the German credit data."""
    df = german_credit
    X = pd.get_dummies(df.drop(columns=["housing", "sex"]), dtype=float)
    model = RandomForestClassifier(n_estimators=50, min_samples_leaf=3, random_state=0).fit(X, df["housing"])
    y_pred = model.predict(X)
    # a broken model: it never predicts 'rent' for a woman
    broken = np.where((df["sex"] == "female") & (y_pred == "rent"), "own", y_pred)
    age = pd.cut(df["age"], [0, 30, 45, 120], labels=["<=30", "31-45", ">45"]).astype(str)
    return {
        "y": df["housing"].to_numpy(),
        "y_pred": y_pred,
        "broken": broken,
        "sex": df["sex"],
        "both": pd.DataFrame({"sex": df["sex"], "age": age}),
        "weights": df["credit_amount"].to_numpy() / 1000.0,
    }


def metric_frame(y: np.ndarray, y_pred: np.ndarray, label: str, sensitive: object, weights=None) -> fl.MetricFrame:
    """fairlearn's one-vs-rest reading of class ``label``: the labels made binary first."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fl.MetricFrame(
            metrics=RATES,
            y_true=(y == label).astype(int),
            y_pred=(y_pred == label).astype(int),
            sensitive_features=sensitive,
            sample_params=None if weights is None else {m: {"sample_weight": weights} for m in RATES},
        )


@pytest.mark.parametrize("features", ["sex", "both"])
@pytest.mark.parametrize("weighted", [False, True])
def test_each_class_agrees_with_fairlearns_metric_frame(housing: dict, features: str, weighted: bool) -> None:
    weights = housing["weights"] if weighted else None
    for label in HOUSING:
        frame = metric_frame(housing["y"], housing["y_pred"], label, housing[features], weights)
        for metric in RATES:
            for method in ("between_groups", "to_overall"):
                gm = mf.group_metrics(
                    housing["y"], housing["y_pred"], sensitive_features=housing[features], metric=metric,
                    labels=HOUSING, pos_label=label, method=method, sample_weight=weights,
                )  # fmt: skip
                assert gm.values.tolist() == pytest.approx(frame.by_group[metric].tolist(), abs=1e-12)
                assert gm.overall == pytest.approx(frame.overall[metric], abs=1e-12)
                assert gm.difference == pytest.approx(frame.difference(method=method)[metric], abs=1e-12)
                assert gm.ratio == pytest.approx(frame.ratio(method=method)[metric], abs=1e-12)


def test_the_criteria_give_the_worst_class(housing: dict) -> None:
    y, y_pred, sex = housing["y"], housing["broken"], housing["sex"]
    per_class = [
        fl.equalized_odds_difference((y == c).astype(int), (y_pred == c).astype(int), sensitive_features=sex)
        for c in HOUSING
    ]
    assert mf.equalized_odds_difference(y, y_pred, sensitive_features=sex, labels=HOUSING) == pytest.approx(
        max(per_class), abs=1e-12
    )
    only_free = mf.equalized_odds_difference(y, y_pred, sensitive_features=sex, labels=HOUSING, pos_label="free")
    assert only_free == pytest.approx(per_class[2], abs=1e-12)


def test_a_model_that_ignores_a_class_for_one_group_fails_on_that_class(housing: dict) -> None:
    with pytest.raises(CheckFailed) as info:
        mltest.assert_equalized_odds(housing["y"], housing["broken"], sensitive_features=housing["sex"], labels=HOUSING)
    message = str(info.value)
    assert message.startswith("equalized odds violated: true_positive_rate[rent] difference 0.155 > max_difference 0.1")
    assert message.splitlines()[0].endswith(" (and 2 more classes)")
    result = info.value.result
    assert list(result.table[0]) == [
        "sex", "class", "n", "positives", "negatives", "true_positive_rate", "false_positive_rate",
    ]  # fmt: skip
    assert [(row["class"], row["sex"]) for row in result.table][:3] == [
        ("own", "female"),
        ("own", "male"),
        ("rent", "female"),
    ]
    assert result.table[2]["true_positive_rate"] == 0.0  # no woman is predicted to rent
    assert result.figures["true_positive_rate[rent]_difference"] == pytest.approx(0.155, abs=1e-3)
    assert [c["value"] for c in result.charts] == ["true_positive_rate", "false_positive_rate"]
    assert result.charts[0]["label"] == ["sex", "class"]
    assert "    female  rent   310         95        215              0.0000               0.0000" in message


def fair_three_class_model(n: int = 6000, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A logistic regression on data whose classes do not depend on the group (and it never sees the group)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = np.array(["cat", "dog", "bird"])[np.argmax(X + rng.normal(scale=0.7, size=(n, 3)), axis=1)]
    group = rng.choice(["a", "b"], size=n)
    return y, LogisticRegression().fit(X, y).predict(X), group


def test_a_fair_three_class_model_passes_and_its_broken_copy_fails() -> None:
    y, y_pred, group = fair_three_class_model()
    options = {"sensitive_features": group, "labels": ["cat", "dog", "bird"], "max_difference": 0.1}
    options |= {"confidence": 0.95, "seed": 0}
    for check in (mltest.assert_demographic_parity, mltest.assert_equalized_odds):
        result = check(y, y_pred, **options)
        assert result.outcome == "passed", result.message.splitlines()[0]
    broken = np.where((group == "b") & (y_pred == "dog"), "cat", y_pred)  # group b is never told 'dog'
    with pytest.raises(CheckFailed) as info:
        mltest.assert_equalized_odds(y, broken, **options)
    assert info.value.result.outcome == "failed"
    assert str(info.value).startswith(
        "equalized odds violated: true_positive_rate[dog] difference 0.712 (95% interval 0.67"
    )
    assert "each of the 6 rates' at 99.17%" in str(info.value)


BAD = [
    (
        "several classes without labels",
        {"y_true": ["a", "b", "c", "a"], "y_pred": ["a", "b", "c", "c"]},
        "y_pred has 3 distinct values ['a', 'b', 'c']: expected binary labels (0/1, -1/1 or booleans; 1 is the "
        "positive label) for a binary metric; for several classes pass every class as labels=[...] (each is "
        "judged one-vs-rest)",
    ),
    (
        "a class labels= does not list",
        {
            "y_true": ["cat", "dog", "bird", "cat"],
            "y_pred": ["cat", "Dog", "bird", "cat"],
            "labels": ["cat", "dog", "bird"],
        },
        "y_pred has 1 class that labels=['cat', 'dog', 'bird'] does not list: 'Dog' (1 row) (did you mean 'dog'?); "
        "expected labels= to list every class",
    ),
    (
        "a single class",
        {"y_true": ["a", "b", "a", "b"], "y_pred": ["a", "b", "a", "a"], "labels": ["a"]},
        "labels=['a'] is not valid: expected at least two classes (one-vs-rest needs a rest)",
    ),
    (
        "a class twice",
        {"y_true": ["a", "b", "a", "b"], "y_pred": ["a", "b", "a", "a"], "labels": ["a", "b", "a"]},
        "labels has 'a' more than once: expected distinct classes",
    ),
    (
        "a class that occurs in no row",
        {"y_true": ["a", "b", "a", "b"], "y_pred": ["a", "b", "b", "a"], "labels": ["a", "b", "c"]},
        "labels=['a', 'b', 'c'] is not valid: 'c' occurs in no row of y_true or y_pred; expected classes of "
        "the data, found ['a', 'b']",
    ),
    (
        "pos_label not among labels",
        {"y_true": ["ab", "b", "ab", "b"], "y_pred": ["ab", "b", "ab", "b"], "labels": ["ab", "b"], "pos_label": "abc"},
        "pos_label='abc' is not valid: expected one of labels=['ab', 'b'] (did you mean 'ab'?)",
    ),
]


@pytest.mark.parametrize(("kwargs", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_classes_are_named(kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        mf.equalized_odds_difference(sensitive_features=["x", "y", "x", "y"], **kwargs)
    assert str(info.value) == message


def test_group_metrics_measures_one_class() -> None:
    with pytest.raises(InvalidArgument, match=r"^pos_label=None is not valid: expected the class to measure, one of "):
        mf.group_metrics(["a", "b", "c"], ["a", "b", "c"], sensitive_features=["x", "y", "x"], labels=["a", "b", "c"])
