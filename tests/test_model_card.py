"""--mltest-model-card: a model card from a real run's checks, read back with huggingface_hub."""

from __future__ import annotations

import json

import pytest

MODEL_TESTS = """
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.compose import make_column_transformer

import mltest
from mltest.training import assert_learns

DATA = pd.read_csv({data!r})
X, y = DATA.drop(columns=["risk"]), DATA["risk"]
NUMERIC = ["age", "job", "credit_amount", "duration"]
MODEL = make_pipeline(
    make_column_transformer((StandardScaler(), NUMERIC), remainder=OneHotEncoder(handle_unknown="ignore")),
    LogisticRegression(max_iter=1000),
)

def test_learns():
    assert_learns(MODEL, X, y, seed=0)

def test_fair_by_sex():
    model = MODEL.fit(X, y)
    mltest.assert_demographic_parity(y, model.predict(X), sensitive_features=DATA["sex"], max_difference=0.3)

def test_schema():
    mltest.assert_schema(DATA, mltest.infer_schema(DATA))
"""

CARD = """
[tool.mltest.model_card]
name = "credit-risk"
description = "Predicts whether a loan applicant is a good credit risk."
license = "mit"
dataset = "German credit (UCI Statlog)"
intended_use = "Decision support for loan officers; never an automatic refusal."
limitations = "Trained on 1,000 applicants from one German bank in the 1990s."
"""


@pytest.fixture
def card_run(pytester: pytest.Pytester, german_credit) -> tuple[pytest.Pytester, str, dict]:
    from conftest import GERMAN_CREDIT

    pytester.makepyfile(test_model=MODEL_TESTS.format(data=str(GERMAN_CREDIT)))
    pytester.makepyprojecttoml(CARD)
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "--mltest-model-card=cards/MODEL_CARD.md", "--mltest-report=report.json"
    )
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["model card written to cards/MODEL_CARD.md"])
    text = (pytester.path / "cards" / "MODEL_CARD.md").read_text()
    return pytester, text, json.loads((pytester.path / "report.json").read_text())


def test_model_card_front_matter_is_read_by_huggingface_hub(card_run) -> None:
    from huggingface_hub import ModelCard

    _, text, report = card_run
    card = ModelCard(text)
    assert card.data.license == "mit"
    [result] = card.data.eval_results
    learns = next(r for r in report["results"] if r["check"] == "assert_learns")
    assert (result.metric_type, result.metric_value) == ("balanced_accuracy", round(learns["figures"]["score"], 6))
    assert result.dataset_name == "German credit (UCI Statlog)"


def test_every_figure_comes_from_the_report_and_links_to_its_test(card_run) -> None:
    _, text, report = card_run
    assert "# Model card: credit-risk" in text
    assert "Decision support for loan officers; never an automatic refusal." in text
    learns = next(r for r in report["results"] if r["check"] == "assert_learns")
    score = f"{learns['figures']['score']:.4g}"
    link = "[`test_model.py::test_learns`](../test_model.py)"
    assert f"| balanced_accuracy | {score} |  | assert_learns | {link} |" in text
    parity = next(r for r in report["results"] if r["check"] == "assert_demographic_parity")
    assert "**assert_demographic_parity** (passed, [`test_model.py::test_fair_by_sex`](../test_model.py)): " in text
    for row in parity["table"]:
        assert f"| {row['sex']} | {row['n']} |" in text
    assert (
        "| assert_schema | passed | rows=1000, columns=10 | [`test_model.py::test_schema`](../test_model.py) |" in text
    )


def test_a_family_that_did_not_run_is_said_to_not_have_run(card_run) -> None:
    _, text, _ = card_run
    for family in ("invariance", "monitoring", "evaluation"):
        assert f"No {family} check ran in this test run, so this card says nothing about it." in text
    assert "## ML Test Score: " in text  # the scorecard of the repository the run came from


@pytest.mark.parametrize(
    ("pyproject", "args", "message"),
    [
        (
            "[tool.mltest.model_card]\nnmae = 'x'\n",
            ["--mltest-model-card=CARD.md"],
            "ERROR: mltest: [tool.mltest]: model_card: field='nmae' is not valid: expected one of 'name', "
            "'description', 'license', 'task', 'dataset', 'authors', 'intended_use', 'out_of_scope', "
            "'training_data', 'limitations' (did you mean 'name'?)",
        ),
        ("", ["--mltest-model-card=card.html"], "ERROR: mltest: --mltest-model-card='card.html' is not valid: "
         "expected a path ending in .md"),
    ],
)  # fmt: skip
def test_a_bad_model_card_setting_stops_the_run(pytester: pytest.Pytester, pyproject, args, message) -> None:
    pytester.makepyfile("def test_x(): pass")
    if pyproject:
        pytester.makepyprojecttoml(pyproject)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == message
