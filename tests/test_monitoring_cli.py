"""mltest profile and mltest drift: files in, exit status and a Markdown report out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import GERMAN_CREDIT

from mltest.cli import main

pytestmark = pytest.mark.monitoring


def mltest(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """German credit split in two halves, and a second half whose credit amounts grew by 20%."""
    folder = tmp_path_factory.mktemp("drift")
    credit = pd.read_csv(GERMAN_CREDIT)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(credit))
    reference, current = credit.iloc[order[:500]], credit.iloc[order[500:]]
    paths = {"reference": folder / "reference.csv", "current": folder / "current.parquet"}
    reference.to_csv(paths["reference"], index=False)
    current.to_parquet(paths["current"], index=False)
    paths["inflated"] = folder / "inflated.jsonl"
    current.assign(credit_amount=current["credit_amount"] * 1.2).to_json(
        paths["inflated"], orient="records", lines=True
    )
    return paths


def test_profile_writes_a_profile_file(capsys: pytest.CaptureFixture[str], files: dict, tmp_path: Path) -> None:
    code, out, err = mltest(capsys, "profile", files["reference"], "-o", tmp_path / "reference.json")
    assert (code, out) == (0, "")
    assert err == f"wrote {tmp_path / 'reference.json'}: 10 columns of 500 rows of {files['reference']}\n"
    document = json.loads((tmp_path / "reference.json").read_text())
    assert document["format"] == "mltest-profile" and document["columns"]["credit_amount"]["kind"] == "numeric"
    code, out, _ = mltest(capsys, "profile", files["current"], "--like", tmp_path / "reference.json")
    assert code == 0 and json.loads(out)["rows"] == 500


def test_drift_passes_on_two_halves_and_fails_on_inflated_amounts(
    capsys: pytest.CaptureFixture[str], files: dict, tmp_path: Path
) -> None:
    code, out, _ = mltest(capsys, "drift", files["reference"], files["inflated"], "--report", tmp_path / "r.md")
    assert code == 1
    assert out.startswith("assert_no_drift failed: 1 of 10 columns drifted (share 0.1 > max_drifted_share 0)\n")
    report = (tmp_path / "r.md").read_text()
    assert "xychart-beta" in report and "credit_amount" in report
    code, out, _ = mltest(capsys, "drift", files["reference"], files["current"], "--columns", "credit_amount,sex")
    # 500 rows against 500 cannot confirm a distance of 0.05 is absent: undecided, which fails unless allowed
    assert code == 1 and out.startswith("assert_no_drift inconclusive: ")
    code, _, _ = mltest(capsys, "drift", files["reference"], files["current"], "--allow-inconclusive")
    assert code == 0


def test_drift_from_a_saved_profile(capsys: pytest.CaptureFixture[str], files: dict, tmp_path: Path) -> None:
    assert mltest(capsys, "profile", files["reference"], "-o", tmp_path / "p.json")[0] == 0
    code, out, _ = mltest(capsys, "drift", tmp_path / "p.json", files["inflated"])
    assert code == 1 and "credit_amount" in out


def test_bad_files_are_one_line(capsys: pytest.CaptureFixture[str], files: dict, tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("a\n1\n")
    code, out, err = mltest(capsys, "drift", tmp_path / "data.txt", files["current"])
    assert (code, out) == (1, "")
    assert err == (
        f"mltest drift: error: REFERENCE file '{tmp_path / 'data.txt'}' has an unsupported suffix '.txt': "
        "expected a .csv, .parquet or .jsonl file\n"
    )
    code, _, err = mltest(capsys, "drift", tmp_path / "none.json", files["current"])
    assert code == 1 and err.startswith("mltest drift: error: REFERENCE='") and err.count("\n") == 1
    code, _, err = mltest(capsys, "profile", files["reference"], "--bins", "1")
    assert (code, err) == (1, "mltest profile: error: bins=1 is not valid: expected an integer >= 2 and <= 1000\n")


def test_a_bad_data_file_is_named_as_the_argument_it_was_given_as(
    capsys: pytest.CaptureFixture[str], files: dict, tmp_path: Path
) -> None:
    (tmp_path / "empty.csv").write_text("credit_amount,sex\n")
    code, out, err = mltest(capsys, "drift", files["reference"], tmp_path / "empty.csv")
    assert (code, out, err) == (
        1,
        "",
        f"mltest drift: error: CURRENT file '{tmp_path / 'empty.csv'}' has a header but no rows\n",
    )
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    code, _, err = mltest(capsys, "drift", tmp_path / "bad.parquet", files["current"])
    assert code == 1 and err.startswith(
        f"mltest drift: error: REFERENCE file '{tmp_path / 'bad.parquet'}' cannot be read as Parquet: "
    )
    code, _, err = mltest(capsys, "profile", tmp_path / "empty.csv")
    assert (code, err) == (1, f"mltest profile: error: DATA file '{tmp_path / 'empty.csv'}' has a header but no rows\n")
    pd.read_parquet(files["current"]).to_parquet(tmp_path / "current.pq")  # the data guard's other Parquet suffix
    assert mltest(capsys, "drift", files["reference"], tmp_path / "current.pq", "--allow-inconclusive")[0] == 0
