"""Bad input a new user gives: one line naming the argument, the value and what is allowed.

Found by acceptance testing from the docs; each case was a raw traceback from inside a
dependency, a multi-line message, or (a misspelt column name) a silently wrong check.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.linear_model import LogisticRegression

import mltest
import mltest.training.torch as mt
from mltest import perturb
from mltest.errors import InvalidArgument, InvalidArgumentType
from mltest.training import assert_deterministic, assert_learns, assert_valid_predictions

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

NUMERIC = ["job", "credit_amount", "duration", "age"]


@pytest.fixture(scope="module")
def credit(german_credit: pd.DataFrame) -> dict:
    X = german_credit[NUMERIC]
    y = german_credit["risk"]
    return {"X": X, "y": y, "all": german_credit.drop(columns="risk"), "model": LogisticRegression().fit(X, y)}


def _one_line(error: pytest.ExceptionInfo) -> str:
    text = str(error.value)
    assert "\n" not in text, text
    return text


def test_a_multi_line_value_is_shown_on_one_line(credit: dict) -> None:
    with pytest.raises(InvalidArgumentType) as info:
        mltest.assert_invariant(credit["model"], credit["X"].to_numpy(), perturb.shift("age", 1))
    assert _one_line(info) == (
        "data=<ndarray of shape (1000, 4)> has type ndarray: expected a pandas or polars DataFrame"
    )
    with pytest.raises(InvalidArgumentType) as info:
        mt.assert_finite(torch.nn.Linear(4, 2), (np.zeros((4, 4)), np.zeros(4)), loss_fn=torch.nn.MSELoss())
    assert _one_line(info).startswith("batch=(array([[0., 0., 0., 0.], [0., 0., 0., 0.],")


def test_invariance_refuses_a_model_class(credit: dict) -> None:
    with pytest.raises(InvalidArgumentType) as info:
        mltest.assert_invariant(LogisticRegression, credit["X"], perturb.shift("age", 1))
    assert _one_line(info).endswith(
        "has type type: expected a fitted model or a callable, not the class LogisticRegression"
    )


def test_invariance_names_an_unfitted_model(credit: dict) -> None:
    with pytest.raises(InvalidArgument) as info:
        mltest.assert_invariant(LogisticRegression(), credit["X"], perturb.shift("age", 1))
    assert _one_line(info) == (
        "predict=LogisticRegression() is not valid: expected a model that can predict these rows; "
        "LogisticRegression.predict raised NotFittedError: This LogisticRegression instance is not fitted yet. "
        "Call 'fit' with appropriate arguments before using this estimator."
    )


def test_invariance_names_data_the_model_was_not_trained_on(credit: dict) -> None:
    with pytest.raises(InvalidArgument) as info:
        mltest.assert_invariant(credit["model"], credit["all"], perturb.shift("age", 1))
    assert _one_line(info).startswith(
        "predict=LogisticRegression() is not valid: expected a model that can predict these rows; "
        "LogisticRegression.predict raised ValueError: The feature names should match those that were passed "
        "during fit. Feature names unseen at fit time: - checking_account"
    )


def test_a_misspelt_expected_column_is_not_taken_for_a_label(credit: dict) -> None:
    cases = credit["X"].head(2).assign(expected=[1, 1])
    with pytest.raises(InvalidArgument) as info:
        mltest.assert_cases(credit["model"], cases, "expectd")
    assert _one_line(info) == (
        "expected='expectd' is not valid: expected a column of cases "
        "['job', 'credit_amount', 'duration', 'age', 'expected'], one value per case, or a single value "
        "(did you mean 'expected'?)"
    )
    # a label that is not close to a column name is still one expected value for every case
    words = pd.DataFrame({"text": ["good", "great"]})
    assert mltest.assert_cases(lambda frame: np.array(["pos"] * len(frame)), words, "pos").outcome == "passed"


def test_training_names_an_estimator_that_cannot_fit_the_data(credit: dict) -> None:
    with pytest.raises(InvalidArgument) as info:
        assert_learns(LogisticRegression(), credit["all"], credit["y"])
    assert _one_line(info) == (
        "estimator=LogisticRegression() is not valid: expected an estimator that can be fitted on X and y; "
        "LogisticRegression.fit raised ValueError: could not convert string to float: 'female'"
    )


def test_training_names_x_predict_the_model_cannot_predict(credit: dict) -> None:
    for check in (assert_valid_predictions, assert_deterministic):
        with pytest.raises(InvalidArgument) as info:
            check(LogisticRegression(), credit["X"], credit["y"], X_predict=credit["X"][["job", "age"]])
        assert _one_line(info).startswith(
            "X_predict=<DataFrame of shape (1000, 2)> is not valid: expected rows the fitted estimator can predict; "
            "LogisticRegression.predict"
        )


@pytest.mark.parametrize("check", [[], ["--check"]])
def test_convert_names_a_notebook_that_does_not_exist(
    check: list[str], tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from mltest.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["convert", "notebooks/nope.ipynb", *check]) == 1
    assert capsys.readouterr().err == "mltest convert: error: notebooks/nope.ipynb: no such file or directory\n"


def test_a_failure_traceback_ends_at_the_users_call(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
        import pandas as pd
        import mltest

        def test_schema():
            data = pd.DataFrame({"age": [30, 40]})
            mltest.assert_schema(data, mltest.infer_schema(data.assign(age=[30, 31])))

        def test_bad_argument():
            mltest.assert_no_leakage(pd.DataFrame({"a": [1]}), pd.DataFrame({"a": [1]}), max_overlap=-1)
        """
    )
    output = pytester.runpytest("-p", "no:randomly").stdout.str()
    assert ">       mltest.assert_schema(data, mltest.infer_schema(data.assign(age=[30, 31])))" in output
    assert "E       mltest.errors.CheckFailed: 1 schema check failed in 1 column" in output
    assert "E       mltest.errors.InvalidArgument: max_overlap=-1 is not valid" in output
    assert "def conclude" not in output and "mltest/schema" not in output and "mltest/report.py" not in output
    full = pytester.runpytest("-p", "no:randomly", "--fulltrace").stdout.str()
    assert "def conclude" in full


