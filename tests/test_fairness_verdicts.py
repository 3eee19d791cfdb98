"""Verdicts with confidence= are right as often as they promise: simulated fair and unfair models.

Issue 11: with many groups, the percentile interval of the resampled ``max - min`` sat above
the truth (40 fair groups of 200 rows: "violated" in 20 of 20 samples, the interval 0.153 to
0.26 not even holding its point value 0.15). The interval now comes from a simultaneous band
over the pairs of groups (see mltest/fairness/_intervals.py). A small sweep runs here with
fixed seeds; benchmarks/fairness_verdicts.py runs a larger one.
"""

from __future__ import annotations

import collections

import numpy as np
import pytest

import mltest
from mltest import _settings
from mltest import fairness as mf
from mltest.errors import CheckFailed

CONFIDENCE = 0.95
SAMPLES = 20


def selections(groups: int, rows: int, rates: list[float], seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    group = np.repeat(np.arange(groups), rows)
    return (rng.random(groups * rows) < np.repeat(rates, rows)).astype(int), group


def verdicts(groups: int, rows: int, rates: list[float], *, method: str = "between_groups") -> collections.Counter:
    """The verdict on the difference (max_difference 0.1) over SAMPLES samples."""
    tally = collections.Counter()
    for seed in range(SAMPLES):
        y_pred, group = selections(groups, rows, rates, seed)
        gm = mf.group_metrics(None, y_pred, sensitive_features=group, method=method, confidence=CONFIDENCE, seed=seed)
        lo, hi = gm.difference_interval
        assert lo <= gm.difference <= hi  # the interval holds its point value
        tally["violated" if lo > 0.1 else "holds" if hi <= 0.1 else "inconclusive"] += 1
    return tally


def test_forty_fair_groups_of_200_rows_are_inconclusive_not_violated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(_settings._values, "inconclusive", "pass")
    for seed in range(SAMPLES):
        y_pred, group = selections(40, 200, [0.3] * 40, seed)
        result = mltest.assert_demographic_parity(
            None, y_pred, sensitive_features=group, confidence=CONFIDENCE, seed=seed, max_difference=0.1
        )
        assert result.outcome == "inconclusive", result.message.splitlines()[0]


@pytest.mark.parametrize(
    ("groups", "rows", "method"),
    [(2, 30, "between_groups"), (10, 30, "between_groups"), (40, 30, "between_groups"), (10, 200, "to_overall")],
)
def test_a_fair_model_is_rarely_violated(groups: int, rows: int, method: str) -> None:
    tally = verdicts(groups, rows, [0.3] * groups, method=method)
    assert tally["violated"] <= (1 - CONFIDENCE) * SAMPLES, tally


@pytest.mark.parametrize("groups", [2, 40])
def test_a_gap_exactly_at_the_threshold_is_rarely_violated(groups: int) -> None:
    rates = [0.3] * (groups // 2) + [0.4] * (groups - groups // 2)  # the true difference is 0.1
    tally = verdicts(groups, 200, rates)
    assert tally["violated"] <= (1 - CONFIDENCE) * SAMPLES and tally["holds"] == 0, tally


def test_an_unfair_group_among_forty_is_found() -> None:
    tally = verdicts(40, 200, [0.3] * 39 + [0.6])  # the true difference is 0.3
    assert tally["violated"] == SAMPLES, tally


def test_a_clearly_fair_model_on_large_groups_holds() -> None:
    tally = verdicts(10, 5_000, [0.3] * 10)
    assert tally["holds"] == SAMPLES, tally


def test_the_failure_names_the_simultaneous_interval() -> None:
    y_pred, group = selections(40, 200, [0.3] * 39 + [0.6], seed=0)
    with pytest.raises(CheckFailed) as info:
        mltest.assert_demographic_parity(None, y_pred, sensitive_features=group, confidence=CONFIDENCE, seed=0)
    assert "(those of the difference and ratio cover all groups at once)" in str(info.value)


def ratio_verdicts(groups: int, rows: int, rates: list[float]) -> collections.Counter:
    """The verdict on the ratio (min_ratio 0.8) over SAMPLES samples."""
    tally = collections.Counter()
    for seed in range(SAMPLES):
        y_pred, group = selections(groups, rows, rates, seed)
        gm = mf.group_metrics(None, y_pred, sensitive_features=group, confidence=CONFIDENCE, seed=seed)
        lo, hi = gm.ratio_interval
        assert lo <= gm.ratio <= hi  # the interval holds its point value
        tally["violated" if hi < 0.8 else "holds" if lo >= 0.8 else "inconclusive"] += 1
    return tally


def test_a_group_nobody_in_which_is_selected_violates_the_ratio() -> None:
    # The log-scale band of the ratio was unbounded near a rate of 0: "inconclusive" every time.
    tally = ratio_verdicts(2, 200, [0.0, 0.3])
    assert tally["violated"] == SAMPLES, tally


@pytest.mark.parametrize(("groups", "rate"), [(2, 0.05), (10, 0.05), (40, 0.3)])
def test_a_fair_model_is_rarely_violated_on_the_ratio(groups: int, rate: float) -> None:
    tally = ratio_verdicts(groups, 300, [rate] * groups)
    assert tally["violated"] <= (1 - CONFIDENCE) * SAMPLES, tally


def test_a_ratio_exactly_at_the_threshold_is_rarely_violated() -> None:
    tally = ratio_verdicts(10, 500, [0.04] * 5 + [0.05] * 5)  # the true ratio is 0.8
    assert tally["violated"] <= (1 - CONFIDENCE) * SAMPLES and tally["holds"] == 0, tally


def test_a_confidence_level_is_printed_as_given() -> None:
    y_pred, group = selections(2, 200, [0.3, 0.3], seed=0)
    result = mltest.assert_demographic_parity(
        None, y_pred, sensitive_features=group, confidence=0.999, seed=0, max_difference=0.5
    )
    assert "(99.9% interval " in result.message and "intervals: 99.9%, " in result.message  # not "100%"
