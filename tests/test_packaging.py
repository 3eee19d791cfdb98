"""The distribution ships every package, the hooks, the entry points and a light public API."""

from __future__ import annotations

import tomllib
from importlib.metadata import entry_points

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
