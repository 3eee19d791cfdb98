"""The examples of docs/fairness.md that tests/test_acceptance_docs.py does not run: each prints what the page shows."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from conftest import ROOT

PAGE = (ROOT / "docs" / "fairness.md").read_text(encoding="utf-8")
# an example followed by "prints" and the text it prints; the long failure example has its own test
EXAMPLES = [
    (code, shown)
    for code, shown in re.findall(r"```python\n((?:(?!```).)*?)```\s*prints\s*```text\n(.*?)```", PAGE, re.S)
    if "examples/data/german_credit.csv" not in code
]


@pytest.mark.parametrize(("code", "shown"), EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_example_prints_what_the_page_shows(code: str, shown: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "docs/fairness.md", "exec"), {})
    assert out.getvalue() == shown


def test_the_page_has_examples() -> None:
    assert len(EXAMPLES) == 3  # pos_label, labels, regression
