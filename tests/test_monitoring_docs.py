"""docs/monitoring.md: every example runs and prints or fails as the page shows; its tables are filled in."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from conftest import ROOT

import mltest

pytestmark = pytest.mark.monitoring

PAGE = (ROOT / "docs" / "monitoring.md").read_text(encoding="utf-8")


def _examples() -> list[tuple[str, str | None, str | None]]:
    """(code, what it prints, what it fails with) for every Python block of the page."""
    found = []
    for match in re.finditer(r"```python\n(.*?)```(\s*(prints|fails with)\s*```text\n(.*?)```)?", PAGE, re.S):
        code, _, kind, shown = match.groups()
        found.append((code, shown if kind == "prints" else None, shown if kind == "fails with" else None))
    return found


@pytest.mark.parametrize("number", range(len(_examples())))
def test_the_example_does_what_the_page_says(number: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, prints, fails = _examples()[number]
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), mltest.report.recording():
        if fails is None:
            exec(compile(code, "docs/monitoring.md", "exec"), {})
        else:
            with pytest.raises(mltest.CheckFailed) as info:
                exec(compile(code, "docs/monitoring.md", "exec"), {})
            assert str(info.value) + "\n" == fails
    if prints is not None:
        assert out.getvalue() == prints


def test_the_tables_of_measurements_are_filled_in() -> None:
    assert "| rows per side | columns | shift | runs | failed | inconclusive | passed |" in PAGE
    assert "evidently / mltest" in PAGE and "mltest / numpy" in PAGE


def test_the_false_alarm_table_meets_the_promises() -> None:
    """At most 5% false alarms at 100, 10,000 and 1,000,000 rows; 0.1 sd fails at 1M and never passes at 100."""
    rows = {}
    for line in re.findall(r"^\| ([\d,]+) \| (\d+) \| (none|0\.1 sd) \| (\d+) \| (.*)\|$", PAGE, re.M):
        n, columns, shift, _, shares = line
        failed, inconclusive, passed = (float(s.strip().rstrip("%")) for s in shares.split("|"))
        rows[int(n.replace(",", "")), int(columns), shift] = failed, inconclusive, passed
    for n in (100, 10_000, 1_000_000):
        assert rows[n, 1, "none"][0] <= 5.0, n
    assert rows[1_000_000, 1, "0.1 sd"][0] == 100.0
    assert rows[100, 1, "0.1 sd"][2] == 0.0 and rows[100, 1, "0.1 sd"][1] > 90.0
