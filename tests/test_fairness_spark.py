"""PySpark DataFrames: the group aggregates run on Spark (a local[1] session) and give the same values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mltest import fairness as mf
from mltest.errors import CheckFailed, InvalidArgument

# pyspark 4.3 warns that it does not fully support pandas 3 (createDataFrame works here).
pytestmark = [pytest.mark.spark, pytest.mark.filterwarnings("ignore::FutureWarning")]


@pytest.fixture(scope="module")
def credit(german_credit: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    df = german_credit[["risk", "sex", "age"]].copy()
    df["age_band"] = pd.cut(df["age"], [0, 25, 35, 50, 120], labels=["<=25", "26-35", "36-50", ">50"]).astype(str)
    # A deliberately biased decision: women are refused half of the time, whatever their risk.
    df["pred"] = np.where((df["sex"] == "female") & (rng.random(len(df)) < 0.5), 0, df["risk"])
    df["weight"] = df["age"] / 40.0
    return df


def test_spark_values_equal_local_values(spark, credit: pd.DataFrame) -> None:
    sdf = spark.createDataFrame(credit)
    for name, columns in (("demographic_parity_difference", ["sex"]), ("equalized_odds_ratio", ["sex", "age_band"])):
        local = getattr(mf, name)(
            credit["risk"], credit["pred"], sensitive_features=credit[columns], sample_weight=credit["weight"]
        )
        remote = getattr(mf, name)("risk", "pred", sensitive_features=columns, sample_weight="weight", data=sdf)
        assert abs(local - remote) <= 1e-9, (name, columns)
    gm = mf.group_metrics("risk", "pred", sensitive_features=["sex", "age_band"], metric="accuracy", data=sdf)
    assert gm.groups[0] == ("female", "26-35") and int(gm.counts.sum()) == 1000


def test_spark_assertion_fails_the_biased_decision(spark, credit: pd.DataFrame) -> None:
    sdf = spark.createDataFrame(credit)
    pattern = r"^demographic parity violated: selection_rate difference 0\.388 \(95% interval 0\.\d+ to 0\.\d+\) > "
    with pytest.raises(CheckFailed, match=pattern):
        mf.assert_demographic_parity("risk", "pred", sensitive_features="sex", data=sdf, confidence=0.95, seed=1)
    mf.assert_demographic_parity("risk", "risk", sensitive_features="sex", data=sdf, max_difference=0.1)


def test_spark_bad_input_is_named(spark, credit: pd.DataFrame) -> None:
    bad = credit.assign(pred=credit["pred"] * 2, sex=credit["sex"].where(credit.index > 2, None))
    sdf = spark.createDataFrame(bad)
    with pytest.raises(InvalidArgument, match=r"^y_pred has values other than 0/1 or -1/1"):
        mf.demographic_parity_difference("risk", "pred", sensitive_features="sex", data=sdf)
    with pytest.raises(InvalidArgument, match=r"^sensitive_features has 3 missing values \(null\) in sex: fill them"):
        mf.demographic_parity_difference("risk", "risk", sensitive_features="sex", data=sdf)
    with pytest.raises(
        InvalidArgument,
        match=r"^y_true='risky' is not valid: expected a column of the data \('risk', .*\) \(did you mean 'risk'\?\)$",
    ):
        mf.equalized_odds_difference("risky", "risk", sensitive_features="sex", data=sdf)
    with pytest.raises(InvalidArgument, match=r"^data=DataFrame\[risk: .* is not valid: expected at least one row$"):
        mf.demographic_parity_difference("risk", "pred", sensitive_features="sex", data=sdf.limit(0))


def test_spark_string_labels_with_pos_label(spark, credit: pd.DataFrame) -> None:
    spelt = credit.assign(
        risk=np.where(credit["risk"] == 1, "good", "bad"), pred=np.where(credit["pred"] == 1, "good", "bad")
    )
    sdf = spark.createDataFrame(spelt)
    expected = mf.equalized_odds_ratio(credit["risk"], credit["pred"], sensitive_features=credit["sex"])
    actual = mf.equalized_odds_ratio("risk", "pred", sensitive_features="sex", data=sdf, pos_label="good")
    assert abs(actual - expected) <= 1e-12
    with pytest.raises(InvalidArgument) as info:  # without pos_label: named, not Spark's CAST_INVALID_INPUT
        mf.equalized_odds_ratio("risk", "pred", sensitive_features="sex", data=sdf)
    assert str(info.value) == (
        "y_pred has values other than 0/1 or -1/1 (or missing values): expected binary labels (0/1, -1/1 or "
        "booleans; 1 is the positive label) for a binary metric; for labels of another type, name the positive "
        "class with pos_label="
    )
    with pytest.raises(InvalidArgument, match=r"^pos_label='Good' is not valid: expected a class of y_true or y_pred"):
        mf.equalized_odds_ratio("risk", "pred", sensitive_features="sex", data=sdf, pos_label="Good")
    mixed = spark.createDataFrame(spelt.assign(pred=spelt["pred"].where(spelt.index > 0, "Bad")))
    with pytest.raises(
        InvalidArgument, match=r"^y_true and y_pred have 2 classes besides pos_label='good' \('Bad', 'bad'\)"
    ):
        mf.equalized_odds_ratio("risk", "pred", sensitive_features="sex", data=mixed, pos_label="good")


def test_spark_several_classes(spark, german_credit: pd.DataFrame) -> None:
    df = german_credit[["housing", "sex", "purpose"]].copy()
    rng = np.random.default_rng(1)
    df["pred"] = np.where(rng.random(len(df)) < 0.7, df["housing"], rng.choice(["own", "rent", "free"], len(df)))
    sdf = spark.createDataFrame(df)
    labels = ["own", "rent", "free"]
    local = mf.equalized_odds_ratio(df["housing"], df["pred"], sensitive_features=df["sex"], labels=labels)
    remote = mf.equalized_odds_ratio("housing", "pred", sensitive_features="sex", data=sdf, labels=labels)
    assert abs(local - remote) <= 1e-12
    gm = mf.group_metrics(
        "housing", "pred", sensitive_features="sex", data=sdf, metric="precision", labels=labels, pos_label="free"
    )
    assert gm.label == "free" and gm.name == "precision[free]"
    with pytest.raises(InvalidArgument, match=r"^y_true has values that are missing or not in labels: expected every"):
        mf.equalized_odds_ratio("purpose", "pred", sensitive_features="sex", data=sdf, labels=labels)
    with pytest.raises(InvalidArgument, match=r"^metric='mean_absolute_error' is not valid: expected one of \["):
        mf.group_metrics("housing", "pred", sensitive_features="sex", data=sdf, metric="mean_absolute_error")
    with pytest.raises(InvalidArgument) as info:  # as locally: a class that no row holds
        mf.equalized_odds_ratio("housing", "pred", sensitive_features="sex", data=sdf, labels=[*labels, "boat"])
    assert str(info.value) == (
        "labels=['own', 'rent', 'free', 'boat'] is not valid: 'boat' occurs in no row of y_true or y_pred; "
        "expected classes of the data, found ['own', 'rent', 'free']"
    )
    with pytest.raises(InvalidArgument, match=r"^sample_weight is 0 in every row: expected at least one positive"):
        mf.demographic_parity_difference(
            None,
            "housing",
            sensitive_features="sex",
            data=sdf.withColumn("w", sdf["pred"].isNull().cast("double")),
            sample_weight="w",
            labels=labels,
        )
