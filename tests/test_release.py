"""This repository's own CI and release workflows, the support matrix they run, the release tag check.

There is no GitHub here: the workflows are checked offline (zizmor's pedantic audits, the
GitHub workflow JSON schema), and the pieces they run are run here (noxfile legs, the tag check).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())


def test_there_are_ci_and_release_workflows() -> None:
    assert [w.name for w in WORKFLOWS] == ["ci.yml", "release.yml"]


def test_zizmor_pedantic_finds_nothing() -> None:
    result = subprocess.run(
        [BIN / "zizmor", "--offline", "--persona", "pedantic", "--no-progress", *WORKFLOWS],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_workflows_are_valid_github_workflows() -> None:
    result = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_by_sha_with_its_tag_in_a_comment() -> None:
    uses = [line.strip() for w in WORKFLOWS for line in w.read_text().splitlines() if "uses:" in line]
    assert uses
    for line in uses:
        assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*", line), line


def _nox_stacks() -> set[tuple[str, str]]:
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "STACKS":
            return set(ast.literal_eval(node.value).keys())
    raise AssertionError("noxfile.py has no STACKS")


def test_the_ci_matrix_runs_every_leg_of_the_noxfile() -> None:
    matrix = _workflow("ci.yml")["jobs"]["compat"]["strategy"]["matrix"]["include"]
    assert {(leg["python"], leg["pandas"]) for leg in matrix} == _nox_stacks()
    assert _nox_stacks() >= {("3.10", "2"), ("3.13", "2"), ("3.13", "3")}


def test_ci_runs_lint_the_full_suite_docs_and_the_distributions() -> None:
    jobs = _workflow("ci.yml")["jobs"]
    runs = {name: " ".join(step.get("run", "") for step in job["steps"]) for name, job in jobs.items()}
    assert "ruff check" in runs["lint"] and "ruff format --check" in runs["lint"]
    assert "make test" in runs["test"]
    assert "mkdocs build --strict" in runs["docs"]
    assert "python -m build" in runs["dist"] and "twine check --strict" in runs["dist"]


def test_release_publishes_with_trusted_publishing_and_attestations() -> None:
    release = _workflow("release.yml")
    assert set(release[True]["push"]["tags"]) == {"v*"}  # `on:` reads as True in YAML 1.1
    jobs = release["jobs"]
    uses = {name: [step.get("uses", "").split("@")[0] for step in job["steps"]] for name, job in jobs.items()}
    assert "actions/attest-build-provenance" in uses["build"]
    assert "pypa/gh-action-pypi-publish" in uses["publish"]
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    assert "with" not in jobs["publish"]["steps"][-1]  # no password: OIDC
    assert jobs["publish"]["environment"]["name"] == "pypi"
    assert release["permissions"] == {}


def test_release_publishes_only_after_the_templates_full_answer_matrix_passed() -> None:
    """`make test` (CI) leaves the task x framework matrix out for time; a release runs it first."""
    jobs = _workflow("release.yml")["jobs"]
    assert [step["run"] for step in jobs["matrix"]["steps"] if "run" in step] == ["make test-matrix"]
    assert jobs["matrix"]["permissions"] == {"contents": "read"}
    assert "matrix" in jobs["publish"]["needs"]


def _release_version():
    spec = importlib.util.spec_from_file_location("release_version", ROOT / ".github" / "release_version.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("tag", "version", "problem"),
    [
        ("v0.2.0", "0.2.0", None),
        ("v1.0.0rc1", "1.0.0rc1", None),
        ("v0.2.0", "0.3.0", "tag 'v0.2.0' does not match pyproject.toml's version '0.3.0': set the version first"),
        ("0.2.0", "0.2.0", "tag '0.2.0' is not v followed by a PEP 440 version (v1.2.3, v1.2.3rc1)"),
        (
            "v0.2.0-template",
            "0.2.0",
            "tag 'v0.2.0-template' is not v followed by a PEP 440 version (v1.2.3, v1.2.3rc1)",
        ),
    ],
)
def test_the_release_tag_is_the_package_version_and_a_version_copier_orders(
    tag: str, version: str, problem: str | None
) -> None:
    assert _release_version().problem(tag, version) == problem


def test_the_release_tag_check_reads_pyproject(capsys: pytest.CaptureFixture[str]) -> None:
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert _release_version().main([f"v{version}"]) == 0
    assert _release_version().main(["v999.0.0"]) == 1
    assert "does not match pyproject.toml's version" in capsys.readouterr().err


def test_copier_takes_the_release_tag_as_the_template_version() -> None:
    """Copier orders a template's tags with packaging's PEP 440 parser (copier.vcs)."""
    from packaging.version import Version

    assert Version("v0.2.0") > Version("v0.1.0") and str(Version("v1.0.0rc1")) == "1.0.0rc1"
