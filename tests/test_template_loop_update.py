"""`copier update` brings the monitoring loop (issue 14) into a project generated before it, and
keeps the user's edits.

The older version is this repository's template as it was just before monitoring came in (the
parent of the commit that added the generated monitor.py), tagged v1.0.0 in a temporary git
repository; today's template is v1.1.0. A project is made at v1.0.0 and used as a user would
(`make setup`, `make repro`, a commit, edits), then updated: it gains the monitor command, the
prediction log and the reference the train stage writes, and `make repro` writes them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from _template_projects import copy_template, make, project_env, python, run
from conftest import ROOT

pytestmark = pytest.mark.xdist_group("template-loop-update")

PACKAGE = "older_project"
SOURCE = "template/{{cookiecutter.__project_slug}}/src/{{cookiecutter.package_name}}"


def before_monitoring() -> str | None:
    """The commit of this repository just before the generated monitor.py was added."""
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", f"{SOURCE}/monitor.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return f"{added[-1]}^" if added else None


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return project_env(tmp_path_factory.mktemp("loop-update-env"))


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Path:
    commit = before_monitoring()
    if commit is None:  # a checkout without history (a shallow clone, an sdist)
        pytest.skip("no git history of the template here: the version before monitoring is unknown")
    repo = tmp_path_factory.mktemp("loop-update") / "template-repo"
    repo.mkdir()
    command = ["git", "archive", commit, "copier.yml", "template"]
    archive = subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(repo)], input=archive.stdout, check=True)
    for command in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "v1.0.0"],
                    ["git", "tag", "v1.0.0"]):  # fmt: skip
        run(command, repo, env)
    shutil.rmtree(repo / "template")
    copy_template(repo)  # today's copier.yml and template/
    for command in (["git", "add", "-A"], ["git", "commit", "-q", "-m", "v1.1.0"], ["git", "tag", "v1.1.0"]):
        run(command, repo, env)
    return repo


@pytest.fixture(scope="module")
def updated(template_repo: Path, env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Made at v1.0.0, set up, run, committed, edited by its user, updated to v1.1.0, run again."""
    import copier

    project = tmp_path_factory.mktemp("loop-update-project") / "older-project"
    answers = {"project_name": "Older Project"}
    copier.run_copy(str(template_repo), str(project), data=answers, vcs_ref="v1.0.0", defaults=True, quiet=True)
    assert not (project / "src" / PACKAGE / "monitor.py").exists()
    make("setup", project, env)
    make("repro", project, env)
    run(["git", "add", "-A"], project, env)
    run(["git", "commit", "-q", "--no-verify", "-m", "Generated before monitoring"], project, env)
    params = project / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("C: 1.0 ", "C: 0.5 "), encoding="utf-8")
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("## Quick start", "Our notes.\n\n## Quick start"))
    run(["git", "add", "-A"], project, env)
    run(["git", "commit", "-q", "--no-verify", "-m", "My edits"], project, env)

    copier.run_update(str(project), defaults=True, overwrite=True, quiet=True)
    make("install", project, env)  # the update adds dependencies (fsspec, prometheus-client)
    make("repro", project, env)
    monitor = run([python(env), "-m", PACKAGE, "monitor"], project, env, ok=False)
    return {"project": project, "monitor": monitor}


def test_the_update_brings_monitoring_and_keeps_the_users_edits(updated: dict) -> None:
    project = updated["project"]
    assert yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))["_commit"] == "v1.1.0"
    for name in ("monitor.py", "prediction_log.py", "reference.py", "metadata.py", "metrics.py"):
        assert (project / "src" / PACKAGE / name).is_file(), name
    assert (project / ".github" / "workflows" / "monitor.yml").is_file()
    assert "monitor:" in (project / "Makefile").read_text(encoding="utf-8")
    params = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))
    assert params["model"]["C"] == 0.5 and params["monitoring"]["period"] == "7d"  # edit kept, section added
    assert "Our notes.\n\n## Quick start" in (project / "README.md").read_text(encoding="utf-8")
    for path in project.rglob("*"):
        if path.is_file() and not {".git", ".dvc", "logs"} & set(path.parts) and path.suffix not in {".joblib"}:
            assert not path.name.endswith(".rej"), path
            assert "<<<<<<<" not in path.read_text(encoding="utf-8", errors="replace"), path
    assert (project / "data" / "raw" / "german_credit.csv").is_file()  # DVC's data survives


def test_after_the_update_repro_writes_the_reference_and_monitor_runs(updated: dict) -> None:
    project = updated["project"]
    for name in ("model.joblib.meta.json", "reference/inputs.json", "reference/predictions.json"):
        assert (project / "models" / name).is_file(), name
    monitor = updated["monitor"]
    assert monitor.returncode == 2, monitor.stdout + monitor.stderr  # nothing logged yet: nothing to judge
    assert "monitoring: nothing to judge" in monitor.stdout
    assert "no predictions were logged" in (project / "reports" / "monitoring.md").read_text(encoding="utf-8")
