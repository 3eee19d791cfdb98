"""docs/invariance.md beyond its walk-through (which tests/test_acceptance_docs.py runs).

Every Hypothesis example shown in the docs calls a model, so each must switch the deadline off:
a reader copies it into a test suite that runs on a busy CI runner. The error texts the page
shows are the ones mltest raises.
"""

from __future__ import annotations

import ast
import re

import pandas as pd
import pytest
from conftest import ROOT

import mltest
from mltest import perturb

DOCS = sorted((ROOT / "docs").glob("*.md"))


def _python_blocks(page) -> list[str]:
    return re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.DOTALL)


def _given_without_deadline(code: str) -> list[str]:
    """Functions decorated with @given but not with @settings(..., deadline=None, ...)."""
    missing = []
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.FunctionDef):
            continue
        calls = [d for d in node.decorator_list if isinstance(d, ast.Call) and isinstance(d.func, ast.Name)]
        if not any(c.func.id == "given" for c in calls):
            continue
        no_deadline = any(
            c.func.id == "settings"
            and any(
                k.arg == "deadline" and isinstance(k.value, ast.Constant) and k.value.value is None for k in c.keywords
            )
            for c in calls
        )
        if not no_deadline:
            missing.append(node.name)
    return missing


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_every_hypothesis_example_in_the_docs_has_no_deadline(page) -> None:
    for block in _python_blocks(page):
        assert _given_without_deadline(block) == [], f"{page.name}: @given without @settings(deadline=None)"


def test_the_deadline_rule_sees_a_missing_deadline() -> None:
    code = "@given(x)\ndef test_a(x): pass\n@settings(deadline=None)\n@given(x)\ndef test_b(x): pass\n"
    assert _given_without_deadline(code) == ["test_a"]


def test_the_spelling_error_the_page_shows(german_credit: pd.DataFrame) -> None:
    text = (ROOT / "docs" / "invariance.md").read_text(encoding="utf-8")
    shown = re.search(r"```text\n(swap\('sex', \['male', 'female'\]\): value='male'.*?)\n```", text).group(1)
    titled = german_credit.assign(sex=german_credit["sex"].str.title())
    with pytest.raises(mltest.errors.InvalidArgument) as raised:
        perturb.swap("sex", ["male", "female"]).apply(titled)
    assert str(raised.value) == shown


def test_the_regression_and_multiclass_examples_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (ROOT / "docs" / "invariance.md").read_text(encoding="utf-8")
    section = page[page.index("## Regression and multiclass") :]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    namespace: dict = {"mltest": mltest, "perturb": perturb}
    ran = 0
    for block in blocks:
        exec(compile(block, "docs/invariance.md", "exec"), namespace)
        for name, value in list(namespace.items()):
            if name.startswith("test_") and callable(value):
                value()
                ran += 1
        namespace = {k: v for k, v in namespace.items() if not k.startswith("test_")}
    assert ran == 4
    shown = re.findall(r"```text\n(.*?)\n```", section, flags=re.DOTALL)[0]
    longer = perturb.shift("petal length (cm)", 0.5)
    with pytest.raises(mltest.errors.InvalidArgument) as raised:
        mltest.assert_directional(namespace["classifier"], namespace["flowers"], longer, direction="increase")
    assert str(raised.value) == shown
