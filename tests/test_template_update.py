"""`copier update` from an older tag keeps the user's edits, brings the template's changes, and
never deletes the data the project tracks with DVC.

Real git tags on a temporary copy of this repository's template (Copier needs a git repository
with tags to know which version made a project, and to update it to a later one). The project
is used as a user would: `make setup`, `make repro`, a commit, edits, `copier update`, then
`make repro` and `make test` again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from _template_projects import copy_template, make, project_env, python, run

# One worker builds the module's projects once (pytest-xdist --dist loadgroup).
pytestmark = pytest.mark.xdist_group("template-update")
PROJECT = "template/{{cookiecutter.__project_slug}}"


def git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    return run(["git", *args], cwd, env).stdout


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    return project_env(tmp_path_factory.mktemp("update-env"))


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory, env) -> Path:
    """A git repository holding copier.yml and template/, tagged v1.0.0; then changed and tagged v1.1.0."""
    repo = copy_template(tmp_path_factory.mktemp("update") / "template-repo")
    git("init", "-q", "-b", "main", cwd=repo, env=env)
    git("add", "-A", cwd=repo, env=env)
    git("commit", "-q", "-m", "v1.0.0", cwd=repo, env=env)
    git("tag", "v1.0.0", cwd=repo, env=env)
    # The template moves on: a new section at the end of the README, a new file, a new default.
    readme = repo / PROJECT / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\n## Changelog\n\nSee CHANGELOG.md.\n", encoding="utf-8")
    (repo / PROJECT / "CHANGELOG.md").write_text("# Changelog\n\n## 0.1.0\n\n- Start.\n", encoding="utf-8")
    params = repo / PROJECT / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("test_size: 0.25", "test_size: 0.2"), encoding="utf-8")
    git("add", "-A", cwd=repo, env=env)
    git("commit", "-q", "-m", "v1.1.0", cwd=repo, env=env)
    git("tag", "v1.1.0", cwd=repo, env=env)
    return repo


@pytest.fixture(scope="module")
def updated(template_repo, env, tmp_path_factory) -> dict:
    """A project made at v1.0.0, set up, run and committed, edited by its user, then updated to v1.1.0."""
    import copier

    project = tmp_path_factory.mktemp("update-project") / "project"
    answers = {"project_name": "Updated Project"}
    copier.run_copy(str(template_repo), str(project), data=answers, vcs_ref="v1.0.0", defaults=True, quiet=True)
    make("setup", project, env)
    make("repro", project, env)
    git("add", "-A", cwd=project, env=env)
    git("commit", "-q", "-m", "Generated from v1.0.0", cwd=project, env=env)  # the pre-commit hooks run
    data = project / "data" / "raw" / "german_credit.csv"
    before = data.read_bytes()

    # The user's edits: a parameter, a line in the README, a file of their own.
    params = project / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("C: 1.0 ", "C: 0.5 "), encoding="utf-8")
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("## Quick start", "Our notes.\n\n## Quick start"))
    (project / "notes.md").write_text("mine\n", encoding="utf-8")
    git("add", "-A", cwd=project, env=env)
    git("commit", "-q", "-m", "My edits", cwd=project, env=env)

    copier.run_update(str(project), defaults=True, overwrite=True, quiet=True)
    status = git("status", "--porcelain", cwd=project, env=env)
    return {"project": project, "data before": before, "status": status}


def test_update_from_an_older_tag_keeps_the_users_edits(updated, template_repo):
    project = updated["project"]
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["_commit"] == "v1.1.0"
    assert answers["_src_path"] == str(template_repo)
    params_text = (project / "params.yaml").read_text(encoding="utf-8")
    assert "C: 0.5 " in params_text  # the user's edit
    assert "test_size: 0.2\n" in params_text  # the template's change, merged into the same file
    readme_text = (project / "README.md").read_text(encoding="utf-8")
    assert "Our notes.\n\n## Quick start" in readme_text
    assert readme_text.endswith("## Changelog\n\nSee CHANGELOG.md.\n")
    assert (project / "CHANGELOG.md").is_file()
    assert (project / "notes.md").read_text(encoding="utf-8") == "mine\n"
    # A conflicting update still exits 0: look for the markers.
    for path in project.rglob("*"):
        if path.is_file() and not {".git", ".dvc"} & set(path.parts):
            assert not path.name.endswith(".rej"), path
            assert "<<<<<<<" not in path.read_text(encoding="utf-8", errors="replace"), path


def test_update_keeps_the_data_dvc_tracks_and_the_project_runs(updated, env):
    """The shipped data/raw/german_credit.csv (git ignores it: DVC tracks it) survives the update."""
    project = updated["project"]
    data = project / "data" / "raw" / "german_credit.csv"
    assert data.is_file(), f"the update deleted {data.name}; git status:\n{updated['status']}"
    assert data.read_bytes() == updated["data before"]
    assert "german_credit" not in updated["status"]
    dvc = run([python(env), "-m", "dvc", "data", "status", "--granular"], project, env).stdout
    assert "german_credit" not in dvc, dvc  # unchanged for DVC too
    git("add", "-A", cwd=project, env=env)
    git("commit", "-q", "-m", "Update from the template", cwd=project, env=env)
    make("repro", project, env)
    tests = make("test", project, env).stdout
    assert " passed" in tests and " failed" not in tests
    assert "skipped" not in tests, tests[-3000:]  # nothing skips for missing data


def test_update_leaves_data_the_user_removed_removed(template_repo, env, tmp_path):
    """A user who replaced the example data ("Use your own data") does not get it back."""
    import copier

    project = tmp_path / "own-data"
    copier.run_copy(str(template_repo), str(project), vcs_ref="v1.0.0", defaults=True, quiet=True)
    git("init", "-q", "-b", "main", cwd=project, env=env)
    (project / "data" / "raw" / "german_credit.csv").unlink()
    shutil.copy(project / "data" / "samples" / "german_credit.csv", project / "data" / "raw" / "mine.csv")
    git("add", "-A", cwd=project, env=env)
    git("commit", "-q", "--no-verify", "-m", "My data", cwd=project, env=env)
    copier.run_update(str(project), defaults=True, overwrite=True, quiet=True)
    assert not (project / "data" / "raw" / "german_credit.csv").exists()
    assert (project / "data" / "raw" / "mine.csv").is_file()
