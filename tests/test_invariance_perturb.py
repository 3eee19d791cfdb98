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
            "noise: scale=-1 is not valid: expected a number > 0",
        ),
        (
            lambda: perturb.shift("age", 0),
            "shift: by=0 is not valid: expected a non-zero number (a shift of 0 changes nothing)",
        ),
        (
            lambda: perturb.case("review", "shout"),
            "case: how='shout' is not valid: expected one of ['lower', 'upper', 'title', 'capitalize']",
        ),
        (lambda: perturb.noise("age", 1, clip=(5, 1)), "noise: clip=(5, 1) is not valid: expected low <= high"),
        (lambda: perturb.swap(3, ["a", "b"]), "swap: column=3 has type int: expected a column name (str)"),
        (lambda: perturb.typos("review", n=0), "typos: n=0 is not valid: expected an integer >= 1"),
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


# -- values that occur in no row (issue 11) ---------------------------------------------------------
@pytest.fixture(scope="module")
def census_style(german_credit: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The German credit data spelt as other sources spell it: title case, and raw census files' leading space."""
    return {
        "title": german_credit.assign(sex=german_credit["sex"].str.title()),
        "padded": german_credit.assign(sex=" " + german_credit["sex"].str.title()),
    }


@pytest.mark.parametrize(
    ("spelling", "make", "message"),
    [
        (
            "title",
            lambda: perturb.swap("sex", ["male", "female"]),
            "swap('sex', ['male', 'female']): value='male' is not valid: expected a value that occurs in column "
            "'sex', which holds 'Male', 'Female' (did you mean 'Male'?)",
        ),
        (
            "padded",
            lambda: perturb.swap("sex", ["Male", "Female"]),
            "swap('sex', ['Male', 'Female']): value='Male' is not valid: expected a value that occurs in column "
            "'sex', which holds ' Male', ' Female' (did you mean ' Male'?)",
        ),
        (
            "title",
            lambda: perturb.replace("sex", {"male": "Female"}),
            "replace('sex', {'male': 'Female'}): key='male' is not valid: expected a value that occurs in column "
            "'sex', which holds 'Male', 'Female' (did you mean 'Male'?)",
        ),
        (
            "padded",
            lambda: perturb.replace("sex", {" Male": " Female", "Female": " Male"}),
            "replace('sex', {' Male': ' Female', 'Female': ' Male'}): key='Female' is not valid: expected a value "
            "that occurs in column 'sex', which holds ' Male', ' Female' (did you mean ' Female'?)",
        ),
        (
            "title",
            lambda: perturb.set("sex", "female"),
            "set('sex', 'female'): value='female' is not valid: expected a value spelt as in column 'sex', which "
            "holds 'Male', 'Female' (did you mean 'Female'?)",
        ),
    ],
)
def test_values_spelt_otherwise_than_in_the_data_are_refused(census_style, spelling, make, message) -> None:
    # before: every row was perturbed to a value the model never saw (swap) or none was (replace),
    # and the check passed or was inconclusive without saying why
    for data in (census_style[spelling], pl.from_pandas(census_style[spelling])):
        with pytest.raises(InvalidArgument) as raised:
            make().apply(data)
        assert str(raised.value) == message


def test_values_of_which_none_occurs_are_refused_but_one_absent_value_is_not(german_credit: pd.DataFrame) -> None:
    with pytest.raises(InvalidArgument) as raised:
        perturb.swap("housing", ["castle", "palace"]).apply(german_credit)
    assert str(raised.value) == (
        "swap('housing', ['castle', 'palace']): values=['castle', 'palace'] is not valid: expected values that "
        "occur in column 'housing', which holds 'own', 'rent', 'free'; none of them does"
    )
    with pytest.raises(InvalidArgument) as raised:
        perturb.replace("housing", {"castle": "own"}).apply(german_credit)
    assert str(raised.value) == (
        "replace('housing', {'castle': 'own'}): mapping={'castle': 'own'} is not valid: expected keys that occur "
        "in column 'housing', which holds 'own', 'rent', 'free'; none of them does"
    )
    with pytest.raises(InvalidArgument, match=r"values=\[7, 9\] is not valid: .* which holds 2, 1, 3, 0; none"):
        perturb.swap("job", [7, 9]).apply(german_credit)
    # a counterfactual for one applicant: the other value is absent from a frame of one row
    assert perturb.swap("sex", ["male", "female"]).apply(german_credit.head(1))["sex"].tolist() == ["female"]
    assert len(perturb.swap("housing", ["own", "castle"]).apply(german_credit)) == 713 + 2 * 287
    assert len(perturb.set("housing", "castle").apply(german_credit)) == 1000  # set writes any value on purpose


def test_the_check_refuses_the_misspelt_swap_instead_of_passing(census_style) -> None:
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    import mltest

    data = census_style["title"]
    X, y = data.drop(columns="risk"), data["risk"]
    categorical = ["sex", "housing", "saving_accounts", "checking_account", "purpose"]
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), categorical), (StandardScaler(), ["job", "credit_amount", "age"])
    )
    model = make_pipeline(encode, LogisticRegression(max_iter=1000)).fit(X, y)
    with pytest.raises(InvalidArgument, match=r"did you mean 'Male'\?"):
        mltest.assert_invariant(model, X, perturb.swap("sex", ["male", "female"]))
    with pytest.raises(InvalidArgument, match=r"did you mean 'Male'\?"):
        mltest.assert_invariant(model, X, perturb.replace("sex", {"male": "Female"}))


def test_in_a_hypothesis_example_an_absent_value_is_allowed_but_a_misspelt_one_is_not() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    seen = []

    @settings(max_examples=20, deadline=None, database=None)
    @given(st.sampled_from(["male", "female"]))
    def one_row(sex: str) -> None:  # a drawn frame of one row holds one of the two values
        frame = pd.DataFrame({"sex": [sex], "age": [30]})
        seen.append(len(perturb.swap("sex", ["male", "female"]).apply(frame)))
        with pytest.raises(InvalidArgument, match="did you mean"):
            perturb.swap("sex", ["Male", "Female"]).apply(frame)

    one_row()
    assert set(seen) == {1}
