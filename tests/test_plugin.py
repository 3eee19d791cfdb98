"""The pytest plugin, run for real with pytester."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mltest import _settings

RECORDING_TEST = """
import pytest
from mltest.report import CheckResult, conclude

@pytest.mark.fairness
def test_good():
    conclude(CheckResult("fairness", "assert_demographic_parity", "passed", "fine",
                         figures={"difference": 0.02, "max_difference": 0.1}))

@pytest.mark.schema
def test_bad():
    conclude(CheckResult("schema", "assert_schema", "failed", "2 columns fail\\nage: in_range",
                         figures={"failing_rows": 3}, table=[{"column": "age", "failures": 3}]))

def test_unsure():
    conclude(CheckResult("fairness", "assert_equalized_odds", "inconclusive", "interval straddles 0.1"))
"""


def test_failed_check_fails_the_test_with_its_message(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(RECORDING_TEST)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*CheckFailed: 2 columns fail*"])


def test_terminal_summary_counts_checks_per_family(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(RECORDING_TEST)
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "*= mltest =*",
            "schema: 1 checks, 1 failed",
            "fairness: 2 checks, 1 passed, 1 inconclusive",
            "assert_schema failed in test_terminal_summary_counts_checks_per_family.py::test_bad: 2 columns fail",
        ]
    )


def test_summary_does_not_list_a_failure_the_test_expected(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from mltest import CheckFailed
        from mltest.report import CheckResult, conclude

        def test_expected():
            with pytest.raises(CheckFailed):
                conclude(CheckResult("schema", "assert_schema", "failed", "broken on purpose"))
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["schema: 1 checks, 1 failed"])
    assert "broken on purpose" not in result.stdout.str()


def test_no_section_when_no_check_ran(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain(): assert True")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert "= mltest =" not in result.stdout.str()


def test_markdown_report_lists_every_check(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(RECORDING_TEST)
    pytester.runpytest("--mltest-report=out/report.md", "--mltest-seed=7")
    text = (pytester.path / "out" / "report.md").read_text()
    assert text.startswith("# mltest report\n\n3 checks: 1 passed, 1 failed, 1 inconclusive. Seed: `7`.")
    assert "| `test_markdown_report_lists_every_check.py::test_good` | assert_demographic_parity | ✅ passed |" in text
    assert "difference=0.02, max_difference=0.1" in text
    assert "| column | failures |\n|---|---|\n| age | 3 |" in text


def test_json_report_when_path_ends_in_json(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(RECORDING_TEST)
    pytester.runpytest("--mltest-report=report.json", "--mltest-seed=3")
    data = json.loads((pytester.path / "report.json").read_text())
    assert data["seed"] == 3
    assert data["counts"] == {"passed": 1, "failed": 1, "inconclusive": 1, "xfailed": 0}
    assert {r["check"]: r["outcome"] for r in data["results"]} == {
        "assert_demographic_parity": "passed",
        "assert_schema": "failed",
        "assert_equalized_odds": "inconclusive",
    }


def test_report_collects_results_from_xdist_workers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(RECORDING_TEST)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist", "--mltest-report=report.json")
    result.assert_outcomes(passed=1, failed=2)
    data = json.loads((pytester.path / "report.json").read_text())
    assert len(data["results"]) == 3


def test_inconclusive_passes_when_configured(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(RECORDING_TEST)
    pytester.makepyprojecttoml('[tool.mltest]\ninconclusive = "pass"\n')
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, failed=1)


SEED_TEST = """
import random
import numpy as np

def test_seeded(mltest_seed):
    print("DRAW", mltest_seed, random.random(), np.random.rand())
