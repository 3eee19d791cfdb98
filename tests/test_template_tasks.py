"""Every task of the template: its project runs green, and its generated tests catch a model broken
the way models of that task break.

One representative project per task other than binary (the binary default runs in
test_template_run.py; the whole task x framework matrix is `make test-matrix`): multiclass
(Palmer penguins) with the batch command and regression (scikit-learn's diabetes data) with the
FastAPI service, both scikit-learn: `make setup repro lint test` green.

Then the project's own tests run on deliberately broken models, saved the way continuous training
saves a candidate and loaded with MODEL_UNDER_TEST (the generated conftest.py): tests/_broken_models.py
builds them in the project. Only the tests that answer for each break run (seconds each); the correct
model passed the same tests in `make test`. The binary project is rendered only (no setup: its
fairness tests run with the package on PYTHONPATH), and its correct model passes those tests too.

Speed: the projects share one environment that sees this repository's .venv (_template_projects.py).
Each task's tests stay on one pytest-xdist worker (its project is built once).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from _template_projects import copy_template, make, project_env, python, run

HERE = Path(__file__).resolve().parent

MULTICLASS = {"task": "multiclass", "serving": "batch", "package_name": "penguins"}
REGRESSION = {"task": "regression", "serving": "fastapi", "package_name": "progression"}
BINARY = {"task": "binary", "serving": "none", "package_name": "credit"}

multiclass_group = pytest.mark.xdist_group("template-tasks-multiclass")
regression_group = pytest.mark.xdist_group("template-tasks-regression")


@pytest.fixture(scope="module")
def template_copy(tmp_path_factory) -> Path:
    return copy_template(tmp_path_factory.mktemp("template-source"))


@pytest.fixture(scope="module")
def shared_env(tmp_path_factory) -> dict[str, str]:
    return project_env(tmp_path_factory.mktemp("shared"))


def render(template_copy: Path, folder: Path, answers: dict) -> Path:
    import copier

    copier.run_copy(str(template_copy), str(folder), data=answers, defaults=True, quiet=True)
    return folder


def green(project: Path, env: dict[str, str]) -> str:
    """make setup, repro, lint (after git add), a commit, make test: all green. The test output."""
    make("setup", project, env)
    make("repro", project, env)
    run(["git", "add", "-A"], project, env)
    make("lint", project, env)
    run(["git", "commit", "-q", "-m", "Start the project"], project, env)
    tests = make("test", project, env).stdout
    assert " passed" in tests and " failed" not in tests, tests[-3000:]
    assert run(["git", "status", "--porcelain", "--untracked-files=all"], project, env).stdout == ""
    return tests


@pytest.fixture(scope="module")
def multiclass_project(template_copy, shared_env, tmp_path_factory) -> tuple[Path, str]:
    project = render(template_copy, tmp_path_factory.mktemp("multiclass") / "penguins", MULTICLASS)
    return project, green(project, shared_env)


@pytest.fixture(scope="module")
def regression_project(template_copy, shared_env, tmp_path_factory) -> tuple[Path, str]:
    project = render(template_copy, tmp_path_factory.mktemp("regression") / "progression", REGRESSION)
    return project, green(project, shared_env)


def on_broken_model(
    project: Path, env: dict[str, str], package: str, kind: str, tests: list[str]
) -> subprocess.CompletedProcess:
    """The project's `tests` (pytest node ids) on its model broken as `kind` (see _broken_models.py)."""
    helper = project / "tests" / "broken_models.py"
    model = project / "models" / "broken.joblib"
    shutil.copy(HERE / "_broken_models.py", helper)
    try:
        run([python(env), "tests/broken_models.py", package, kind, str(model)], project, env)
        command = [python(env), "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests]
        return run(command, project, {**env, "MODEL_UNDER_TEST": str(model)}, ok=False)
    finally:
        helper.unlink()
        model.unlink(missing_ok=True)


@multiclass_group
def test_a_multiclass_project_is_green_on_its_first_run(multiclass_project):
    project, tests = multiclass_project
    metrics = json.loads((project / "reports" / "metrics.json").read_text(encoding="utf-8"))
    assert set(metrics) >= {"accuracy", "balanced_accuracy", "f1_macro", "roc_auc"}
    assert metrics["accuracy"] > 0.9
    assert not (project / "reports" / "roc.csv").exists()  # one class's curve: binary only
    report = (project / "reports" / "mltest.md").read_text(encoding="utf-8")
    for family in ("Schema", "Fairness", "Invariance", "Training", "Evaluation"):
        assert f"## {family}" in report
    # The batch command answers a class and each class's probability: every test passed (dots).
    assert re.search(r"^tests/test_batch\.py \.+ +\[", tests, re.MULTILINE), tests[-3000:]


@multiclass_group
def test_multiclass_tests_catch_a_classifier_that_never_predicts_one_class(multiclass_project, shared_env):
    """Chinstrap weighted 1e-6: it is never predicted. Continuous training's gate finds the lost
    accuracy, and the probabilities no longer mean what they say."""
    project, _ = multiclass_project
    selected = ["tests/test_evaluation.py::test_probabilities_are_calibrated", "tests/test_promotion.py"]
    result = on_broken_model(project, shared_env, "penguins", "ignores-Chinstrap", selected)
    out = result.stdout
    assert "2 failed" in out, out[-3000:]
    assert "FAILED tests/test_evaluation.py::test_probabilities_are_calibrated" in out
    assert "FAILED tests/test_promotion.py::test_the_candidate_is_not_worse_than_the_model_in_production" in out
    assert "assert_no_regression failed: accuracy 0.7976 (new) vs 1 (old)" in out
    assert "assert_calibrated failed: ECE" in out and "(top-label confidence, 10 bins)" in out


@multiclass_group
def test_multiclass_tests_catch_a_classifier_much_worse_for_one_sex(multiclass_project, shared_env):
    """Wrong for 3 in 4 female penguins: accuracy by sex, and each class's error rates by sex."""
    project, _ = multiclass_project
    result = on_broken_model(project, shared_env, "penguins", "worse-for-sex=female", ["tests/test_fairness.py"])
    out = result.stdout
    assert "2 failed, 1 skipped" in out, out[-3000:]
    assert "FAILED tests/test_fairness.py::test_accuracy_is_similar_across_groups[sex]" in out
    assert "FAILED tests/test_fairness.py::test_equalized_odds[sex]" in out
    assert "group metric violated: accuracy_score ratio 0.239 < min_ratio 0.8" in out
    assert "equalized odds violated: false_positive_rate[Chinstrap] difference 0.412" in out
    # Demographic parity, by class, on 84 test rows: undecided, and said so (its interval).
    assert "SKIPPED" in out and "the test split cannot decide (more test rows can): demographic parity" in out


@regression_group
def test_a_regression_project_is_green_on_its_first_run(regression_project):
    project, tests = regression_project
    metrics = json.loads((project / "reports" / "metrics.json").read_text(encoding="utf-8"))
    assert set(metrics) >= {"mae", "rmse", "r2", "mae_difference"}
    assert metrics["r2"] > 0.3
    assert not (project / "reports" / "roc.csv").exists()
    # What asks for classes is skipped, saying why; the errors are compared by sex instead.
    assert "tests/test_evaluation.py:" in tests and "data.task is regression: the model predicts numbers" in tests
    report = (project / "reports" / "mltest.md").read_text(encoding="utf-8")
    assert "mean_absolute_error" in report  # test_error_is_similar_across_groups
    # The service answers a number per row: every test of test_serve.py passed (dots).
    assert re.search(r"^tests/test_serve\.py \.+ +\[", tests, re.MULTILINE), tests[-3000:]


@regression_group
def test_regression_tests_catch_a_constant_regressor(regression_project, shared_env):
    """The train split's mean whatever the input: the progression no longer grows with the body
    mass index, and the gate finds the lost accuracy (MAE)."""
    project, _ = regression_project
    selected = ["tests/test_invariance.py::test_score_moves_in_the_expected_direction", "tests/test_promotion.py"]
    result = on_broken_model(project, shared_env, "progression", "constant", selected)
    out = result.stdout
    assert "2 failed" in out, out[-3000:]
    assert "FAILED tests/test_invariance.py::test_score_moves_in_the_expected_direction[check0]" in out
    assert "FAILED tests/test_promotion.py::test_the_candidate_is_not_worse_than_the_model_in_production" in out
    assert "111 of 111 rows (100.0%) did not increase under shift('bmi', 5)" in out
    assert "assert_no_regression failed: mae 65.53 (new) vs 42.76 (old)" in out


@regression_group
def test_regression_tests_catch_a_regressor_much_worse_for_one_sex(regression_project, shared_env):
    """A standard deviation off for 3 in 4 patients of sex 2: the error by sex."""
    project, _ = regression_project
    result = on_broken_model(project, shared_env, "progression", "worse-for-sex=2", ["tests/test_fairness.py"])
    out = result.stdout
    assert "1 failed" in out and "3 skipped" in out, out[-3000:]
    assert "FAILED tests/test_fairness.py::test_error_is_similar_across_groups[sex]" in out
    assert "group metric violated: mean_absolute_error ratio 0.575 < min_ratio 0.8" in out


@regression_group
def test_binary_tests_catch_a_classifier_much_worse_for_one_sex(template_copy, shared_env, tmp_path):
    """Wrong for 3 in 4 women of the German credit data: every fairness test fails; the correct
    model passes them. (And a misspelt data.task stops the tests in one line.)"""
    project = render(template_copy, tmp_path / "credit", BINARY)
    env = {**shared_env, "PYTHONPATH": str(project / "src")}
    fairness = [python(env), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_fairness.py"]
    correct = run(fairness, project, env, ok=False)
    assert "3 passed" in correct.stdout and "failed" not in correct.stdout, correct.stdout[-3000:]
    (project / "models").mkdir(exist_ok=True)
    result = on_broken_model(project, env, "credit", "worse-for-sex=female", ["tests/test_fairness.py"])
    out = result.stdout
    assert "3 failed" in out, out[-3000:]
    for test in ("test_demographic_parity", "test_equalized_odds", "test_accuracy_is_similar_across_groups"):
        assert f"FAILED tests/test_fairness.py::{test}[sex]" in out
    assert "demographic parity violated: selection_rate difference 0.584" in out
    assert "group metric violated: accuracy difference 0.427" in out
    # The tests read data.task when they run: a misspelt one stops them in one line.
    params = project / "params.yaml"
    params.write_text(
        params.read_text(encoding="utf-8").replace("  task: binary ", "  task: Regresion "), encoding="utf-8"
    )
    misspelt = run(fairness, project, env, ok=False)
    assert misspelt.returncode == 4
    assert misspelt.stderr.strip() == (
        "ERROR: params.yaml: data.task 'Regresion' is not a task (did you mean 'regression'?); expected one of "
        "binary, multiclass, regression."
    )
