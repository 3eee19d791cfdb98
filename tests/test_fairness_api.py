"""The public names of mltest.fairness, and fairlearn's signatures."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import fairlearn.metrics as fl
import pytest

import mltest
from mltest import fairness as mf

FAIRLEARN_NAMES = [
    "selection_rate",
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
]


def test_all_names_resolve() -> None:
    assert sorted(mf.__all__) == mf.__all__
    for name in mf.__all__:
        assert getattr(mf, name).__module__.startswith("mltest.fairness")


@pytest.mark.parametrize(
    "name", ["assert_demographic_parity", "assert_equalized_odds", "assert_equal_opportunity", "assert_group_metric"]
)
def test_top_level_assertions_are_the_fairness_ones(name: str) -> None:
    assert getattr(mltest, name) is getattr(mf, name)


@pytest.mark.parametrize("name", FAIRLEARN_NAMES)
def test_signature_is_fairlearns_plus_keywords(name: str) -> None:
    ours = inspect.signature(getattr(mf, name)).parameters
    theirs = inspect.signature(getattr(fl, name)).parameters
    extra = [p for p in ours if p not in theirs]
    assert extra in ([], ["data", "pos_label", "labels"])
    assert all(ours[p].kind == inspect.Parameter.KEYWORD_ONLY and ours[p].default is None for p in extra)
    for pname, param in theirs.items():
        assert ours[pname].kind == param.kind, pname
        assert ours[pname].default == param.default, pname
    assert list(ours)[: len(theirs)] == list(theirs)


PACKAGE = Path(mf.__file__).parent


def test_the_package_keeps_its_shape() -> None:
    """Issue 12: small modules and functions, no positional mega-calls, no dead Counts fields."""
    for path in sorted(PACKAGE.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert len(source.splitlines()) <= 450, path.name
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno - node.lineno + 1 <= 80, (path.name, node.name)
            if isinstance(node, ast.Call):
                assert len(node.args) <= 6, (path.name, node.lineno)
    from mltest.fairness._counts import Counts

    # every field is read: no row-level group keys (Spark has none) nor key lists kept for nothing
    assert list(Counts.__dataclass_fields__) == [
        "columns", "groups", "rows", "cells", "cell_rows", "classes", "measured", "binary",
    ]  # fmt: skip


def test_the_pipeline_has_no_import_cycle() -> None:
    """inputs -> counts -> metrics -> verdict: each module imports only earlier stages."""
    imports = {}
    for path in PACKAGE.glob("_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):  # module-level and lazy imports alike
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mltest.fairness."):
                names.add(node.module.rsplit(".", 1)[1])
            elif isinstance(node, ast.ImportFrom) and node.module == "mltest.fairness":
                names |= {alias.name for alias in node.names}
        imports[path.stem] = names

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        return any(n == target or (n not in seen and reaches(n, target, seen | {n})) for n in imports.get(start, ()))

    assert [m for m in imports if reaches(m, m, set())] == []
