"""The monitoring family in a pytest run: its marker, [tool.mltest] thresholds and a drift chart per column."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.monitoring

DRIFT_TESTS = """
import numpy as np
import pandas as pd
import pytest

import mltest

rng = np.random.default_rng(0)
REFERENCE = pd.DataFrame({"income": rng.normal(0, 1, 5000), "age": rng.normal(0, 1, 5000)})
CURRENT = pd.DataFrame({"income": rng.normal(0.3, 1, 5000), "age": rng.normal(0, 1, 5000)})

@pytest.mark.monitoring
def test_inputs_have_not_drifted():
    mltest.assert_no_drift(REFERENCE, CURRENT)
"""


def test_a_drift_check_reaches_the_report_with_its_chart(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(DRIFT_TESTS)
    result = pytester.runpytest("--mltest-report=report.md", "-m", "monitoring")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["monitoring: 1 checks, 1 failed"])
    text = (pytester.path / "report.md").read_text()
    assert "## Monitoring" in text
    assert "xychart-beta" in text and 'x-axis ["income", "age"]' in text
    chart = text[text.index("xychart-beta") : text.index("```", text.index("xychart-beta"))]
    (line,) = [row for row in chart.splitlines() if row.strip().startswith("line ")]
    assert json.loads(line.strip()[len("line ") :]) == [0.05, 0.05]  # each column's threshold
    top = float(chart.split("-->")[1].split()[0])
    rows = [row for row in text.splitlines() if row.startswith(("| income |", "| age |"))]
    highs = [float(row.split("|")[6]) for row in rows]  # the column of upper bounds
    assert top >= max(highs)  # the axis reaches the highest bound, not only the largest distance
    assert "| income | numeric | wasserstein |" in text


def test_tool_mltest_sets_the_drift_threshold(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(DRIFT_TESTS)
    pytester.makepyprojecttoml("[tool.mltest]\ndrift_max_wasserstein = 0.5\n")
    pytester.runpytest("-m", "monitoring").assert_outcomes(passed=1)
