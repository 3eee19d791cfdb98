"""The CI workflow of the rendered default project, run here: its `run:` steps, in order.

There is no GitHub runner here, so the test plays one: the project is rendered with the default
answers, set up as a user would push it (git, DVC tracking the raw data), and every `run:` step of
the `test` job of .github/workflows/ci.yml runs with bash -eo pipefail (GitHub's default shell),
the workflow's `env`, and $GITHUB_STEP_SUMMARY pointing at a file. The `uses:` steps (checkout,
setup-python, caches, artefact upload) are GitHub's own and are skipped; none of the `run:` steps
needs a registry or a Docker engine. Speed: one environment whose site-packages point at this
repository's .venv, so the install step only adds the project itself (and anything .venv lacks).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, shared_venv


@pytest.fixture(scope="module")
def ci_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A runner-like environment: its `python` is a venv that sees this repository's packages."""
    venv = shared_venv(tmp_path_factory.mktemp("ci-runner") / "venv")
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(venv / "bin"), str(Path(sys.executable).parent), os.environ["PATH"]]),
        "GIT_AUTHOR_NAME": "CI",
        "GIT_AUTHOR_EMAIL": "ci@example.com",
        "GIT_COMMITTER_NAME": "CI",
        "GIT_COMMITTER_EMAIL": "ci@example.com",
        "DVC_NO_ANALYTICS": "1",
        "CI": "true",
    }
    for name in ("VIRTUAL_ENV", "MLTEST_SOURCE", "PYTHONPATH"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def pushed_project(tmp_path_factory: pytest.TempPathFactory, ci_env: dict[str, str]) -> Path:
    """The default project as its author pushes it: a git repository with the raw data under DVC."""
    import copier

    source = tmp_path_factory.mktemp("template-source")
    shutil.copy2(ROOT / "copier.yml", source / "copier.yml")
    shutil.copytree(ROOT / "template", source / "template")
    project = tmp_path_factory.mktemp("ci-checkout") / "my-ml-project"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(str(source), str(project), defaults=True, quiet=True)
    dvc = [sys.executable, "-m", "dvc"]
    for command in (
        ["make", "lock", f"VENV={Path(sys.executable).parent.parent}"],  # requirements.lock, as make setup writes it
        ["git", "init", "-q", "-b", "main"],
        [*dvc, "init", "-q"],
        [*dvc, "config", "core.analytics", "false"],
        [*dvc, "add", "-q", "data/raw/german_credit.csv"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "Start the project"],
    ):
        result = subprocess.run(command, cwd=project, env=ci_env, capture_output=True, text=True)
        assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"
    return project


def run_steps(steps: list[dict], project: Path, env: dict[str, str]) -> dict[str, subprocess.CompletedProcess[str]]:
    """Each step's `run:` script with GitHub's default shell, in order; stop at the first failure."""
    results = {}
    for step in steps:
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
        )
        results[step["name"]] = result
        if result.returncode != 0:
            break
    return results


def workflow_env(workflow: dict, ci_env: dict[str, str], summary: Path) -> dict[str, str]:
    """The workflow's `env` (expressions such as ${{ vars.X }} are empty here) and a summary file."""
    values = {name: "" if "${{" in str(value) else str(value) for name, value in workflow["env"].items()}
    return {**ci_env, **values, "GITHUB_STEP_SUMMARY": str(summary)}


