"""min_group_size counts the rows that determine each rate, and a rate with no such rows is not 0."""

from __future__ import annotations

import numpy as np
import pytest

import mltest
from mltest import fairness as mf


def perfect_classifier_with_a_group_without_positives(groups: str = "ab") -> tuple:
    y_true = np.array(([1, 0] * 50 + [0] * 100 + [0, 1] * 50)[: 100 * len(groups)])  # group b has no positives
    return y_true, y_true.copy(), [g for g in groups for _ in range(100)]


def test_a_group_without_positives_has_no_true_positive_rate() -> None:
    y_true, y_pred, group = perfect_classifier_with_a_group_without_positives("abc")
    # fairlearn's function reads the missing rate as 0 (and so does mltest's, to match it) ...
    assert mf.equal_opportunity_difference(y_true, y_pred, sensitive_features=group) == 1.0
    # ... but the check does not judge it: a perfect classifier does not violate equal opportunity
    result = mltest.assert_equalized_odds(y_true, y_pred, sensitive_features=group, min_group_size=0, min_ratio=None)
    assert result.outcome == "passed"
    assert result.table[1] == {
        "sensitive_feature_0": "b",
        "n": 100,
        "positives": 0,
        "negatives": 100,
        "true_positive_rate": pytest.approx(np.nan, nan_ok=True),
        "false_positive_rate": 0.0,
        "note": "true_positive_rate: no positives",
    }
    gm = mf.group_metrics(y_true, y_pred, sensitive_features=group, metric="true_positive_rate")
    assert np.isnan(gm.values[1]) and gm.judged.tolist() == [True, False, True] and gm.note(1) == "no positives"
    assert gm.difference == 0.0


def test_equal_opportunity_with_one_judged_group_is_inconclusive() -> None:
    y_true, y_pred, group = perfect_classifier_with_a_group_without_positives()
    with pytest.raises(mltest.CheckFailed) as info:
        mltest.assert_equal_opportunity(y_true, y_pred, sensitive_features=group, min_group_size=0)
    assert info.value.result.outcome == "inconclusive"
    assert str(info.value).splitlines()[0] == (
        "equal opportunity inconclusive: true_positive_rate: only 1 of 2 groups has at least min_group_size=0 "
        "positives, so no two groups can be compared"
    )
    assert "Likely causes:\n  - fewer than two groups have min_group_size=0 positives (or any)" in str(info.value)


def test_min_group_size_counts_the_positives_for_a_true_positive_rate() -> None:
    # group b has 200 rows but only 10 positives, of which the model finds 2: too few to judge its TPR
    rng = np.random.default_rng(0)
    y_true = np.concatenate([rng.integers(0, 2, 200), np.r_[np.ones(10, int), np.zeros(190, int)]])
    y_pred = y_true.copy()
    y_pred[200:208] = 0
    group = ["a"] * 200 + ["b"] * 200
    group += ["c"] * 200  # a third group like a, so that two groups have enough positives
    y_true, y_pred = np.concatenate([y_true, y_true[:200]]), np.concatenate([y_pred, y_pred[:200]])
    result = mltest.assert_equalized_odds(y_true, y_pred, sensitive_features=group, min_group_size=30)
    assert result.outcome == "passed"  # the false positive rates (190 negatives in b) are judged and equal
    assert result.table[1]["note"] == "true_positive_rate: too few positives (10 < 30)"
    assert "    b      200         10        190              0.2000               0.0000  " in result.message
    with pytest.raises(mltest.CheckFailed, match=r"^equalized odds violated: true_positive_rate difference 0\.8 "):
        mltest.assert_equalized_odds(y_true, y_pred, sensitive_features=group, min_group_size=10)
