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
import shutil
import subprocess
import sys
import sysconfig
import warnings
from pathlib import Path

import pytest
import yaml
from conftest import ROOT


@pytest.fixture(scope="module")
def ci_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A runner-like environment: its `python` is a venv that sees this repository's packages."""
    venv = tmp_path_factory.mktemp("ci-runner") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    shared = sysconfig.get_paths()["purelib"]
    Path(purelib, "_mltest_shared.pth").write_text(f"import site; site.addsitedir({shared!r})\n")
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


def test_the_ci_run_steps_pass_in_order(pushed_project: Path, ci_env: dict[str, str], tmp_path: Path) -> None:
    workflow = yaml.safe_load((pushed_project / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["test"]
    summary = tmp_path / "step-summary.md"
    env = {
        **ci_env,
        **{name: "" if "${{" in str(value) else str(value) for name, value in workflow["env"].items()},
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    steps = [step for step in job["steps"] if "run" in step]
    names = [step["name"] for step in steps]
    assert names == [
        "Install",
        "Lint",
        "Type-check",
        "Pipeline",
        "Tests",
        "mltest report in the job summary",
    ]
    for step in steps:
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=pushed_project,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, (
            f"step {step['name']!r} failed:\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}"
        )
        if step["name"] == "Tests":
            assert " passed" in result.stdout and " failed" not in result.stdout, result.stdout[-3000:]

    # The pipeline ran for real, the model exists, and the job summary holds the mltest report.
    metrics = yaml.safe_load((pushed_project / "reports" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["accuracy"] > 0.7
    assert (pushed_project / "models" / "model.joblib").is_file()
    report = summary.read_text(encoding="utf-8")
    for family in ("Schema", "Fairness", "Invariance", "Training"):
        assert f"## {family}" in report, report[:2000]
    # DVC sees the outputs it just produced as up to date: a second `dvc repro` has nothing to do.
    status = subprocess.run(
        [sys.executable, "-m", "dvc", "status"], cwd=pushed_project, env=env, capture_output=True, text=True
    )
    assert "up to date" in status.stdout, status.stdout + status.stderr
