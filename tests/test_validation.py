"""The shared argument checks: one wording for every bad value."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mltest import _validation as v
from mltest.errors import InvalidArgument, InvalidArgumentType


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: v.number("margin", -1, low=0), "margin=-1 is not valid: expected a number >= 0"),
        (lambda: v.number("rate", 1.5, low=0, high=1), "rate=1.5 is not valid: expected a number >= 0 and <= 1"),
        (lambda: v.number("rate", math.nan, low=0), "rate=nan is not valid: expected a finite number >= 0"),
        (lambda: v.number("n", 2.5, integer=True, low=1), "n=2.5 has type float: expected an integer >= 1"),
        (lambda: v.number("n", True, integer=True), "n=True has type bool: expected an integer"),
        (lambda: v.number("n", "3", integer=True, low=1), "n='3' is not valid: expected an integer >= 1"),
        (lambda: v.number("gap", 0, low=0, low_open=True), "gap=0 is not valid: expected a number > 0"),
        (lambda: v.number("x", None, low=0), "x=None has type NoneType: expected a number >= 0"),
        (lambda: v.probability("confidence", 2), "confidence=2 is not valid: expected a number >= 0 and <= 1"),
        (lambda: v.choice("method", "between", ["between_groups", "to_overall"]),
         "method='between' is not valid: expected one of 'between_groups', 'to_overall' "
         "(did you mean 'between_groups'?)"),
        (lambda: v.choice("method", pd.Series([1]), ["a"]),
         "method=<Series of shape (1,)> is not valid: expected one of 'a'"),
        (lambda: v.choice("flag", 1, [True, False]), "flag=1 is not valid: expected one of True, False"),
        (lambda: v.seed("seed", -1), "seed=-1 is not valid: expected None or an integer from 0 to 2**32 - 1"),
        (lambda: v.seed("seed", 2**32),
         "seed=4294967296 is not valid: expected None or an integer from 0 to 2**32 - 1"),
        (lambda: v.columns("columns", "agee", ["age", "sex"]),
         "columns='agee' is not valid: expected a column of the data ('age', 'sex') (did you mean 'age'?)"),
        (lambda: v.columns("columns", [], ["age"]), "columns=[] has type list: expected a column name or a non-empty "
         "list of them"),
    ],
)  # fmt: skip
def test_bad_values_are_named_with_what_is_allowed(call, message) -> None:
    with pytest.raises((InvalidArgument, InvalidArgumentType)) as caught:
        call()
    assert str(caught.value) == message


def test_good_values_come_back_as_plain_python() -> None:
    assert v.number("n", np.int64(3), integer=True) == 3 and type(v.number("n", np.int64(3), integer=True)) is int
    assert type(v.number("x", np.float32(0.5), low=0)) is float
    assert v.number("x", None, optional=True) is None
    assert v.choice("method", np.str_("a"), ["a", "b"]) == "a"
    assert v.seed("seed", np.uint32(7)) == 7 and v.seed("seed", None) is None
    assert v.columns("columns", "age", ["age", "sex"]) == ["age"]


def test_frame_kind_needs_no_import() -> None:
    pl = pytest.importorskip("polars")
    assert v.frame_kind(pd.DataFrame()) == "pandas"
    assert v.frame_kind(pl.DataFrame()) == "polars"
    assert v.frame_kind(np.zeros(3)) == "other"
