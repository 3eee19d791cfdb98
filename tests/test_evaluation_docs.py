"""docs/evaluation.md: each runnable example runs as shown and prints what the page shows."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _examples() -> list[tuple[str, str | None]]:
    """(python block, the text block right after it or None), in page order."""
    page = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(python|text)\n(.*?)```", page, flags=re.DOTALL)
    out = []
    for i, (language, code) in enumerate(blocks):
        if language == "python":
            after = blocks[i + 1] if i + 1 < len(blocks) and blocks[i + 1][0] == "text" else None
            out.append((code, after[1] if after else None))
    return out


def test_every_example_prints_what_the_page_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    examples = _examples()
    assert examples
    for index, (code, shown) in enumerate(examples):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"docs/evaluation.md example {index + 1}", "exec"), namespace)
        if shown is not None:
            assert out.getvalue().rstrip("\n") == shown.rstrip("\n"), f"example {index + 1}"


def test_the_public_names_are_the_family_functions() -> None:
    import mltest
    import mltest.evaluation

    assert mltest.evaluation.__all__ == [
        "assert_calibrated",
        "assert_no_proxies",
        "assert_no_target_leakage",
        "assert_no_weak_slices",
    ]
    for name in mltest.evaluation.__all__:
        assert name in mltest.__all__
        assert getattr(mltest, name).__module__.startswith("mltest.evaluation._")
        assert f"`mltest.{name}`" in (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
