"""Class labels of any type: ``pos_label=`` (fairlearn's name) names the positive class of binary labels."""

from __future__ import annotations

import functools
import warnings

import fairlearn.metrics as fl
import numpy as np
import pandas as pd
import polars as pl
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import mltest
from mltest import fairness as mf
from mltest.errors import CheckFailed, InvalidArgument, InvalidArgumentType

CRITERIA = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
]


@pytest.fixture(scope="module")
def census(german_credit: pd.DataFrame) -> dict:
    """A real model's decisions on the German credit data, with labels spelt as a census file spells them."""
    df = german_credit
    X = pd.get_dummies(df.drop(columns=["risk"]), dtype=float)
    y = df["risk"].to_numpy()
    y_pred = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y).predict(X)
    spell = np.array(["<=50K", ">50K"], dtype=object)
    return {"y": y, "y_pred": y_pred, "sex": df["sex"], "true": spell[y], "pred": spell[y_pred]}


@pytest.mark.parametrize("name", CRITERIA)
def test_string_labels_with_pos_label_give_the_values_of_0_1_labels(census: dict, name: str) -> None:
    expected = getattr(mf, name)(census["y"], census["y_pred"], sensitive_features=census["sex"])
    actual = getattr(mf, name)(census["true"], census["pred"], sensitive_features=census["sex"], pos_label=">50K")
    assert actual == pytest.approx(expected, abs=1e-12)


def test_pos_label_agrees_with_fairlearns_metric_frame(census: dict) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = fl.MetricFrame(
            metrics={
                "selection_rate": functools.partial(fl.selection_rate, pos_label=">50K"),
                "true_positive_rate": functools.partial(fl.true_positive_rate, pos_label=">50K"),
            },
            y_true=census["true"],
            y_pred=census["pred"],
            sensitive_features=census["sex"],
        )
    for metric in ("selection_rate", "true_positive_rate"):
        gm = mf.group_metrics(
            census["true"], census["pred"], sensitive_features=census["sex"], metric=metric, pos_label=">50K"
        )
        assert gm.values.tolist() == pytest.approx(frame.by_group[metric].tolist(), abs=1e-12)
        assert gm.difference == pytest.approx(frame.difference()[metric], abs=1e-12)


@pytest.mark.parametrize("check", [mltest.assert_demographic_parity, mltest.assert_equalized_odds])
def test_assertions_take_pos_label(census: dict, check) -> None:
    # the same verdict and figures as with 0/1 labels, in every input type
    expected = check(census["y"], census["y_pred"], sensitive_features=census["sex"], max_difference=0.3).figures
    inputs = [
        (census["true"], census["pred"]),
        (pd.Series(census["true"], dtype="string"), pd.Series(census["pred"], dtype="category")),
        (pl.Series(census["true"]), list(census["pred"])),
    ]
    for y_true, y_pred in inputs:
        result = check(y_true, y_pred, sensitive_features=census["sex"], max_difference=0.3, pos_label=">50K")
        assert result.figures == expected


def test_pos_label_with_data_columns_and_yes_no() -> None:
    frame = pd.DataFrame(
        {"approved": ["yes", "no"] * 30 + ["no"] * 40, "sex": ["f"] * 60 + ["m"] * 40, "label": ["yes"] * 100}
    )
    with pytest.raises(CheckFailed, match=r"^demographic parity violated: selection_rate difference 0\.5 > "):
        mltest.assert_demographic_parity("label", "approved", sensitive_features="sex", data=frame, pos_label="yes")
    assert mf.selection_rate(None, frame["approved"], pos_label="yes") == 0.3


BAD = [
    (
        "string labels without pos_label",
        {"y_true": ["no", "yes", "no", "yes"], "y_pred": ["no", "yes", "yes", "yes"]},
        "y_pred has 2 distinct values ['no', 'yes']: expected binary labels (0/1, -1/1 or booleans; 1 is the "
        "positive label) for a binary metric; name the positive class with pos_label=, one of ['no', 'yes']",
    ),
    (
        "a misspelt positive class",
        {"y_true": ["<=50K", ">50K", "<=50K", ">50K"], "y_pred": [">50K"] * 4, "pos_label": ">50k"},
        "pos_label='>50k' is not valid: expected a class of y_true or y_pred, one of ['<=50K', '>50K'] "
        "(did you mean '>50K'?)",
    ),
    (
        "a list for the positive class",
        {"y_true": ["<=50K", ">50K", "<=50K", ">50K"], "y_pred": [">50K"] * 4, "pos_label": [">50K"]},
        "pos_label=['>50K'] has type list: expected one class (a string, number or boolean), e.g. pos_label='>50K'",
    ),
    (
        "three classes",
        {"y_true": ["a", "b", "c", "a"], "y_pred": ["a", "a", "a", "a"], "pos_label": "a"},
        "y_true has 2 distinct values ['b', 'c'] besides pos_label='a': expected two classes, "
        "pos_label='a' and one other",
    ),
    (
        "another negative class in y_pred",
        {"y_true": ["yes", "no", "yes", "no"], "y_pred": ["yes", "No", "yes", "no"], "pos_label": "yes"},
        "y_pred has 2 distinct values ['No', 'no'] besides pos_label='yes': expected two classes, "
        "pos_label='yes' and one other",
    ),
    (
        "the negative class differs between y_true and y_pred",
        {"y_true": ["yes", "no", "yes", "no"], "y_pred": ["yes", "No", "yes", "No"], "pos_label": "yes"},
        "y_true and y_pred have different classes besides pos_label='yes' ('no' and 'No'): expected two classes, "
        "pos_label='yes' and one other",
    ),
    (
        "a missing label",
        {"y_true": ["yes", None, "yes", "no"], "y_pred": ["yes", "no", "yes", "no"], "pos_label": "yes"},
        "y_true has 1 missing value (NaN/None), at rows [1]: drop those rows before the check",
    ),
]


@pytest.mark.parametrize(("kwargs", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_labels_are_named(kwargs: dict, message: str) -> None:
    with pytest.raises((InvalidArgument, InvalidArgumentType)) as info:
        mf.equalized_odds_difference(sensitive_features=["a", "b", "a", "b"], **kwargs)
    assert str(info.value) == message


def test_selection_rate_refuses_a_positive_class_that_no_row_holds() -> None:
    # a misspelt class would make every prediction a negative: 0.0, silently
    with pytest.raises(InvalidArgument) as info:
        mf.selection_rate(["<=50K", ">50K"], ["<=50K", "<=50K"], pos_label=">50k")
    assert str(info.value) == (
        "pos_label='>50k' is not valid: expected a class of y_true or y_pred, one of ['<=50K', '>50K'] "
        "(did you mean '>50K'?)"
    )
    with pytest.raises(InvalidArgumentType, match=r"^pos_label=\[1\] has type list: expected one class"):
        mf.selection_rate([0, 1], [0, 1], pos_label=[1])
    assert mf.selection_rate([0, 1], [0, 0]) == 0.0  # a class of y_true that nobody is predicted: fairlearn's 0
    assert mf.selection_rate([0, 0], [0, 0]) == mf.selection_rate(None, [0, 0]) == 0.0
    with pytest.raises(InvalidArgument, match=r"^pos_label=2 is not valid: expected a class of y_true or y_pred"):
        mf.selection_rate([0, 1], [0, 0], pos_label=2)
