"""CBPE: NannyML's estimates on the same data, intervals that hold the realised metric, a verdict on a weak model.

NannyML's numbers come from tests/data/cbpe_nannyml.json, written by benchmarks/cbpe_nannyml.py
in NannyML's own virtual environment (it installs with pandas 3, but with a large dependency tree).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import ROOT

import mltest
from mltest.report import recording

pytestmark = pytest.mark.monitoring

NANNYML = json.loads((ROOT / "tests" / "data" / "cbpe_nannyml.json").read_text())


def _data(n: int, offset: int, power: float) -> tuple[np.ndarray, np.ndarray]:
    """The script's data: probabilities spread over 0..1 and labels drawn from them, without an RNG."""
    i = np.arange(offset, offset + n)
    p = (i * 0.6180339887498949) % 1.0
    y = ((i * 0.7548776662466927) % 1.0 < p).astype(int)
    return p**power, y


@pytest.mark.parametrize(("case", "power"), [("calibrated", 1.0), ("needs_calibration", 2.0)])
def test_estimates_equal_nannymls_cbpe(case: str, power: float) -> None:
    expected = NANNYML["cases"][case]
    reference_proba, reference_y = _data(5000, 1, power)
    proba, _ = _data(5000, 20001, power)
    calibration = (reference_y, reference_proba) if expected["calibrated_by_nannyml"] else None
    for metric, value in expected["estimates"].items():
        estimate = mltest.estimate_performance(proba, metric=metric, calibration=calibration)
        assert estimate.value == pytest.approx(value, abs=1e-6), metric


@pytest.mark.parametrize("metric", ["accuracy", "precision", "recall", "specificity", "f1", "roc_auc"])
def test_the_interval_holds_the_realised_metric_when_probabilities_are_calibrated(metric: str) -> None:
    from sklearn import metrics as sk

    scorers = {
        "accuracy": sk.accuracy_score,
        "precision": sk.precision_score,
        "recall": sk.recall_score,
        "f1": sk.f1_score,
        "specificity": lambda y, p: sk.recall_score(1 - y, 1 - p),
    }
    rng = np.random.default_rng(7)
    proba = rng.beta(2, 3, 4_000)
    estimate = mltest.estimate_performance(proba, metric=metric, seed=1)
    inside = 0
    for _ in range(40):
        y = (rng.random(len(proba)) < proba).astype(int)
        realised = sk.roc_auc_score(y, proba) if metric == "roc_auc" else scorers[metric](y, proba >= 0.5)
        inside += estimate.low <= realised <= estimate.high
    assert inside >= 34  # 95% intervals: about 38 of 40


def test_a_model_whose_current_rows_are_uncertain_fails_and_a_confident_one_passes() -> None:
    rng = np.random.default_rng(8)
    confident = np.clip(rng.beta(0.3, 0.3, 2_000), 0, 1)  # most probabilities near 0 or 1
    uncertain = rng.uniform(0.35, 0.65, 2_000)  # rows drifted towards the decision boundary
    assert mltest.assert_estimated_performance(confident, min_value=0.8).outcome == "passed"
    with recording(), pytest.raises(mltest.CheckFailed) as info:
        mltest.assert_estimated_performance(uncertain, min_value=0.8, seed=3)
    assert str(info.value).startswith("assert_estimated_performance failed: estimated accuracy 0.5")
    assert "To reproduce: pass seed=3 (or run pytest with --mltest-seed=3)." in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metric": "auc"}, r"^metric='auc' is not valid: expected one of 'accuracy'.* \(did you mean 'roc_auc'\?\)$"),
        ({"threshold": 2}, r"^threshold=2 is not valid: expected a number >= 0 and <= 1$"),
        ({"y_pred": [1, 0]}, r"^y_pred must be 3 labels 0/1 \(one per row of y_proba\), got shape \(2,\)$"),
        ({"calibration": [1, 2, 3]}, r"^calibration must be a pair \(y_true, y_proba\) of labelled reference data$"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict, message: str) -> None:
    with pytest.raises(mltest.InvalidArgument, match=message):
        mltest.estimate_performance([0.2, 0.7, 0.9], **kwargs)
    with pytest.raises(mltest.InvalidArgument, match=r"^y_proba has values outside 0..1 or missing"):
        mltest.estimate_performance([0.2, 1.7])


def test_the_model_card_reads_the_estimate_as_a_score_with_its_interval() -> None:
    scores = np.clip(np.random.default_rng(9).beta(0.3, 0.3, 1_000), 0, 1)
    result = mltest.assert_estimated_performance(scores, min_value=0.5, metric="roc_auc", seed=0)
    f = result.figures
    assert (f["metric"], f["score"], f["ci_low"], f["ci_high"]) == ("roc_auc", f["estimate"], f["low"], f["high"])
    assert f["ci_low"] <= f["score"] <= f["ci_high"]
