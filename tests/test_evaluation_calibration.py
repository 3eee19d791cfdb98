"""assert_calibrated: ECE with a bootstrap interval and a reliability chart, binary and multiclass."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mltest
from mltest.errors import CheckFailed, InvalidArgument

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _binary(n: int, seed: int, sharpen: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Labels drawn from probabilities p; the model reports p sharpened (logit x ``sharpen``)."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.98, n)
    y = (rng.random(n) < p).astype(int)
    return y, 1 / (1 + np.exp(-sharpen * np.log(p / (1 - p))))


def _multiclass(n: int, seed: int, temperature: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet([1.0, 1.0, 1.0], n)
    y = np.array(["a", "b", "c"])[(rng.random(n)[:, None] > np.cumsum(p, axis=1)).sum(axis=1)]
    sharp = p ** (1 / temperature)
    return y, sharp / sharp.sum(axis=1, keepdims=True)


def test_a_calibrated_model_passes_and_an_overconfident_one_fails():
    y, p = _binary(2000, 0)
    assert mltest.assert_calibrated(y, p, seed=0).passed
    y, p = _binary(2000, 0, sharpen=3.0)
    with pytest.raises(
        CheckFailed, match=r"^assert_calibrated failed: ECE 0.1\d\d \(bias-corrected 0.1\d\d, 95% interval 0.1"
    ):
        mltest.assert_calibrated(y, p, seed=0)


def test_multiclass_uses_the_top_label_confidence():
    y, p = _multiclass(3000, 1)
    result = mltest.assert_calibrated(y, p, seed=0)
    assert result.passed and "top-label confidence" in result.message
    y, p = _multiclass(3000, 1, temperature=0.3)
    with pytest.raises(CheckFailed, match=r"top-label confidence, 10 bins"):
        mltest.assert_calibrated(y, p, seed=0)


def test_ece_and_the_reliability_table_agree_with_pandas():
    y, p = _binary(1500, 2, sharpen=2.0)
    with mltest.report.recording() as recorded, pytest.raises(CheckFailed):
        mltest.assert_calibrated(y, p, bins=10, seed=0)
    (result,) = recorded.results
    frame = pd.DataFrame({"y": y, "p": p, "bin": pd.cut(p, np.linspace(0, 1, 11), right=False, labels=False)})
    per_bin = frame.groupby("bin").agg(n=("y", "size"), observed=("y", "mean"), predicted=("p", "mean"))
    expected = float((per_bin["n"] * (per_bin["observed"] - per_bin["predicted"]).abs()).sum() / len(frame))
    assert result.figures["score"] == pytest.approx(expected)
    assert [row["n"] for row in result.table] == per_bin["n"].tolist()
    assert [row["observed"] for row in result.table] == pytest.approx(per_bin["observed"].tolist(), abs=1e-4)
    assert result.charts == [
        {"kind": "line", "title": "reliability: P(y == 1)", "x": "predicted", "y": ["observed", "perfect"]}
    ]
    assert "xychart-beta" in mltest.report.render_markdown([result.to_dict()])


def test_the_bootstrap_interval_covers_zero_error_for_a_calibrated_model():
    """The basic bootstrap undoes ECE's upward bias: a small calibrated sample is not judged miscalibrated."""
    covered = 0
    for seed in range(20):
        y, p = _binary(300, seed)
        result = mltest.assert_calibrated(y, p, seed=seed, max_ece=0.1)
        covered += result.figures["ci_low"] <= 0.02
    assert covered >= 18


def test_bundled_data_and_message_in_the_shared_grammar(german_credit):
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    X, y = german_credit.drop(columns="risk"), german_credit["risk"]
    model = make_pipeline(
        make_column_transformer(
            (
                OneHotEncoder(handle_unknown="ignore"),
                ["sex", "housing", "saving_accounts", "checking_account", "purpose"],
            ),
            (StandardScaler(), ["job", "credit_amount", "duration", "age"]),
        ),
        LogisticRegression(max_iter=1000),
    )
    proba = cross_val_predict(model, X, y, cv=5, method="predict_proba")
    assert mltest.assert_calibrated(y, proba, seed=0).passed
    sharpened = proba**4 / (proba**4).sum(axis=1, keepdims=True)
    with pytest.raises(CheckFailed) as failure:
        mltest.assert_calibrated(y, sharpened, seed=0)
    assert str(failure.value) == (
        "assert_calibrated failed: ECE 0.178 (bias-corrected 0.175, 95% interval 0.150 to 0.201) > max_ece 0.1 "
        "(P(y == 1), 10 bins)\n"
        "\n"
        "    the bins furthest from the diagonal (predicted vs observed):\n"
        "    bin 0.90 to 1.00: n=641, predicted 0.988, observed 0.819\n"
        "    bin 0.80 to 0.90: n=68, predicted 0.855, observed 0.574\n"
        "    bin 0.00 to 0.10: n=75, predicted 0.041, observed 0.280\n"
        "\n"
        "Likely causes:\n"
        "  - the model is over- or under-confident (boosted trees, SVMs and naive Bayes often are)\n"
        "  - the class balance or the population changed since training\n"
        "What to change:\n"
        "  - recalibrate on held-out data: sklearn.calibration.CalibratedClassifierCV(method='isotonic' or 'sigmoid')\n"
        "  - with few rows, fewer bins (bins=5) or strategy='quantile' narrow the interval\n"
        "To reproduce: pass seed=0 (or run pytest with --mltest-seed=0).\n"
        "To waive this check: pass max_ece=0.21 if an ECE of 0.178 is acceptable."
    )