"""


def _draws(result: pytest.RunResult) -> list[str]:
    return [line[line.index("DRAW") :] for line in result.stdout.lines if "DRAW" in line]


def test_seed_is_in_header_and_seeds_random_and_numpy(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SEED_TEST)
    first = pytester.runpytest("-s", "--mltest-seed=123")
    first.stdout.fnmatch_lines(["mltest: seed 123 (rerun with --mltest-seed=123, or --mltest-seed=last)"])
    second = pytester.runpytest("-s", "--mltest-seed=123")
    assert _draws(first) == _draws(second)
    assert _draws(first)[0].startswith("DRAW 123 ")
    other = pytester.runpytest("-s", "--mltest-seed=124")
    assert _draws(other) != _draws(first)


def test_seed_last_reuses_a_random_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SEED_TEST)
    first = pytester.runpytest("-s", "--mltest-seed=random")
    again = pytester.runpytest("-s", "--mltest-seed=last")
    assert _draws(first) == _draws(again)


def test_seed_last_without_cache_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SEED_TEST)
    result = pytester.runpytest("-p", "no:cacheprovider", "--mltest-seed=last")
    assert result.stderr.lines[0] == "ERROR: mltest: --mltest-seed=last: no previous run recorded a seed; pass a number"
    pytester.runpytest("-p", "no:cacheprovider", "--mltest-seed=4").assert_outcomes(passed=1)


def test_seed_from_pyproject(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SEED_TEST)
    pytester.makepyprojecttoml("[tool.mltest]\nseed = 99\n")
    pytester.runpytest("-s").stdout.fnmatch_lines(["mltest: seed 99 *"])


def test_ini_option_overrides_pyproject_table(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SEED_TEST)
    pytester.makepyprojecttoml("[tool.mltest]\nseed = 99\n[tool.pytest.ini_options]\nmltest_seed = '5'\n")
    pytester.runpytest("-s").stdout.fnmatch_lines(["mltest: seed 5 *"])


@pytest.mark.parametrize(
    ("args", "pyproject", "message"),
    [
        (
            ["--mltest-seed=abc"],
            "",
            "ERROR: mltest: --mltest-seed='abc' is not valid: "
            "expected an integer from 0 to 2**32 - 1, 'random' or 'last'",
        ),
        (
            ["--mltest-seed=-1"],
            "",
            "ERROR: mltest: --mltest-seed='-1' is not valid: "
            "expected an integer from 0 to 2**32 - 1, 'random' or 'last'",
        ),
        (
            [],
            "[tool.mltest]\nfairnes_min_ratio = 0.9\n",
            "ERROR: mltest: [tool.mltest]: setting='fairnes_min_ratio' is not valid: expected one of "
            f"{sorted(_settings.DEFAULTS)} (did you mean 'fairness_min_ratio'?)",
        ),
        (
            [],
            "[tool.mltest]\nfairness_min_ratio = 'high'\n",
            "ERROR: mltest: [tool.mltest]: fairness_min_ratio='high' is not valid: expected a number >= 0 and <= 1",
        ),
        (
            [],
            "[tool.mltest]\ninconclusive = 'skip'\n",
            "ERROR: mltest: [tool.mltest]: inconclusive='skip' is not valid: expected one of 'fail', 'pass'",
        ),
    ],
)
def test_bad_configuration_is_a_usage_error(
    pytester: pytest.Pytester, args: list[str], pyproject: str, message: str
) -> None:
    pytester.makepyfile("def test_x(): pass")
    if pyproject:
        pytester.makepyprojecttoml(pyproject)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == message


def test_markers_are_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    for marker in ("schema", "fairness", "invariance", "training"):
        result.stdout.fnmatch_lines([f"@pytest.mark.{marker}: *mltest*"])


def test_plugin_import_pulls_in_nothing_heavy() -> None:
    heavy = ["numpy", "pandas", "pandera", "polars", "torch", "sklearn", "nbconvert", "narwhals", "hypothesis"]
    code = f"import sys, mltest, mltest.plugin; print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


def test_resolve_seed_is_the_argument_else_the_setting_else_a_fresh_one() -> None:
    from mltest import _settings
    from mltest.errors import InvalidArgument

    saved = _settings.snapshot()
    try:
        _settings.update({"seed": 5}, source="test")
        assert _settings.resolve_seed(None) == 5
        assert _settings.resolve_seed(0) == 0
        _settings.update({"seed": "random"}, source="test")  # outside pytest, no run seed to follow
        drawn = {_settings.resolve_seed(None) for _ in range(5)}
        assert len(drawn) > 1 and all(0 <= s < 2**32 for s in drawn)
    finally:
        _settings.restore(saved)
    for bad, shown in [(-1, "-1"), (1.5, "1.5"), ("7", "'7'"), (True, "True")]:
        with pytest.raises(InvalidArgument) as caught:
            _settings.resolve_seed(bad)
        assert str(caught.value) == f"seed={shown} is not valid: expected None or an integer from 0 to 2**32 - 1"


def test_checks_default_to_the_runs_seed_and_settings_do_not_leak(pytester: pytest.Pytester) -> None:
    from mltest import _settings

    before = _settings.snapshot()
    pytester.makepyfile(
        """
        from mltest import _settings

        def test_seed():
            assert _settings.get("seed") == 77
            assert _settings.get("fairness_min_ratio") == 0.9
        """
    )
    pytester.makepyprojecttoml("[tool.mltest]\nfairness_min_ratio = 0.9\n")
    pytester.runpytest("--mltest-seed=77").assert_outcomes(passed=1)
    assert _settings.snapshot() == before


def test_this_suite_runs_hypothesis_without_deadlines() -> None:
    """No test here may fail because the machine is slow (tests/conftest.py loads the profile)."""
    from hypothesis import HealthCheck, settings

    assert settings.default.deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check
