"""The public names of mltest.fairness, and fairlearn's signatures."""

from __future__ import annotations

import inspect

import fairlearn.metrics as fl
import pytest

import mltest
from mltest import fairness as mf

FAIRLEARN_NAMES = [
    "selection_rate",
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
]


def test_all_names_resolve() -> None:
    assert sorted(mf.__all__) == mf.__all__
    for name in mf.__all__:
        assert getattr(mf, name).__module__.startswith("mltest.fairness")


@pytest.mark.parametrize(
    "name", ["assert_demographic_parity", "assert_equalized_odds", "assert_equal_opportunity", "assert_group_metric"]
)
def test_top_level_assertions_are_the_fairness_ones(name: str) -> None:
    assert getattr(mltest, name) is getattr(mf, name)


@pytest.mark.parametrize("name", FAIRLEARN_NAMES)
def test_signature_is_fairlearns_plus_keywords(name: str) -> None:
    ours = inspect.signature(getattr(mf, name)).parameters
    theirs = inspect.signature(getattr(fl, name)).parameters
    extra = [p for p in ours if p not in theirs]
    assert extra in ([], ["data", "pos_label"])
    assert all(ours[p].kind == inspect.Parameter.KEYWORD_ONLY and ours[p].default is None for p in extra)
    for pname, param in theirs.items():
        assert ours[pname].kind == param.kind, pname
        assert ours[pname].default == param.default, pname
    assert list(ours)[: len(theirs)] == list(theirs)
