"""assert_no_drift: distances as scipy computes them, honest verdicts at any size, one message grammar."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance

import mltest
from mltest import _settings
from mltest.report import recording

pytestmark = pytest.mark.monitoring


def _normal(n: int, shift: float = 0.0, *, seed: int, columns: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.normal(shift, 1.0, (n, columns)), columns=[f"x{i}" for i in range(columns)])


def _outcome(reference: object, current: object, **kwargs: object) -> mltest.report.CheckResult:
    try:
        return mltest.assert_no_drift(reference, current, **kwargs)
    except mltest.CheckFailed as failure:
        return failure.result


@pytest.fixture
def inconclusive_passes():
    saved = _settings.snapshot()
    _settings.update({"inconclusive": "pass"}, source="test")
    yield
    _settings.restore(saved)


# --- the distances are scipy's --------------------------------------------------------------------


@pytest.mark.parametrize("draw", ["normal", "exponential", "uniform"])
def test_the_wasserstein_distance_is_scipys_within_what_binning_allows(draw: str) -> None:
    rng = np.random.default_rng(1)
    reference, current = getattr(rng, draw)(size=50_000), getattr(rng, draw)(size=50_000) * 1.1 + 0.05
    result = _outcome(pd.DataFrame({"x": reference}), pd.DataFrame({"x": current}))
    expected = wasserstein_distance(reference, current) / reference.std()
    assert result.figures["distance"] == pytest.approx(expected, rel=0.005)
    assert result.figures["distance"] <= expected * (1 + 1e-9)  # bins can only hide a crossing


def test_the_jensen_shannon_distance_is_scipys() -> None:
    rng = np.random.default_rng(2)
    reference = rng.choice(list("abcd"), 20_000, p=[0.4, 0.3, 0.2, 0.1])
    current = rng.choice(list("abcd"), 5_000, p=[0.3, 0.3, 0.25, 0.15])
    result = _outcome(pd.DataFrame({"c": reference}), pd.DataFrame({"c": current}))
    p = pd.Series(reference).value_counts().sort_index()
    q = pd.Series(current).value_counts().sort_index()
    assert result.figures["distance"] == pytest.approx(jensenshannon(p, q), rel=1e-9)


def test_psi_is_the_written_out_formula_on_the_reference_bins() -> None:
    rng = np.random.default_rng(3)
    reference, current = rng.normal(size=20_000), rng.normal(0.2, 1.0, 20_000)
    profile = mltest.profile(pd.DataFrame({"x": reference}), bins=10)
    result = _outcome(profile, pd.DataFrame({"x": current}), method="psi")
    edges = profile.columns["x"].edges
    p = np.bincount(np.searchsorted(edges, reference, side="right")) / len(reference)
    q = np.bincount(np.searchsorted(edges, current, side="right")) / len(current)
    assert result.figures["distance"] == pytest.approx(np.sum((q - p) * np.log(q / p)), rel=1e-9)


# --- verdicts that hold at any sample size ---------------------------------------------------------


def test_a_tenth_of_a_standard_deviation_fails_at_a_million_rows_and_no_shift_passes() -> None:
    reference = _normal(1_000_000, seed=10)
    assert _outcome(reference, _normal(1_000_000, 0.1, seed=11)).outcome == "failed"
    assert _outcome(reference, _normal(1_000_000, seed=12)).outcome == "passed"


def test_a_tenth_of_a_standard_deviation_is_inconclusive_not_passed_at_100_rows() -> None:
    result = _outcome(_normal(100, seed=20), _normal(100, 0.1, seed=21))
    assert result.outcome == "inconclusive"
    assert result.table[0]["detectable"] > 0.1  # and the table says this size cannot see it


@pytest.mark.parametrize("method", ["jensenshannon", "psi"])
def test_binned_distances_cannot_confirm_no_drift_from_100_rows(method: str) -> None:
    """100 rows fill each of 100 bins with one row: bins are merged into fewer, never into one that sees nothing."""
    with recording():
        outcomes = [
            _outcome(_normal(100, seed=300 + i), _normal(100, shift, seed=400 + i), method=method).outcome
            for i in range(10)
            for shift in (0.0, 0.1)
        ]
    assert outcomes.count("passed") == 0
    assert _outcome(_normal(100_000, seed=5), _normal(100_000, seed=6), method=method).outcome == "passed"


@pytest.mark.parametrize(("n", "repeats"), [(100, 60), (10_000, 20)])
def test_false_alarms_stay_rare_without_drift(n: int, repeats: int, inconclusive_passes: None) -> None:
    """A cheap version of the false-alarm table in docs/monitoring.md (benchmarks/drift_false_alarms.py)."""
    with recording():  # a hundred verdicts are not this test's report
        outcomes = [
            _outcome(_normal(n, seed=1000 + i, columns=3), _normal(n, seed=2000 + i, columns=3)).outcome
            for i in range(repeats)
        ]
    assert outcomes.count("failed") <= 0.05 * repeats
    if n >= 10_000:
        assert outcomes.count("passed") >= 0.5 * repeats  # and a large sample can say so


def test_a_shifted_column_among_many_is_the_one_named() -> None:
    reference, current = _normal(20_000, seed=30, columns=6), _normal(20_000, seed=31, columns=6)
    current["x3"] += 0.3
    result = _outcome(reference, current)
    assert result.outcome == "failed"
    assert result.message.startswith(
        "assert_no_drift failed: 1 of 6 columns drifted (share 0.167 > max_drifted_share 0)"
    )
    assert [row["column"] for row in result.table if row["verdict"] == "drift"] == ["x3"]
    assert _outcome(reference, current, max_drifted_share=0.2).outcome == "passed"


def test_a_new_category_in_production_is_drift() -> None:
    rng = np.random.default_rng(4)
    reference = pd.DataFrame({"channel": rng.choice(["web", "shop"], 5_000)})
    current = pd.DataFrame({"channel": rng.choice(["web", "shop", "app"], 5_000)})
    assert _outcome(reference, current).outcome == "failed"
    assert _outcome(reference, reference.sample(frac=1.0, random_state=0)).outcome == "passed"


def _with_missing(frame: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    out = frame.copy()
    out.loc[out.sample(frac=share, random_state=seed).index, "x0"] = np.nan
    return out


def test_a_numeric_column_going_missing_is_drift() -> None:
    """An upstream bug that blanks 30% of a feature leaves the other 70% distributed as before."""
    reference, current = _normal(20_000, seed=6), _normal(20_000, seed=7)
    result = _outcome(reference, _with_missing(current, 0.3, seed=1))
    assert result.outcome == "failed"
    assert result.message.startswith("assert_no_drift failed: 'x0' missing values: Jensen-Shannon distance 0.3")
    assert "    x0 (missing)  jensenshannon  0.3" in result.message
    (row,) = result.table
    assert (row["reference_missing"], row["current_missing"], row["verdict"]) == (0, 6_000, "drift")
    # the same share missing on both sides is no drift; so is a small change in a small share
    assert _outcome(_with_missing(reference, 0.3, 2), _with_missing(current, 0.3, 3)).outcome == "passed"
    for method in ("jensenshannon", "psi"):  # over the bins, missing values are one more bin
        assert _outcome(reference, _with_missing(current, 0.3, 1), method=method).outcome == "failed"


def test_a_feature_constant_in_the_reference_that_changes_says_why_its_distance_is_infinite() -> None:
    reference, current = pd.DataFrame({"flag": [0.0] * 50}), pd.DataFrame({"flag": [0.0] * 40 + [1.0] * 10})
    message = _outcome(reference, current).message
    assert message.startswith("assert_no_drift failed: 'flag' normalised Wasserstein inf ")
    assert (
        "    'flag' is constant in the reference (standard deviation 0): any change is infinitely many of its "
        "standard deviations; compare it as a category with method={'flag': 'jensenshannon'}\n" in message
    )
    assert "inf}" not in message  # no threshold={'flag': inf} to copy
    assert _outcome(reference, current, method={"flag": "jensenshannon"}).outcome == "failed"
    assert _outcome(reference, reference).outcome == "passed"


def test_prediction_drift_is_the_same_call_on_a_series() -> None:
    rng = np.random.default_rng(5)
    scores = pd.Series(rng.beta(2, 5, 20_000), name="score")
    assert _outcome(scores, pd.Series(rng.beta(2, 5, 20_000), name="score")).outcome == "passed"
    assert _outcome(scores, pd.Series(rng.beta(3, 5, 20_000), name="score")).outcome == "failed"


def test_a_saved_profile_and_a_polars_frame_give_the_verdict_of_the_frames(tmp_path: Path) -> None:
    reference, current = _normal(5_000, seed=40, columns=2), _normal(5_000, 0.2, seed=41, columns=2)
    from_frames = _outcome(reference, current)
    path = mltest.profile(reference).save(tmp_path / "reference.json")
    for result in (_outcome(path, current), _outcome(str(path), pl.from_pandas(current))):
        assert result.outcome == from_frames.outcome == "failed"
        assert result.table == from_frames.table
    current_profile = mltest.profile(current, like=mltest.load_profile(path))
    assert _outcome(path, current_profile).table == from_frames.table


# --- the message, the report -------------------------------------------------------------------------


def test_a_failure_reads_in_the_shared_grammar() -> None:
    reference = pd.DataFrame({"income": np.arange(1_000) / 1_000.0})
    current = pd.DataFrame({"income": np.arange(1_000) / 1_000.0 + 0.1})
    with pytest.raises(mltest.CheckFailed) as info:
        mltest.assert_no_drift(reference, current)
    assert str(info.value) == (
        "assert_no_drift failed: 'income' normalised Wasserstein 0.346 (95% bounds 0.255 to 0.422) > threshold 0.05\n"
        "\n"
        "    column  method       distance  95% bounds      threshold  detectable  verdict\n"
        "    income  wasserstein  0.346     0.255 to 0.422  0.05       >= 0.141    drift\n"
        "\n"
        "    rows: reference 1,000, current 1,000; 95% confidence bounds\n"
        "\n"
        "Likely causes:\n"
        "  - the population the model sees has changed (a new market, season or product)\n"
        "  - an upstream pipeline changed a feature's units, encoding or default values\n"
        "What to change:\n"
        "  - compare the training and serving feature code on the same rows (mltest.assert_no_skew)\n"
        "  - retrain on recent data, or profile a new reference if the change is expected\n"
        "To waive this check: pass threshold={'income': 0.38} if these distances are acceptable, leave columns out "
        "with columns=[...], or allow a share of drifted columns with max_drifted_share=."
    )


def test_an_undecided_comparison_says_how_many_rows_would_decide() -> None:
    result = _outcome(_normal(200, seed=50), _normal(200, seed=51))
    assert result.outcome == "inconclusive"
    assert "smallest drift this sample can confirm in 'x0': " in result.message
    assert "compare more rows: about " in result.message
    assert 'set inconclusive = "pass" in [tool.mltest]' in result.message


def test_the_result_is_recorded_with_a_chart_per_column() -> None:
    with recording() as recorded:
        _outcome(_normal(2_000, seed=60, columns=3), _normal(2_000, 0.5, seed=61, columns=3))
    (result,) = recorded.results
    assert (result.family, result.check, result.outcome) == ("monitoring", "assert_no_drift", "failed")
    (chart,) = result.charts
    assert chart | {"title": ""} == {
        "kind": "bar",
        "title": "",
        "label": "column",
        "value": "distance",
        "low": "low",
        "high": "high",
        "muted": "stable",
        "threshold": "threshold",
    }
    assert {row["column"] for row in result.table} == {"x0", "x1", "x2"}


def test_settings_give_the_default_thresholds() -> None:
    saved = _settings.snapshot()
    try:
        _settings.update({"drift_max_wasserstein": 0.6}, source="test")
        assert _outcome(_normal(2_000, seed=70), _normal(2_000, 0.5, seed=71)).outcome == "passed"
    finally:
        _settings.restore(saved)


# --- bad input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "wasserstien"}, r"^method='wasserstien' is not valid: expected one of .* mean 'wasserstein'\?\)$"),
        ({"method": {"c": "wasserstein"}}, r"^method='wasserstein' is not valid: expected .* categorical column 'c'$"),
        ({"threshold": -1}, r"^threshold=-1 is not valid: expected a number > 0$"),
        ({"threshold": {"y": 0.1}}, r"^threshold='y' is not valid: expected a column of the data"),
        ({"threshold": {}}, r"^threshold=\{\} is not valid: expected a number > 0, or a dict of them by column"),
        ({"method": {}}, r"^method=\{\} is not valid: expected one of .*, or a dict of them by column \(not empty\)$"),
        ({"confidence": 1.5}, r"^confidence=1.5 is not valid: expected a number >= 0.5 and < 1$"),
        ({"max_drifted_share": 2}, r"^max_drifted_share=2 is not valid: expected a number >= 0 and <= 1$"),
        ({"columns": ["z"]}, r"^columns='z' is not valid: expected a column of the data"),
    ],
)  # fmt: skip
def test_bad_arguments_are_one_line_naming_them(kwargs: dict, message: str) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["a", "b", "a"]})
    with pytest.raises((mltest.InvalidArgument, mltest.InvalidArgumentType), match=message):
        mltest.assert_no_drift(frame, frame, **kwargs)


def test_bad_data_is_named_as_reference_or_current(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(mltest.InvalidArgument, match=r"^current has no rows: expected at least one row"):
        mltest.assert_no_drift(frame, frame.iloc[:0])
    with pytest.raises(mltest.InvalidArgument, match=r"^current column 'x' has only missing values"):
        mltest.assert_no_drift(frame, pd.DataFrame({"x": [np.nan]}))
    with pytest.raises(mltest.InvalidArgument, match=r"^current column 'x' holds text or categories but the reference"):
        mltest.assert_no_drift(frame, pd.DataFrame({"x": ["1"]}))
    with pytest.raises(
        mltest.InvalidArgument, match=r"^current has no column 'x': expected the profiled columns \['x'\]$"
    ):
        mltest.assert_no_drift(mltest.profile(frame), pd.DataFrame({"y": [1.0]}))
    with pytest.raises(mltest.InvalidArgument, match=r"^reference='.*nothing.json' is not valid: expected an mltest"):
        mltest.assert_no_drift(tmp_path / "nothing.json", frame)
    other = mltest.profile(pd.DataFrame({"x": [5.0, 6.0, 7.0, 8.0]}))
    with pytest.raises(
        mltest.InvalidArgument,
        match=r"^current=<Profile of 4 rows: x \(numeric\)> is not valid: expected a profile made like",
    ):
        mltest.assert_no_drift(frame, other)
