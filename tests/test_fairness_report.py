"""Per-group fairness results reach the mltest report: a Markdown table and a PNG bar chart."""

from __future__ import annotations

from pathlib import Path

import pytest

import mltest
from mltest import report
from mltest.errors import CheckFailed

FAIRNESS_TESTS = """
import mltest

SEX = ["female"] * 40 + ["male"] * 60

def test_biased():
    mltest.assert_demographic_parity(None, [0] * 30 + [1] * 10 + [1] * 50 + [0] * 10, sensitive_features=SEX)

def test_fair():
    mltest.assert_demographic_parity(None, [1, 0] * 20 + [1, 0] * 30, sensitive_features=SEX)
"""


def test_markdown_report_has_the_per_group_table(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAIRNESS_TESTS)
    result = pytester.runpytest("--mltest-report=report.md")
    result.assert_outcomes(passed=1, failed=1)
    text = (pytester.path / "report.md").read_text()
    assert "## Fairness" in text
    assert (
        "| assert_demographic_parity | ❌ failed | selection_rate_difference=0.5833, selection_rate_ratio=0.3" in text
    )
    assert (
        "| sensitive_feature_0 | n | selection_rate |\n|---|---|---|\n| female | 40 | 0.25 |\n| male | 60 | 0.8333 |"
        in text
    )
    result.stdout.fnmatch_lines(["fairness: 2 checks, 1 passed, 1 failed"])


def test_chart_next_to_the_markdown_report(tmp_path: Path) -> None:
    sex = ["female"] * 40 + ["male"] * 60
    with report.recording() as recorded, pytest.raises(CheckFailed):
        mltest.assert_equalized_odds(
            [1, 0] * 50, [0] * 30 + [1] * 10 + [1] * 50 + [0] * 10, sensitive_features=sex, confidence=0.9, seed=0
        )
    results = [r.to_dict() for r in recorded]
    text = report.render_markdown(results, path=tmp_path / "mltest.md")
    charts = sorted((tmp_path / "mltest-charts").glob("*.png"))
    assert len(charts) == 2 and all(c.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for c in charts)  # one per rate
    assert f"[{charts[0].name}](mltest-charts/{charts[0].name})" in text
    # GitHub renders Mermaid in a job summary, where relative image paths do not resolve
    assert text.count("```mermaid\nxychart-beta horizontal\n") == 2
    assert 'title "true_positive_rate by group"' in text
    assert "true_positive_rate_ci_low" in text  # both rates' intervals are in the table
    assert report.render_markdown(results) == report.render_markdown(results, path=None)  # no path: no chart


def test_pytest_run_writes_the_chart_next_to_the_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAIRNESS_TESTS)
    pytester.runpytest("--mltest-report=out/report.md")
    charts = list((pytester.path / "out" / "report-charts").glob("*.png"))
    assert len(charts) == 2
    assert f"(report-charts/{charts[0].name})" in (pytester.path / "out" / "report.md").read_text()
