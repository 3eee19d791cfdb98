"""A project gets the pytest-mltest its template was made with (scripts/install_mltest.py, run by `make setup`).

A table of what `.copier-answers.yml` records (copied from a git URL as users do: `gh:`, https,
SSH, a tagged release or a commit between tags, a local checkout, cookiecutter's none) and what
is installed, in order: the tagged release from the package index, then the template's source
at the recorded commit. Then once for real: a project copied from a git URL at a tag that is not
on the package index installs pytest-mltest from that URL at that commit, into a new environment.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _template_projects import GIT_IDENTITY
from conftest import ROOT

SCRIPT = "template/{{cookiecutter.__project_slug}}/scripts/install_mltest.py"


@pytest.fixture(scope="module")
def installer():
    """scripts/install_mltest.py as a module (it renders unchanged: no Jinja in it)."""
    spec = importlib.util.spec_from_file_location("install_mltest", ROOT / SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = [
    (
        {"_src_path": "gh:org/pytest-mltest", "_commit": "v1.2.0"},
        ["pytest-mltest==1.2.0", "git+https://github.com/org/pytest-mltest@v1.2.0", "pytest-mltest"],
    ),
    (
        {"_src_path": "https://gitlab.com/org/pytest-mltest.git", "_commit": "v1.2.0-3-gabc1234"},
        ["git+https://gitlab.com/org/pytest-mltest.git@abc1234", "pytest-mltest"],
    ),
    (
        {"_src_path": "git@github.com:org/pytest-mltest.git", "_commit": "v2.0.0rc1"},
        [
            "pytest-mltest==2.0.0rc1",
            "git+ssh://git@github.com/org/pytest-mltest.git@v2.0.0rc1",
            "pytest-mltest",
        ],
    ),
    (
        {"_src_path": "gl:org/pytest-mltest", "_commit": "0f3c2a1"},
        ["git+https://gitlab.com/org/pytest-mltest@0f3c2a1", "pytest-mltest"],
    ),
    (
        {"_src_path": "git+https://example.org/pytest-mltest", "_commit": "v0.3.0.post1"},
        [
            "pytest-mltest==0.3.0.post1",
            "git+https://example.org/pytest-mltest@v0.3.0.post1",
            "pytest-mltest",
        ],
    ),
    ({"_src_path": str(ROOT), "_commit": "v0.1.0"}, ["pytest-mltest==0.1.0", str(ROOT), "pytest-mltest"]),
    ({"_src_path": "/nowhere/pytest-mltest", "_commit": "v0.1.0"}, ["pytest-mltest==0.1.0", "pytest-mltest"]),
    ({}, ["pytest-mltest"]),  # cookiecutter: no answers file
]


@pytest.mark.parametrize(("recorded", "expected"), CASES, ids=lambda value: str(value)[:40])
def test_what_is_installed_follows_the_recorded_source_and_commit(installer, recorded, expected):
    assert installer.candidates(recorded, {}) == expected


def test_mltest_source_overrides_everything(installer):
    recorded = {"_src_path": "gh:org/pytest-mltest", "_commit": "v1.2.0"}
    assert installer.candidates(recorded, {"MLTEST_SOURCE": "/my/checkout"}) == ["/my/checkout"]


def test_the_answers_file_is_read_without_a_yaml_library(installer):
    text = (
        "# Changes here will be overwritten by Copier\n_commit: v1.2.0\n_src_path: gh:org/pytest-mltest\nci: github\n"
    )
    assert installer.answers(text) == {"_commit": "v1.2.0", "_src_path": "gh:org/pytest-mltest"}


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT_IDENTITY}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def test_a_project_copied_from_a_git_url_installs_pytest_mltest_from_that_url_at_its_commit(tmp_path):
    import copier

    # The repository as users clone it, with this checkout's files (a full repository: pip's
    # partial clone of a shallow one fetches file by file).
    repo = tmp_path / "pytest-mltest"
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    version = next(
        line.split('"')[1]
        for line in (repo / "pyproject.toml").read_text().splitlines()
        if line.startswith("version = ")
    )
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "Release", cwd=repo)
    git("tag", f"v{version}", cwd=repo)
    commit = git("rev-parse", "HEAD", cwd=repo).strip()

    project = tmp_path / "project"
    url = f"git+file://{repo}"
    copier.run_copy(url, str(project), defaults=True, quiet=True, vcs_ref=f"v{version}")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {key: value for key, value in os.environ.items() if key not in {"VIRTUAL_ENV", "MLTEST_SOURCE", "PYTHONPATH"}}
    env |= {"PIP_NO_DEPS": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}  # pytest-mltest itself is what counts here
    result = subprocess.run(
        [str(venv / "bin" / "python"), "scripts/install_mltest.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Installing pytest-mltest from pytest-mltest=={version}\n  not there: " in result.stdout  # not released
    assert f"Installing pytest-mltest from {url}@v{version}\n" in result.stdout
    query = "from importlib import metadata; d = metadata.distribution('pytest-mltest'); print(d.version); "
    query += "print(d.read_text('direct_url.json'))"
    show = subprocess.run(
        [str(venv / "bin" / "python"), "-c", query], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    show = show.stdout.splitlines()
    assert show[0] == version
    direct = json.loads(show[1])
    assert direct["url"] == f"file://{repo}"
    assert direct["vcs_info"]["commit_id"] == commit

    # The template moves on (same version number), the project follows it: `copier update`
    # records the new commit; make setup again must replace pytest-mltest, which pip keeps.
    (repo / "mltest" / "_update_marker.py").write_text("MARK = 1\n", encoding="utf-8")
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "After the release", cwd=repo)
    later = git("rev-parse", "HEAD", cwd=repo).strip()
    answers_file = project / ".copier-answers.yml"
    answers_text = answers_file.read_text(encoding="utf-8")
    assert f"_commit: v{version}\n" in answers_text
    answers_file.write_text(
        answers_text.replace(f"_commit: v{version}\n", f"_commit: v{version}-1-g{later[:7]}\n"), encoding="utf-8"
    )
    again = subprocess.run(
        [str(venv / "bin" / "python"), "scripts/install_mltest.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"Installing pytest-mltest from {url}@{later[:7]}\n" in again.stdout
    show = subprocess.run(
        [str(venv / "bin" / "python"), "-c", query], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert json.loads(show.stdout.splitlines()[1])["vcs_info"]["commit_id"] == later
    # And once it matches, nothing is installed.
    third = subprocess.run(
        [str(venv / "bin" / "python"), "scripts/install_mltest.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert third.stdout == f"pytest-mltest {version} is installed\n", third.stdout + third.stderr
