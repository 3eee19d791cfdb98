"""The generated README's quick start and "Use your own data" steps, run as a user would.

The commands are read from the rendered README (its console block and the code spans of its
numbered steps), so these tests break when the README does. Two projects, rendered by Copier:
- without the example pipeline: the quick start, a first commit, then the user's data;
- with it, never committed: `make setup`, then the switch to the user's data.

Speed: `make setup` runs without its install step (`make -o install setup`) in the shared
environment of _template_projects.py, which has every package a project needs, and the package
runs from `src/` (PYTHONPATH): nothing is installed, no environment is created. A project's own
`make setup` is run by test_template_run.py.
"""

from __future__ import annotations

import itertools
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from _template_projects import copy_template, project_env, python, run
from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

GERMAN_CREDIT = ROOT / "examples" / "data" / "german_credit.csv"
# Code spans that are commands; other spans name files, settings or values.
PROGRAMS = ("dvc ", "mltest ", "mkdir ", "make ", "git ", "rm ")
OWN_DATA = "Use your own data"


@pytest.fixture(scope="module")
def template_copy(tmp_path_factory) -> Path:
    return copy_template(tmp_path_factory.mktemp("template-source"))


@pytest.fixture(scope="module")
def shared_env(template_copy, tmp_path_factory) -> dict[str, str]:
    """The shared environment, plus what the default project needs and this repository's .venv
    lacks (pre-commit-hooks for the git hooks, the service's packages): what `make setup` adds."""
    import copier

    base = tmp_path_factory.mktemp("shared")
    env = project_env(base)
    copier.run_copy(str(template_copy), str(base / "project"), defaults=True, quiet=True)
    project = tomllib.loads((base / "project" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *itertools.chain(*project["optional-dependencies"].values())]
    wanted = [spec for spec in wanted if not spec.startswith("pytest-mltest")]
    run([python(env), "-m", "pip", "install", "--quiet", *wanted], ROOT, env)
    return env


def render(template_copy: Path, project: Path, env: dict[str, str], **answers: object) -> dict[str, str]:
    """The project rendered by Copier, and the environment that runs it from src/."""
    import copier

    copier.run_copy(str(template_copy), str(project), data=answers, defaults=True, quiet=True)
    # `make setup` writes requirements.lock with the package index (make lock): not needed here.
    (project / "requirements.lock").write_text("# not locked in this test\n", encoding="utf-8")
    return {**env, "PYTHONPATH": str(project / "src")}


def section(readme: str, title: str) -> str:
    """The text of the README's `## title` section, up to the next `## ` heading."""
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", readme, flags=re.M | re.S)
    assert found, f"the README has no section {title!r}"
    return found.group(1)


def console_commands(text: str) -> list[str]:
    """The commands of the first ```console block, without their comments."""
    block = re.search(r"```console\n(.*?)```", text, flags=re.S)
    assert block, text
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def numbered_steps(text: str) -> list[str]:
    """The items of the numbered list, in order."""
    items = re.split(r"^\d+\. ", text, flags=re.M)[1:]
    assert items, text
    return items


def commands(text: str) -> list[str]:
    """The code spans of `text` (outside code blocks) that are commands."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return [span for span in re.findall(r"`([^`]+)`", text) if span.startswith(PROGRAMS)]


def shell(command: str, project: Path, env: dict[str, str], *, ok: bool = True):
    """A README command as the user types it. `make setup` runs without its install step (see the
    module docstring); `git commit` gets a message instead of an editor."""
    command = command.replace("make setup", "make -o install setup")
    if command == "git commit":
        command = "git commit -q -m 'Use my data'"
    return run(["sh", "-c", command], project, env, ok=ok)


def switch_data(project: Path, env: dict[str, str], variables: str, description: str) -> list[str]:
    """The "Use your own data" section as written: its command (`variables`: DATA=, TARGET= and the others),
    describing the data as the user would (`description`: the section replacing the "Data" one
    that `make adopt` wrote), then the commands of its text. The tests pass and all is committed;
    returns the files git tracks."""
    text = section((project / "README.md").read_text(encoding="utf-8"), OWN_DATA)
    (adopt,) = console_commands(text)
    assert adopt == "make adopt DATA=path/to/my_data.csv TARGET=column_to_predict", adopt
    output = shell(f"make adopt {variables}", project, env).stdout
    readme_file = project / "README.md"
    readme = readme_file.read_text(encoding="utf-8")
    assert "## Example data" not in readme and "`make adopt` wrote this section" in readme
    replaced = re.sub(r"^## Data\n.*?(?=^## )", description, readme, flags=re.M | re.S)
    readme_file.write_text(replaced, encoding="utf-8")
    for command in commands(text):
        output += shell(command, project, env).stdout
    assert " passed" in output and " failed" not in output
    assert run(["git", "status", "--porcelain"], project, env).stdout == ""
    return run(["git", "ls-files"], project, env).stdout.splitlines()


def replace_all(text: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_without_the_example_the_quick_start_and_own_data_steps_work(template_copy, shared_env, tmp_path):
    """No example pipeline: the quick start runs no command that fails; `make repro` before any
    data says what to do in one line; the own-data steps then give a green project."""
    project = tmp_path / "no-example"
    env = render(template_copy, project, shared_env, example_pipeline=False, package_name="no_example")
    readme = (project / "README.md").read_text(encoding="utf-8")
    quick_start = section(readme, "Quick start")
    for command in console_commands(quick_start):
        result = shell(command, project, env)
        if command == "make setup":
            assert "Next: add your data (README.md, 'Use your own data')" in result.stdout
    save = [span for span in commands(quick_start) if span.startswith("git add")]
    assert len(save) == 1, quick_start
    shell(save[0], project, env)  # the first commit: every hook runs

    repro = shell("make repro", project, env, ok=False)
    assert repro.returncode != 0
    message = "make repro: no data at data/raw/data.csv: add it first (README.md, 'Use your own data')"
    assert repro.stderr.splitlines()[0] == message, repro.stderr
    assert "Traceback" not in repro.stderr and "ERROR" not in repro.stderr  # dvc did not start
    assert f"## {OWN_DATA}\n" in readme

    shutil.copy(GERMAN_CREDIT, tmp_path / "my_data.csv")

    description = "## Data\n\n`data/raw/my_data.csv`: loans and how they went.\n\n"
    variables = f"DATA={tmp_path / 'my_data.csv'} TARGET=risk POSITIVE=1 SENSITIVE=sex"
    tracked = switch_data(project, env, variables, description)
    assert {"data/raw/my_data.csv.dvc", "data/samples/my_data.csv", "data/schema.yaml", "dvc.lock"} <= set(tracked)


def test_with_the_example_never_committed_the_own_data_steps_leave_no_german_credit(
    template_copy, shared_env, tmp_path
):
    """A project set up but never committed switches to other data by the README's steps: every
    command works (no `git rm` of a file git does not know), and neither the README nor
    params.yaml still describes the German credit data."""
    project = tmp_path / "example"
    env = render(template_copy, project, shared_env)
    readme = (project / "README.md").read_text(encoding="utf-8")
    setup = console_commands(section(readme, "Quick start"))[0]
    assert setup == "make setup"
    shell(setup, project, env)
    assert run(["git", "rev-parse", "--verify", "-q", "HEAD"], project, env, ok=False).returncode != 0

    # A clone without the data (the .dvc file is there): `make repro` says how to fetch it.
    raw = project / "data" / "raw" / "german_credit.csv"
    raw.rename(tmp_path / "away.csv")
    repro = shell("make repro", project, env, ok=False)
    assert repro.returncode != 0
    message = "make repro: no data at data/raw/german_credit.csv: DVC tracks it, `dvc pull` fetches it"
    assert repro.stderr.splitlines()[0] == message, repro.stderr
    (tmp_path / "away.csv").rename(raw)

    # Other data: other names, a target with text labels (the README: quote 'yes' in params.yaml).
    data = pd.read_csv(GERMAN_CREDIT).rename(columns={"risk": "repaid", "credit_amount": "amount"})
    data["repaid"] = data["repaid"].map({1: "yes", 0: "no"})
    data.to_csv(project / "data" / "raw" / "my_data.csv", index=False)

    description = "## Data\n\n`data/raw/my_data.csv`: loans and whether they were repaid in full.\n\n"
    variables = "DATA=data/raw/my_data.csv TARGET=repaid POSITIVE=yes"  # the file is in data/raw/ already
    tracked = switch_data(project, env, variables, description)
    assert not [path for path in tracked if "german" in path], tracked
    assert not (project / "data" / "samples" / "german_credit.csv").exists()

    readme = (project / "README.md").read_text(encoding="utf-8")
    rest = readme.replace(section(readme, OWN_DATA), "")  # the steps name the example's files
    for word in ("german", "statlog", "credit"):
        assert word not in rest.lower(), word
    # The settings (the comments are the user's: the one of the `duration` entry, a column of this
    # data too, stays with it).
    params = yaml.safe_dump(yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8")))
    for word in ("german", "credit", "loan", "risk"):
        assert word not in params.lower(), word
    assert "positive_class: 'yes'" in (project / "params.yaml").read_text(encoding="utf-8")