def test_too_few_rows_is_inconclusive_and_confidence_zero_judges_the_estimate():
    y, p = _binary(60, 3, sharpen=3.0)
    with pytest.raises(CheckFailed, match=r"^assert_calibrated inconclusive: ECE .* straddles max_ece 0.1"):
        mltest.assert_calibrated(y, p, seed=0)
    result = mltest.assert_calibrated(y, p, confidence=0, max_ece=0.2)  # 0.166 alone
    assert "seed" not in result.figures and result.message.startswith("assert_calibrated passed: ECE 0.")


BAD = [
    ({"proba": [0.2, 1.5, 0.3, 0.9]}, "proba=[0.2, 1.5, 0.3, 0.9] is not valid: expected probabilities from 0 to 1"),
    ({"proba": [0.2, 0.5]}, "proba=[0.2, 0.5] is not valid: expected 4 rows, one per value of y_true (got 2)"),
    ({"labels": [0, 1, 2]}, "labels=[0, 1, 2] is not valid: expected one label per column of proba (2 columns"),
    ({"y_true": [0, 1, 2, 1]},
     "labels=None is not valid: expected one label per column of proba (2 columns; y_true has 3"),
    ({"bins": 0}, "bins=0 is not valid: expected an integer >= 1 and <= 1000"),
    ({"strategy": "quantiles"},
     "strategy='quantiles' is not valid: expected one of 'uniform', 'quantile' (did you mean"),
    ({"max_ece": 2}, "max_ece=2 is not valid: expected a number >= 0 and <= 1"),
    ({"n_resamples": 10}, "n_resamples=10 is not valid: expected an integer >= 100"),
    ({"confidence": 1}, "confidence=1 is not valid: expected a number >= 0 and < 1"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "text"), BAD, ids=[str(b[0]) for b in BAD])
def test_a_bad_argument_is_one_line_naming_it(change, text):
    args = {"y_true": [0, 1, 0, 1], "proba": [0.2, 0.7, 0.3, 0.9]} | change
    with pytest.raises(InvalidArgument) as raised:
        mltest.assert_calibrated(args.pop("y_true"), args.pop("proba"), **args)
    assert str(raised.value).startswith(text) and "\n" not in str(raised.value)


def test_the_calibration_error_is_a_headline_metric_of_the_model_card(tmp_path) -> None:
    from mltest._model_card import render_model_card

    y, proba = _binary(4_000, seed=7)
    result = mltest.assert_calibrated(y, proba, seed=0)
    card = render_model_card([result.to_dict() | {"test": "t.py::test_calibrated"}], config={},
                             path=tmp_path / "MODEL_CARD.md", root=tmp_path)  # fmt: skip
    low, high = result.figures["ci_low"], result.figures["ci_high"]
    assert f"| expected_calibration_error | {result.figures['score']:.4g} | {low:.4g} to {high:.4g} |" in card


def test_pos_label_names_the_class_whose_probability_is_given() -> None:
    events, proba = _binary(4_000, seed=8)
    y = np.where(events == 1, "good", "poor")  # the positive class sorts first
    assert mltest.assert_calibrated(y, proba, pos_label="good", seed=0).passed
    assert mltest.assert_calibrated(y, np.c_[proba, 1 - proba], pos_label="good", seed=0).passed
    with pytest.raises(CheckFailed, match=r"P\(y == 'poor'\)"):  # the default is the last label
        mltest.assert_calibrated(y, proba, seed=0)


def test_a_pos_label_that_is_not_a_class_or_a_multiclass_pos_label_is_refused() -> None:
    events, proba = _binary(1_000, seed=9)
    y = np.where(events == 1, "good", "poor")
    with pytest.raises(InvalidArgument, match=r"^pos_label='goood' is not valid: .*did you mean 'good'"):
        mltest.assert_calibrated(y, proba, pos_label="goood")
    y3, p3 = _multiclass(1_000, seed=10)
    with pytest.raises(InvalidArgument, match=r"^pos_label=1 is not valid: expected None for 3 classes"):
        mltest.assert_calibrated(y3, p3, pos_label=1)
