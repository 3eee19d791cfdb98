"""The runnable example of docs/schema.md runs and prints what the page says it prints."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from conftest import ROOT

PAGE = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")


def test_the_runnable_example_prints_what_the_page_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    section = PAGE.split("## A runnable example", 1)[1]
    code, shown = re.search(r"```python\n(.*?)```\s*prints\s*```text\n(.*?)```", section, re.S).groups()
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "docs/schema.md", "exec"), {})
    assert out.getvalue() == shown
    assert (tmp_path / "schema.yaml").is_file()


def test_the_yaml_excerpt_is_a_valid_schema(tmp_path: Path) -> None:
    import mltest

    excerpt = re.search(r"```yaml\n(schema_type: dataframe.*?)```", PAGE, re.S).group(1)
    path = tmp_path / "excerpt.yaml"
    path.write_text(excerpt)
    schema = mltest.schema.load_schema(path)
    assert list(schema.columns) == ["sex", "credit_amount", "saving_accounts"]
    assert schema.columns["saving_accounts"].nullable
