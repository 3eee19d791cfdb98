"""Where results go: the scoped recorder, and the report of a run (serial, xdist, xfail, Hypothesis)."""

from __future__ import annotations

import gc
import json
import weakref

import pytest

from mltest import _recording
from mltest.report import CheckResult, conclude, recording


def _result(check: str = "assert_schema", outcome: str = "passed") -> CheckResult:
    return CheckResult("schema", check, outcome, "message")


def test_outside_a_recording_nothing_accumulates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_recording, "_open", [])  # as outside pytest: this test's own recording is hidden
    kept = []
    for _ in range(500):
        result = _result()
        kept.append(weakref.ref(result))
        conclude(result)
    del result
    gc.collect()
    assert all(ref() is None for ref in kept)  # nothing holds on to the 500 results
    with recording() as recorded:
        conclude(_result("first"))
    assert [r.check for r in recorded] == ["first"]


def test_results_go_to_the_innermost_recording_only() -> None:
    with recording() as outer:
        conclude(_result("outer"))
        with recording() as inner:
            conclude(_result("inner"))
        conclude(_result("outer again"))
    assert [r.check for r in outer] == ["outer", "outer again"]
    assert [r.check for r in inner] == ["inner"]


def test_a_failed_check_is_recorded_before_it_raises() -> None:
    with recording() as recorded, pytest.raises(AssertionError, match="message"):
        conclude(_result(outcome="failed"))
    assert [r.outcome for r in recorded] == ["failed"]


REPORTED = """
import pytest
from hypothesis import given, settings, strategies as st
from mltest.report import CheckResult, conclude

def check(name, outcome="passed"):
    conclude(CheckResult("schema", name, outcome, name + " says so"))

check("at_import")  # a check run while the module is imported

@pytest.fixture(scope="module")
def shared():
    check("in_module_fixture")

@pytest.mark.parametrize("n", range(4))
def test_uses_fixture(shared, n):
    check(f"in_test_{n}")

@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10))
def test_property(x):
    for _ in range(2):
        check("looped")  # two calls from one line: two rows, not 2 x 25
    check("once")

@pytest.mark.xfail(reason="known bias, fixed in the next model", strict=True)
def test_known_problem():
    check("expected_to_fail", "failed")
"""


def _report(pytester: pytest.Pytester, *args: str) -> dict:
    pytester.makepyfile(test_reported=REPORTED)
    pytester.runpytest_subprocess("--mltest-report=report.json", "-p", "no:randomly", *args)
    return json.loads((pytester.path / "report.json").read_text())


def test_each_check_is_reported_once_where_it_ran(pytester: pytest.Pytester) -> None:
    data = _report(pytester)
    rows = [(r["test"], r["check"]) for r in data["results"]]
    assert rows == [
        ("test_reported.py (fixture shared)", "in_module_fixture"),
        ("test_reported.py (import)", "at_import"),
        ("test_reported.py::test_known_problem", "expected_to_fail"),
        ("test_reported.py::test_property", "looped"),
        ("test_reported.py::test_property", "looped"),
        ("test_reported.py::test_property", "once"),
        *[(f"test_reported.py::test_uses_fixture[{n}]", f"in_test_{n}") for n in range(4)],
    ]


def test_a_failed_check_in_an_xfail_test_is_not_counted_as_failed(pytester: pytest.Pytester) -> None:
    data = _report(pytester)
    assert data["counts"] == {"passed": 9, "failed": 0, "inconclusive": 0, "xfailed": 1}
    pytester.runpytest_subprocess("--mltest-report=report.md", "-p", "no:randomly")
    text = (pytester.path / "report.md").read_text()
    assert text.startswith("# mltest report\n\n10 checks: 9 passed, 1 expected to fail (xfail). Seed: `0`.")
    assert "| `test_reported.py::test_known_problem` | expected_to_fail | ➖ failed (xfail) |" in text


def test_an_xdist_run_reports_the_same_as_a_serial_run(pytester: pytest.Pytester) -> None:
    serial = _report(pytester)
    parallel = _report(pytester, "-n", "2", "-p", "xdist")
    assert parallel == serial


@pytest.mark.parametrize(
    ("args", "pyproject", "message"),
    [
        (
            ["--mltest-report=report.html"],
            "",
            "ERROR: mltest: --mltest-report='report.html' is not valid: expected a path ending in "
            ".md, .markdown, .json (Markdown or JSON)",
        ),
        (
            [],
            "[tool.mltest]\nfairness_min_ratio = 1.5\n",
            "ERROR: mltest: [tool.mltest]: fairness_min_ratio=1.5 is not valid: expected a number >= 0 and <= 1",
        ),
        (
            [],
            "[tool.mltest]\ninvariance_max_failure_rate = -0.1\n",
            "ERROR: mltest: [tool.mltest]: invariance_max_failure_rate=-0.1 is not valid: "
            "expected a number >= 0 and <= 1",
        ),
        (
            ["-o", "mltest_fairness_min_group_size=0"],
            "",
            "ERROR: mltest: ini option mltest_fairness_min_group_size=0 is not valid: expected an integer >= 1",
        ),
    ],
)
def test_a_setting_out_of_range_stops_the_run_at_start_up(
    pytester: pytest.Pytester, args: list[str], pyproject: str, message: str
) -> None:
    pytester.makepyfile("def test_x(): pass")
    if pyproject:
        pytester.makepyprojecttoml(pyproject)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == message
