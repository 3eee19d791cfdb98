"""The full answer matrix: every task x framework combination runs `make setup repro test lint`.

Marked `matrix`: `make test` leaves these out (it runs one representative project per capability:
test_template_run.py, test_template_tasks.py); `make test-matrix` runs them, and the release
workflow runs `make test-matrix` before it publishes.

The axes are read from copier.yml, so a new choice of `task` or `framework` joins the matrix by
itself. Each combination is rendered by Copier with the defaults for every other answer and its
own package name, then used as its user would: `make setup`, `make repro`, `make test`, every file
staged, `make lint` (ruff and pre-commit on every file). Speed: one environment per framework (see
_template_projects.py), each on one xdist worker, so the projects of a framework share it.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from _template_projects import copy_template, make, project_env, run
from conftest import ROOT

# What `make repro` writes to reports/metrics.json for each task (the evaluate stage).
METRICS = {
    "binary": {"accuracy", "balanced_accuracy", "roc_auc"},
    "multiclass": {"accuracy", "balanced_accuracy", "f1_macro"},
    "regression": {"mae", "rmse", "r2"},
}
# The families every project's `make test` reports, whatever its task.
FAMILIES = ("Schema", "Fairness", "Invariance", "Training", "Evaluation")


def choices(question: str) -> list[str]:
    """The values of a copier.yml question, in its order; [] when the template does not ask it."""
    spec = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8")).get(question)
    if spec is None:
        return []
    values = spec["choices"]
    return list(values.values() if isinstance(values, dict) else values)


FRAMEWORKS = choices("framework")
# Before the template asked `task`, every project was a binary classifier.
TASKS = choices("task") or ["binary"]
COMBINATIONS = [
    pytest.param(
        task,
        framework,
        id=f"{task}-{framework}",
        marks=[pytest.mark.matrix, pytest.mark.xdist_group(f"matrix-{framework}")],
    )
    for framework in FRAMEWORKS
    for task in TASKS
]


@pytest.fixture(scope="module")
def template_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_template(tmp_path_factory.mktemp("matrix-template"))


@pytest.fixture(scope="module")
def environments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """framework -> its environment, made for the first project of that framework (on each worker)."""
    return {}


@pytest.fixture
def framework_env(environments, framework: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if framework not in environments:
        environments[framework] = project_env(tmp_path_factory.mktemp(f"matrix-env-{framework}"))
    return environments[framework]


def render(template_copy: Path, destination: Path, task: str, framework: str) -> Path:
    import copier

    answers = {
        "project_name": f"Matrix {task} {framework}",
        "package_name": f"matrix_{task}_{framework.replace('-', '_')}",
        "framework": framework,
    }
    if choices("task"):
        answers["task"] = task
    copier.run_copy(str(template_copy), str(destination), data=answers, defaults=True, quiet=True)
    return destination


@pytest.mark.parametrize(("task", "framework"), COMBINATIONS)
def test_every_task_and_framework_is_green_on_its_first_run(template_copy, framework_env, tmp_path, task, framework):
    env = framework_env
    project = render(template_copy, tmp_path / "project", task, framework)
    params = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))
    assert params["data"].get("task", "binary") == task

    make("setup", project, env)
    make("repro", project, env)
    metrics = json.loads((project / "reports" / "metrics.json").read_text(encoding="utf-8"))
    assert METRICS[task] <= set(metrics), sorted(metrics)
    assert (project / "models" / "model.joblib").is_file()

    tests = make("test", project, env).stdout
    assert " passed" in tests and " failed" not in tests, tests[-3000:]
    report = (project / "reports" / "mltest.md").read_text(encoding="utf-8")
    for family in FAMILIES:
        assert f"## {family}" in report, family
    if framework == "pytorch":
        assert "assert_overfits_batch" in report and "assert_params_update" in report

    run(["git", "add", "-A"], project, env)
    make("lint", project, env)  # ruff, then pre-commit run --all-files


def pytest_command(target: str, *args: str) -> list[str]:
    """The pytest command `make <target>` runs (make -n prints it without running it)."""
    shown = subprocess.run(
        ["make", "-n", target, f"PYTEST_ARGS={shlex.join(args)}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    (line,) = [line for line in shown.splitlines() if " -m pytest " in line]
    return shlex.split(line)


def collected(command: list[str]) -> list[str]:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode in (0, 5), result.stdout + result.stderr  # 5: nothing collected
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_make_test_leaves_the_matrix_out_and_make_test_matrix_runs_all_of_it():
    """What each target collects of this module: make test its plain tests (this one), make
    test-matrix every task x framework combination, even when PYTEST_ARGS is given (CI gives it)."""
    here = "tests/test_template_matrix.py"
    everything = {f"{here}::test_every_task_and_framework_is_green_on_its_first_run[{p.id}]" for p in COMBINATIONS}
    assert set(collected(pytest_command("test-matrix", "--collect-only", "-q", here))) == everything
    assert len(everything) == len(TASKS) * len(FRAMEWORKS) >= 2
    plain = collected(pytest_command("test", "--collect-only", "-q", here))
    assert f"{here}::test_make_test_leaves_the_matrix_out_and_make_test_matrix_runs_all_of_it" in plain
    assert not everything & set(plain)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()  # CI's one command


GROUPED = """
import pytest

@pytest.mark.xdist_group("one")
@pytest.mark.parametrize("n", range(6))
def test_one(n):
    pass

@pytest.mark.parametrize("n", [pytest.param(n, marks=pytest.mark.xdist_group("two")) for n in range(6)])
def test_two(n):
    pass

@pytest.mark.parametrize("n", range(6))
def test_anywhere(n):
    pass
"""


def test_the_tests_of_an_xdist_group_run_on_one_worker(pytester: pytest.Pytester):
    """What the matrix's one environment per framework (and every template module's one project)
    rests on: under `--dist loadgroup`, a group's tests run on one worker (tests/_xdist_groups.py)."""
    pytester.makeconftest(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'tests')!r})\n"
        "from _xdist_groups import group_for_xdist\n\n\n"
        "def pytest_collection_modifyitems(config, items):\n    group_for_xdist(config, items)\n"
    )
    pytester.makepyfile(test_grouped=GROUPED)
    result = pytester.runpytest_subprocess("-n", "2", "--dist", "loadgroup", "-v", "-p", "no:randomly")
    result.assert_outcomes(passed=18)
    workers: dict[str, set[str]] = {}
    for line in result.outlines:
        if " PASSED test_grouped.py::" in line:
            worker, test = line.split()[0], line.split("::")[1].split("[")[0]
            workers.setdefault(test, set()).add(worker)
    assert len(workers["test_one"]) == len(workers["test_two"]) == 1, workers
