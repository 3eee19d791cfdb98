"""The examples on the training docs pages run, and their test functions pass."""

from __future__ import annotations

import os
import re

import pytest
import torch
from conftest import ROOT

torch.set_num_threads(1)

PAGES = ["training-sklearn.md", "training-torch.md"]


def _python_blocks(page: str) -> list[str]:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


@pytest.mark.parametrize("page", PAGES)
def test_examples_run_and_their_tests_pass(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples read examples/data/ relative to the repository
    blocks = _python_blocks(page)
    assert blocks
    ran = 0
    for block in blocks:
        namespace: dict[str, object] = {"__name__": "docs_example"}
        exec(compile(block, f"{page} example", "exec"), namespace)
        for name, value in namespace.items():
            if name.startswith("test_") and callable(value):
                value()
                ran += 1
    assert ran >= 5
    assert os.getcwd() == str(ROOT)
