"""The distribution ships every package, the hooks, the entry points and a light public API."""

from __future__ import annotations

from importlib.metadata import entry_points

import tomllib
from conftest import ROOT


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
