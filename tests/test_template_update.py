"""`copier update` from an older tag keeps the user's edits and brings the template's changes.

Real git tags on a temporary copy of this repository's template (Copier needs a git repository
with tags to know which version made a project, and to update it to a later one).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

PROJECT = "template/{{cookiecutter.__project_slug}}"
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True, check=True)
    return result.stdout


@pytest.fixture
def template_repo(tmp_path) -> Path:
    """A git repository holding copier.yml and template/, tagged v1.0.0; then changed and tagged v1.1.0."""
    repo = tmp_path / "template-repo"
    repo.mkdir()
    shutil.copy(ROOT / "copier.yml", repo / "copier.yml")
    shutil.copytree(ROOT / "template", repo / "template")
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "v1.0.0", cwd=repo)
    git("tag", "v1.0.0", cwd=repo)
    # The template moves on: a new section at the end of the README, a new file, a new default.
    readme = repo / PROJECT / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\n## Changelog\n\nSee CHANGELOG.md.\n", encoding="utf-8")
    (repo / PROJECT / "CHANGELOG.md").write_text("# Changelog\n\n## 0.1.0\n\n- Start.\n", encoding="utf-8")
    params = repo / PROJECT / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("test_size: 0.25", "test_size: 0.2"), encoding="utf-8")
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "v1.1.0", cwd=repo)
    git("tag", "v1.1.0", cwd=repo)
    return repo


def test_update_from_an_older_tag_keeps_the_users_edits(template_repo, tmp_path):
    import copier

    project = tmp_path / "project"
    copier.run_copy(str(template_repo), str(project), vcs_ref="v1.0.0", defaults=True, quiet=True)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["_commit"] == "v1.0.0"
    assert answers["_src_path"] == str(template_repo)
    git("init", "-q", "-b", "main", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "Generated from v1.0.0", cwd=project)

    # The user's edits: a parameter, a line in the README, a file of their own.
    params = project / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("C: 1.0 ", "C: 0.5 "), encoding="utf-8")
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("## Quick start", "Our notes.\n\n## Quick start"))
    (project / "notes.md").write_text("mine\n", encoding="utf-8")
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "My edits", cwd=project)

    copier.run_update(str(project), defaults=True, overwrite=True, quiet=True)

    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["_commit"] == "v1.1.0"
    params_text = params.read_text(encoding="utf-8")
    assert "C: 0.5 " in params_text  # the user's edit
    assert "test_size: 0.2\n" in params_text  # the template's change, merged into the same file
    readme_text = readme.read_text(encoding="utf-8")
    assert "Our notes.\n\n## Quick start" in readme_text
    assert readme_text.endswith("## Changelog\n\nSee CHANGELOG.md.\n")
    assert (project / "CHANGELOG.md").is_file()
    assert (project / "notes.md").read_text(encoding="utf-8") == "mine\n"
    # A conflicting update still exits 0: look for the markers.
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert not path.name.endswith(".rej"), path
            assert "<<<<<<<" not in path.read_text(encoding="utf-8", errors="replace"), path
