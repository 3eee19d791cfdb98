"""The distribution ships every package, the hooks, the entry points and a light public API."""

from __future__ import annotations

import email.parser
import json
import re
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import tomllib
from conftest import ROOT

UV = Path(sys.executable).parent / "uv"


def test_every_subpackage_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "mltest").rglob("__init__.py")} | {
        "mltest.hooks"
    }
    assert found == listed


def test_hooks_are_importable_as_mltest_hooks() -> None:
    import mltest.hooks

    assert mltest.hooks.__file__.startswith(str(ROOT / "hooks"))


def test_entry_points() -> None:
    assert entry_points(group="pytest11")["mltest"].value == "mltest.plugin"
    assert entry_points(group="console_scripts")["mltest"].value == "mltest.cli:main"


def test_every_public_name_resolves() -> None:
    import mltest

    missing = [name for name in mltest.__all__ if getattr(mltest, name, None) is None]
    assert missing == []


def test_public_modules_export_what_they_define() -> None:
    import importlib

    for module_name in (
        "mltest.errors",
        "mltest.report",
        "mltest.schema",
        "mltest.fairness",
        "mltest.invariance",
        "mltest.perturb",
        "mltest.strategies",
        "mltest.training",
        "mltest.training.torch",
        "mltest.notebooks",
        "mltest.monitoring",
        "mltest.evaluation",
        "mltest.score",
    ):
        module = importlib.import_module(module_name)
        assert module.__all__, module_name
        assert [name for name in module.__all__ if not hasattr(module, name)] == [], module_name


def test_top_level_checks_are_the_family_functions() -> None:
    import mltest

    # Compared by where they are defined, not by identity: pytester's in-process runs in this
    # session re-import modules, so an earlier cached attribute may be an older copy.
    for name, family in [
        ("assert_schema", "mltest.schema"),
        ("assert_demographic_parity", "mltest.fairness"),
        ("assert_invariant", "mltest.invariance"),
    ]:
        assert getattr(mltest, name).__module__.startswith(family + "."), name
    assert issubclass(mltest.CheckFailed, AssertionError)
    assert issubclass(mltest.InvalidArgument, ValueError)
    assert issubclass(mltest.InvalidArgumentType, TypeError)


# --- the built wheel, installed for real -------------------------------------------------------------

# What `pip install pytest-mltest` and `pytest-mltest[sklearn]` may pull in: the direct requirements.
BASE_REQUIREMENTS = {"pytest", "numpy", "pandas", "pandera", "narwhals", "hypothesis", "pyyaml", "tomli", "nbformat"}
BASE_REQUIREMENTS |= {"pyarrow"}
# never pulled by the base install or the sklearn extra: other extras' and the tests' packages
NOT_NEEDED = {"nbconvert", "jupyter-client", "pyzmq", "torch", "polars", "pyspark", "matplotlib", "fairlearn", "copier"}


def _run(*command: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, cwd=cwd, timeout=900)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run(UV, "build", "--wheel", "--quiet", "--out-dir", out, ROOT)
    (built,) = out.glob("pytest_mltest-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean virtual environment (no shared packages) with the wheel and its sklearn extra, not editable."""
    venv = tmp_path_factory.mktemp("clean") / "venv"
    _run(UV, "venv", "--quiet", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    _run(UV, "pip", "install", "--quiet", "--python", python, f"{wheel}[sklearn]")
    return python


def _requirements(wheel: Path) -> dict[str | None, set[str]]:
    """Requires-Dist of the wheel's METADATA: names by extra (None for the base install)."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(archive.read(name).decode())
    found: dict[str | None, set[str]] = {}
    for requirement in metadata.get_all("Requires-Dist"):
        extra = re.search(r"extra == \"([^\"]+)\"", requirement)
        package = re.match(r"[A-Za-z0-9._-]+", requirement).group(0).lower().replace("_", "-")
        found.setdefault(extra.group(1) if extra else None, set()).add(package)
    return found


def test_the_sklearn_extra_pulls_only_scikit_learn(wheel: Path) -> None:
    requirements = _requirements(wheel)
    assert requirements[None] == BASE_REQUIREMENTS
    assert requirements["sklearn"] == {"scikit-learn"}


def test_the_installed_wheel_holds_nothing_it_does_not_need(installed: Path) -> None:
    listed = _run(UV, "pip", "list", "--python", installed, "--format", "json").stdout
    names = {package["name"].lower() for package in json.loads(listed)}
    assert {"pytest-mltest", "scikit-learn", "pandera"} <= names
    assert names & NOT_NEEDED == set()


def test_the_installed_wheel_registers_the_plugin_and_runs_the_examples(installed: Path, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("demo.py", "__pycache__"))
    pytest_args = ["-p", "no:cacheprovider", "examples", "--mltest-report=report.json"]
    run = _run(installed, "-m", "pytest", *pytest_args, cwd=tmp_path)
    assert "mltest: seed " in run.stdout  # the plugin's report header: registered through its entry point
    assert "2 passed, 1 xfailed" in run.stdout
    assert json.loads((tmp_path / "report.json").read_text())["results"]
    where = _run(installed, "-c", "import mltest; print(mltest.__file__)", cwd=tmp_path).stdout
    assert "site-packages" in where and str(ROOT) not in where  # the wheel, not this checkout


def test_the_installed_wheel_ships_every_hook_of_the_manifest(installed: Path, tmp_path: Path) -> None:
    import yaml

    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    modules = sorted({hook["entry"].split()[-1] for hook in manifest if hook["entry"].startswith("python -m ")})
    assert modules and all(m.startswith("mltest.hooks.") for m in modules)
    for module in modules:
        run = _run(installed, "-m", module, "--help", cwd=tmp_path)
        assert run.stdout.startswith("usage: "), module
    assert _run(installed, "-m", "mltest.cli", "--version", cwd=tmp_path).stdout.startswith("mltest ")
