"""`mltest schema check DATA SCHEMA`: exit 0 when the data matches, 1 listing every failure when not."""

from __future__ import annotations

from pathlib import Path

import pandas
import pytest
from conftest import GERMAN_CREDIT, ROOT

from mltest.cli import main

SCHEMA = ROOT / "examples" / "german_credit.schema.yaml"


def test_matching_data_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "check", str(GERMAN_CREDIT), str(SCHEMA)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{GERMAN_CREDIT}: 1000 rows x 10 columns match the schema {SCHEMA}\n"
    assert err == ""


def test_broken_data_exits_1_with_every_failure(
    german_credit: pandas.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = german_credit.copy()
    broken.loc[[0, 1], "age"] = [670, 5]
    broken.loc[2, "sex"] = "x"
    path = tmp_path / "broken.csv"
    broken.to_csv(path, index=False)
    assert main(["schema", "check", str(path), str(SCHEMA)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[:4] == [
        f"{path}: 2 schema checks failed in 2 columns (3 of 1000 rows fail); schema {SCHEMA}",
        "",
        "    column 'sex': isin(['female', 'male']) fails for 1 row: 'x'",
        "    column 'age': in_range(14, 80) fails for 2 rows: 670, 5",
    ]
    assert err == ""


def test_a_missing_schema_is_one_line_on_stderr(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["schema", "check", str(GERMAN_CREDIT), str(tmp_path / "nope.yaml")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"mltest schema: error: schema file '{tmp_path / 'nope.yaml'}' does not exist\n"


def test_bad_infer_options_are_one_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "infer", str(GERMAN_CREDIT), "--max-categories", "-1"]) == 1
    assert capsys.readouterr().err == (
        "mltest schema: error: max_categories=-1 is not valid: expected an integer >= 0\n"
    )
