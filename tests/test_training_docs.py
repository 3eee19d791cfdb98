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


def _text_block(page: str, starts: str) -> str:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    return next(b for b in re.findall(r"```text\n(.*?)\n```", text, flags=re.DOTALL) if b.startswith(starts))


def test_the_failure_messages_shown_are_the_ones_raised() -> None:
    from test_training_sklearn import LEARNS_FAILURE
    from test_training_torch import BATCHES, CE, FrozenLayer

    import mltest
    import mltest.training.torch as mt

    assert _text_block("training-sklearn.md", "assert_learns:") == LEARNS_FAILURE
    torch.manual_seed(0)  # the layers' initial weights, and so the loss shown
    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_params_update(FrozenLayer(), BATCHES["mlp"], loss_fn=CE)
    assert _text_block("training-torch.md", "assert_params_update:") == str(caught.value)
