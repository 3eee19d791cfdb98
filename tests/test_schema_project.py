"""A project that only installs pytest-mltest: assert_schema in its own tests, run by pytest for real."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas
import pytest
from conftest import GERMAN_CREDIT, ROOT

from mltest.cli import main

PROJECT_TEST = """
import pandas
import pytest
import mltest

@pytest.mark.schema
def test_good_data():
    mltest.assert_schema(pandas.read_csv("good.csv"), "schema.yaml")

@pytest.mark.schema
def test_broken_data():
    mltest.assert_schema(pandas.read_csv("broken.csv"), "schema.yaml")
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project folder with good data, broken data, a schema inferred by the CLI and a test."""
    good = pandas.read_csv(GERMAN_CREDIT)
    good.to_csv(pytester.path / "good.csv", index=False)
    broken = good.copy()
    broken.loc[[2, 9], "age"] = [0, 250]
    broken.loc[5, "purpose"] = "crypto"
    broken.loc[6, "checking_account"] = None
    broken.to_csv(pytester.path / "broken.csv", index=False)
    assert main(["schema", "infer", "good.csv", "-o", "schema.yaml"]) == 0  # pytester runs in its folder
    pytester.makepyfile(test_data=PROJECT_TEST)
    return pytester


def test_broken_dataset_fails_clearly_and_good_one_passes(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-p", "no:randomly", "--mltest-report=report.json")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E * mltest.errors.CheckFailed: 3 schema checks failed in 3 columns (4 of 1000 rows fail); "
            "schema schema.yaml",
            "E *     column 'checking_account': not_nullable fails for 1 row: null",
            "E *     column 'purpose': isin(['business', 'car', 'domestic appliances', 'edu ...) "
            "fails for 1 row: 'crypto'",
            "E *     column 'age': in_range(14, 80) fails for 2 rows: 0, 250",
            "E * What to change:",
            "E *   - if the values are wrong, fix the data where it is made",
        ]
    )
    result.stdout.fnmatch_lines(["*= mltest =*", "schema: 2 checks, 1 passed, 1 failed"])
    report = json.loads((project.path / "report.json").read_text())
    assert report["counts"] == {"passed": 1, "failed": 1, "inconclusive": 0, "xfailed": 0}
    failed = next(r for r in report["results"] if r["outcome"] == "failed")
    assert failed["test"] == "test_data.py::test_broken_data"
    assert failed["figures"]["failing_rows"] == 4
    assert [row["column"] for row in failed["table"]] == ["checking_account", "purpose", "age"]


def test_a_bad_schema_file_is_one_clear_error_in_the_test(project: pytest.Pytester) -> None:
    (project.path / "schema.yaml").write_text("columns:\n  age:\n    dtype: int64\n    in_rnage: {min_value: 18}\n")
    result = project.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "E * mltest.schema.SchemaFileError: schema file 'schema.yaml' is not a valid pandera schema: "
            "column 'age' has an unknown key 'in_rnage' (did you mean 'in_range'?)"
        ]
    )


def test_the_example_suite_passes() -> None:
    """What `make demo` runs: the schema, a split without leakage, a corrupted copy rejected."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "examples", "-p", "no:randomly"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed, 1 xfailed" in result.stdout
    assert "schema: 3 checks, 2 passed, 1 xfailed" in result.stdout