@pytest.mark.parametrize(
    ("setting", "args", "error"),
    [
        (
            "seed = -3",
            [],
            "ERROR: mltest: [tool.mltest]: seed=-3 is not valid: expected an integer from 0 to 2**32 - 1, or 'random'",
        ),
        (
            'fairness_min_group_size = "x"',
            [],
            "ERROR: mltest: [tool.mltest]: fairness_min_group_size='x' is not valid: expected an integer >= 1",
        ),
        (
            "",
            ["-o", "mltest_seed=xyz"],
            "ERROR: mltest: ini option mltest_seed='xyz' is not valid: expected an integer from 0 to 2**32 - 1, "
            "or 'random'",
        ),
    ],
)
def test_a_bad_setting_names_where_it_came_from(
    pytester: pytest.Pytester, setting: str, args: list[str], error: str
) -> None:
    pytester.makepyprojecttoml(f"[tool.mltest]\n{setting}\n")
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest(*args)
    assert error in result.stderr.lines


def test_a_callable_metric_with_the_wrong_signature_is_named(german_credit: pd.DataFrame) -> None:
    y, sex = german_credit["risk"], german_credit["sex"]
    with pytest.raises(InvalidArgument) as info:
        mltest.assert_group_metric(y, y, sensitive_features=sex, metric=lambda y_true: 0.0, max_difference=0.1)
    assert _one_line(info).endswith(
        "is not valid: expected a callable f(y_true, y_pred) returning one number; it raised TypeError: "
        "test_a_callable_metric_with_the_wrong_signature_is_named.<locals>.<lambda>() takes 1 positional argument "
        "but 2 were given"
    )
    with pytest.raises(InvalidArgument, match=r"f\(y_true, y_pred, sample_weight=...\) returning one number"):
        mltest.assert_group_metric(
            y, y, sensitive_features=sex, metric=lambda a, b: 0.0, sample_weight=[1.0] * len(y), max_difference=0.1
        )


def test_notebook_sync_names_a_notebook_that_does_not_exist(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from mltest.hooks import notebook_sync

    monkeypatch.chdir(tmp_path)
    assert notebook_sync.main(["gone.ipynb"]) == 1
    assert "mltest-notebook-sync: gone.ipynb: no such notebook" in capsys.readouterr().out
