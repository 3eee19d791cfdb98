"""mltest.perturb: each perturbation on pandas and polars, composition, seeds and argument errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from mltest import perturb
from mltest.errors import InvalidArgument, InvalidArgumentType

TEXT = pd.DataFrame(
    {
        "review": ["a great movie", "terrible  plot", "ok", "great great acting", ""],
        "stars": [5, 1, 3, 5, 2],
    }
)


@pytest.fixture(params=["pandas", "polars"])
def credit(request: pytest.FixtureRequest, german_credit: pd.DataFrame) -> pd.DataFrame | pl.DataFrame:
    head = german_credit.head(8).reset_index(drop=True)
    return head if request.param == "pandas" else pl.from_pandas(head)


def column(frame: pd.DataFrame | pl.DataFrame, name: str) -> list:
    values = frame[name].to_list()
    return [None if isinstance(v, float) and np.isnan(v) else v for v in values]


def test_swap_makes_one_copy_per_other_value(credit) -> None:
    out = perturb.swap("sex", ["male", "female"]).apply(credit)
    sexes = column(credit, "sex")
    assert len(out) == len(credit)
    assert sorted(column(out, "sex")) == sorted("female" if s == "male" else "male" for s in sexes)
    assert type(out) is type(credit)
    assert out["sex"].dtype == credit["sex"].dtype


def test_swap_with_three_values_gives_two_copies_for_rows_among_them(german_credit: pd.DataFrame) -> None:
    data = german_credit.head(10)
    values = ["own", "rent", "free"]
    out = perturb.swap("housing", values).apply(data)
    assert len(out) == 2 * len(data)
    for index, group in out.groupby(level=0):
        original = data.loc[index, "housing"]
        assert sorted(group["housing"]) == sorted(v for v in values if v != original)
        unchanged = group.drop(columns="housing")
        assert (unchanged == data.loc[[index] * len(group)].drop(columns="housing").to_numpy()).all().all()


def test_noise_is_seeded_and_keeps_integer_columns_integer(credit) -> None:
    p = perturb.noise("age", 5, clip=(19, 75))
    first, again, other = p.apply(credit, seed=1), p.apply(credit, seed=1), p.apply(credit, seed=2)
    assert column(first, "age") == column(again, "age")
    assert column(first, "age") != column(other, "age")
    assert first["age"].dtype == credit["age"].dtype
    assert all(19 <= a <= 75 for a in column(first, "age"))


def test_a_seed_on_the_perturbation_wins_over_the_checks_seed(credit) -> None:
    p = perturb.noise("credit_amount", 100.0, seed=7)
    assert column(p.apply(credit, seed=1), "credit_amount") == column(p.apply(credit, seed=2), "credit_amount")


def test_shift_adds_to_every_row(credit) -> None:
    out = perturb.shift("duration", 6).apply(credit)
    assert column(out, "duration") == [d + 6 for d in column(credit, "duration")]


def test_replace_and_set_leave_out_rows_they_do_not_change(credit) -> None:
    housing = column(credit, "housing")
    replaced = perturb.replace("housing", {"own": "rent"}).apply(credit)
    assert column(replaced, "housing") == ["rent"] * housing.count("own")
    job = column(credit, "job")
    assert column(perturb.set("job", 3).apply(credit), "job") == [3] * sum(j != 3 for j in job)


def test_missing_makes_values_missing(credit) -> None:
    out = perturb.missing("age").apply(credit)
    assert column(out, "age") == [None] * len(credit)


def test_composition_applies_in_order_and_tracks_rows(credit) -> None:
    both = perturb.swap("sex", ["male", "female"]) + perturb.shift("age", 1)
    assert repr(both) == "swap('sex', ['male', 'female']) + shift('age', 1)"
    out = both.apply(credit)
    assert column(out, "age") == [a + 1 for a in column(credit, "age")]
    assert column(out, "sex") != column(credit, "sex")
    assert repr(perturb.compose(both, perturb.missing("job"))) == repr(both + perturb.missing("job"))
    assert both.columns == ["sex", "age"]


def test_categorical_columns_keep_their_dtype(german_credit: pd.DataFrame) -> None:
    data = german_credit.astype({"purpose": "category"}).head(5)
    out = perturb.replace("purpose", {"car": "business"}).apply(data)
    assert isinstance(out["purpose"].dtype, pd.CategoricalDtype)
    with pytest.raises(InvalidArgument) as error:
        perturb.swap("purpose", ["car", "boat"]).apply(data)
    assert str(error.value).startswith(
        "swap('purpose', ['car', 'boat']): value='boat' is not valid: expected one of the categories of column "
        "'purpose': ["
    )


@pytest.mark.parametrize(
    ("perturbation", "expected"),
    [
        (perturb.typos("review"), None),
        (perturb.case("review", "upper"), ["A GREAT MOVIE", "TERRIBLE  PLOT", "OK", "GREAT GREAT ACTING"]),
        (perturb.whitespace("review"), ["a  great  movie", "terrible    plot", "great  great  acting"]),
        (perturb.whitespace("review", "strip"), ["terrible plot"]),
        (perturb.replace_words("review", {"great": "good"}), ["a good movie", "good good acting"]),
    ],
    ids=repr,
)
def test_text_perturbations(perturbation, expected) -> None:
    for data in (TEXT, pl.from_pandas(TEXT)):
        out = perturbation.apply(data, seed=0)
        if expected is None:  # typos: every text of two or more characters gets one adjacent swap
            assert len(out) == 4
            for before, after in zip([t for t in TEXT["review"] if len(t) > 1], column(out, "review"), strict=True):
                assert sorted(before) == sorted(after) and before != after
        else:
            assert column(out, "review") == expected


def test_word_replacement_picks_among_alternatives_with_the_seed() -> None:
    p = perturb.replace_words("review", {"great": ["good", "fine"]})
    out = column(p.apply(TEXT, seed=3), "review")
    assert out == column(p.apply(TEXT, seed=3), "review")
    assert all("great" not in text for text in out)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: perturb.swap("sexx", ["male", "female"]),
            InvalidArgument,
            "swap('sexx', ['male', 'female']): column='sexx' is not valid: expected one of the columns of the data "
            "['risk', 'sex', 'job', 'housing', 'saving_accounts', 'checking_account', 'credit_amount', 'duration', "
            "'purpose', 'age'] (did you mean 'sex'?)",
        ),
        (
            lambda: perturb.noise("sex", 2),
            InvalidArgumentType,
            "noise('sex', 2): column 'sex' has dtype str: expected a numeric column (such columns in the data: "
            "['risk', 'job', 'credit_amount', 'duration', 'age'])",
        ),
        (
            lambda: perturb.shift("age", 0.5),
            InvalidArgument,
            "shift('age', 0.5): by=0.5 is not valid: expected a whole number, since column 'age' has dtype int64",
        ),
        (
            lambda: perturb.typos("age"),
            InvalidArgumentType,
            "typos('age'): column 'age' has dtype int64: expected a text (string) column (such columns in the data: "
            "['sex', 'housing', 'saving_accounts', 'checking_account', 'purpose'])",
        ),
        (
            lambda: perturb.swap("sex", ["male", 1]),
            InvalidArgumentType,
            "swap('sex', ['male', 1]): value=1 has type int: expected a str, since column 'sex' holds text",
        ),
        (
            lambda: perturb.set("age", "old"),
            InvalidArgumentType,
            "set('age', 'old'): value='old' has type str: expected a number, since column 'age' is numeric",
        ),
    ],
)
def test_perturbations_that_do_not_fit_the_data(german_credit, make, error, message) -> None:
    with pytest.raises(error) as raised:
        make().apply(german_credit)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: perturb.swap("sex", ["male"]),
            "swap: values=['male'] is not valid: expected at least two different values",
        ),
        (
            lambda: perturb.swap("sex", "male"),
            "swap: values='male' has type str: expected a list of at least two values, e.g. ['male', 'female']",
        ),
        (
            lambda: perturb.noise("age", -1),
            "noise: scale=-1 is not valid: expected a positive finite number (the noise's standard deviation)",
        ),
        (lambda: perturb.shift("age", 0), "shift: by=0 is not valid: expected a non-zero finite number"),
        (
            lambda: perturb.case("review", "shout"),
            "case: how='shout' is not valid: expected one of ['lower', 'upper', 'title', 'capitalize']",
        ),
        (lambda: perturb.noise("age", 1, clip=(5, 1)), "noise: clip=(5, 1) is not valid: expected low <= high"),
        (lambda: perturb.swap(3, ["a", "b"]), "swap: column=3 has type int: expected a column name (str)"),
        (lambda: perturb.typos("review", n=0), "typos: n=0 is not valid: expected a positive integer (typos per text)"),
        (
            lambda: perturb.swap("sex", ["a", "b"]) + 1,
            "unsupported operand type(s) for +: 'swap' and 'int'",
        ),
    ],
)
def test_bad_arguments_are_refused_at_once(make, message) -> None:
    with pytest.raises((ValueError, TypeError)) as raised:
        make()
    assert str(raised.value) == message


def test_only_dataframes_are_perturbed() -> None:
    with pytest.raises(InvalidArgumentType) as raised:
        perturb.shift("age", 1).apply([{"age": 3}])
    assert str(raised.value) == "data=[{'age': 3}] has type list: expected a pandas or polars DataFrame"


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_numeric_perturbations_keep_missing_values_and_nullable_integers(library) -> None:
    data = pd.DataFrame({"n": pd.array([1, None, 3], dtype="Int64"), "x": [1.5, None, 2.0]})
    if library == "polars":
        data = pl.from_pandas(data)
    shifted = perturb.shift("n", 2).apply(data)
    assert column(shifted, "n")[0::2] == [3, 5] and column(shifted, "n")[1] in (None, pd.NA)
    assert str(shifted["n"].dtype) == "Int64"
    noisy = perturb.noise("x", 0.1, seed=0).apply(data)
    assert column(noisy, "x")[1] is None and column(noisy, "x")[0] != 1.5


def test_public_names() -> None:
    import mltest
    from mltest import invariance, strategies

    assert mltest.assert_invariant is invariance.assert_invariant
    assert mltest.assert_directional is invariance.assert_directional
    assert mltest.assert_cases is invariance.assert_cases
    for module in (perturb, strategies, invariance):
        assert all(hasattr(module, name) for name in module.__all__)
    assert perturb.set.__name__ == "set_" and repr(perturb.set("a", 1)) == "set('a', 1)"