@pytest.fixture(scope="module")
def ci_run(pushed_project: Path, ci_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """ci.yml's `test` job, run once, and what it left: read here, before any test changes the project."""
    workflow = yaml.safe_load((pushed_project / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    summary = tmp_path_factory.mktemp("ci-summary") / "step-summary.md"
    steps = [step for step in workflow["jobs"]["test"]["steps"] if "run" in step]
    results = run_steps(steps, pushed_project, workflow_env(workflow, ci_env, summary))
    metrics_file = pushed_project / "reports" / "metrics.json"
    dvc_status = [sys.executable, "-m", "dvc", "status"]
    status = subprocess.run(dvc_status, cwd=pushed_project, env=ci_env, capture_output=True, text=True)
    return {
        "names": [step["name"] for step in steps],
        "results": results,
        "summary": summary.read_text(encoding="utf-8") if summary.exists() else "",
        "metrics": yaml.safe_load(metrics_file.read_text(encoding="utf-8")) if metrics_file.exists() else {},
        "model": (pushed_project / "models" / "model.joblib").is_file(),
        "dvc status": status.stdout + status.stderr,
    }


def test_the_ci_run_steps_pass_in_order(ci_run: dict) -> None:
    names, results = ci_run["names"], ci_run["results"]
    assert names == ["Install", "Lint", "Type-check", "Pipeline", "Tests", "Model card in the job summary",
                     "ML Test Score"]  # fmt: skip
    for name in names:
        assert name in results, f"step {name!r} did not run: an earlier step failed"
        result = results[name]
        assert result.returncode == 0, f"step {name!r} failed:\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}"
    tests = results["Tests"].stdout
    assert " passed" in tests and " failed" not in tests, tests[-3000:]

    # The pipeline ran for real, the model exists, and the job summary holds the model card: every
    # family's checks and the ML Test Score, which may not fall below the template's.
    assert ci_run["metrics"]["accuracy"] > 0.7
    assert ci_run["model"]
    for section in ("Training data", "Fairness", "Evaluation: slices, calibration, proxies, leakage", "Invariance",
                    "Monitoring: drift, skew, model age", "Training sanity"):  # fmt: skip
        assert f"\n## {section}\n" in ci_run["summary"], ci_run["summary"][:2000]
    assert "assert_schema" in ci_run["summary"] and "## ML Test Score: " in ci_run["summary"]
    assert not ci_run["summary"].startswith("---")  # the card's front matter is left out
    assert "# ML Test Score: " in results["ML Test Score"].stdout
    # DVC sees the outputs it just produced as up to date: a second `dvc repro` has nothing to do.
    assert "up to date" in ci_run["dvc status"], ci_run["dvc status"]


def test_the_lock_pins_every_run_time_package_with_its_hashes(pushed_project: Path) -> None:
    """requirements.lock, which the Install step ran with --require-hashes (above), and the image installs."""
    lock = (pushed_project / "requirements.lock").read_text(encoding="utf-8")
    blocks = [block for block in lock.split("\n") if block and not block.startswith((" ", "#"))]
    pinned = {line.split("==")[0]: line for line in blocks}
    assert {"numpy", "pandas", "scikit-learn", "fastapi", "uvicorn", "pandera", "pyyaml", "joblib"} <= set(pinned)
    assert all("==" in line and line.endswith(" \\") for line in blocks), blocks
    assert lock.count("--hash=sha256:") >= len(blocks)
    assert "pytest-mltest" not in pinned and "ruff" not in pinned  # development tools are not in the image


def test_continuous_training_gate_passes_an_equal_model_and_blocks_a_worse_one(
    ci_run: dict, pushed_project: Path, ci_env: dict[str, str], tmp_path: Path
) -> None:
    """train.yml's metrics step, after the pipeline: once as committed, once with a worse model."""
    assert all(result.returncode == 0 for result in ci_run["results"].values())
    workflow = yaml.safe_load((pushed_project / ".github" / "workflows" / "train.yml").read_text(encoding="utf-8"))
    (gate,) = [step for step in workflow["jobs"]["train"]["steps"] if "check_metrics.py" in step.get("run", "")]
    summary = tmp_path / "step-summary.md"
    env = workflow_env(workflow, ci_env, summary)
    git = ["git", "-C", str(pushed_project)]
    subprocess.run([*git, "add", "dvc.lock", "reports/"], check=True, env=env)
    subprocess.run([*git, "commit", "-q", "-m", "Pipeline outputs"], check=True, env=env)

    same = run_steps([gate], pushed_project, env)[gate["name"]]
    assert same.returncode == 0, same.stdout + same.stderr
    assert "No metric changed." in summary.read_text(encoding="utf-8")

    params = pushed_project / "params.yaml"
    original = params.read_text(encoding="utf-8")
    try:  # a model regularised until it barely learns
        params.write_text(original.replace("C: 1.0 ", "C: 0.001 "), encoding="utf-8")
        repro = subprocess.run([sys.executable, "-m", "dvc", "repro", "-q"], cwd=pushed_project, env=env)
        assert repro.returncode == 0
        worse = run_steps([gate], pushed_project, env)[gate["name"]]
    finally:
        params.write_text(original, encoding="utf-8")
    assert worse.returncode == 1
    text = summary.read_text(encoding="utf-8")
    assert "| reports/metrics.json: balanced_accuracy | " in text and "**worse**" in text
    assert "balanced_accuracy dropped by " in text
    assert "The model is not promoted." in text


def test_the_score_floor_is_the_default_projects_score_and_catches_a_removed_piece(
    pushed_project: Path, ci_run: dict, ci_env: dict[str, str], tmp_path: Path
) -> None:
    """CI keeps the ML Test Score at the default project's (issue 17): without the data guard the
    same run's report scores below the floor, and `mltest score --min` fails naming the section."""
    output = ci_run["results"]["ML Test Score"].stdout
    score = float(re.search(r"^# ML Test Score: ([\d.]+)", output, re.M).group(1))
    sections = dict(re.findall(r"^\| (Data|Model|Infrastructure|Monitoring) \| ([\d.]+) / 7 \|", output, re.M))
    assert {name: float(points) for name, points in sections.items()} == {
        "Data": 5.5, "Model": 5.5, "Infrastructure": 6.5, "Monitoring": 6.5}, output  # fmt: skip
    workflow = (pushed_project / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert {float(floor) for floor in re.findall(r"mltest score .*--min ([\d.]+)", workflow)} == {score}

    copy = shutil.copytree(pushed_project, tmp_path / "without-data-guard", ignore=shutil.ignore_patterns(".dvc"))
    hooks = copy / ".pre-commit-config.yaml"
    config = yaml.safe_load(hooks.read_text(encoding="utf-8"))
    for repo in config["repos"]:
        repo["hooks"] = [hook for hook in repo["hooks"] if hook["id"] != "mltest-data-guard"]
    hooks.write_text(yaml.safe_dump(config), encoding="utf-8")
    command = ["mltest", "score", ".", "--report", "reports/mltest.json", "--min", f"{score:g}"]
    result = subprocess.run(command, cwd=copy, env=ci_env, capture_output=True, text=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "weakest section: Data" in result.stderr + result.stdout
    assert "| data-5 The data pipeline has appropriate privacy controls | 0.5 |" in result.stdout
