"""A schema file is portable between pandas 2 and pandas 3, in both directions.

The other pandas line runs in a small virtual environment that shares this one's packages but
pandas (one wheel, no dependencies, installed once under .venv/). A schema is inferred under each
line and checked under both; files written by older mltest versions (`object` under pandas 2,
`string[pyarrow]` under pandas 3) are read under both; and a failure reads the same on both.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas
import pytest
from conftest import GERMAN_CREDIT, ROOT, shared_venv

import mltest
from mltest.cli import main

THIS_LINE = pandas.__version__.split(".")[0]
OTHER_LINE = "2" if THIS_LINE == "3" else "3"
# pandas and what the other line needs beyond this environment (pandas 2 still needs pytz)
OTHER_PANDAS = {"2": ["pandas>=2.2,<3", "pytz"], "3": ["pandas>=3,<4"]}[OTHER_LINE]


@pytest.fixture(scope="module")
def other_python() -> Path:
    """A Python whose pandas is the other line (pandas 3 needs Python 3.11+)."""
    if OTHER_LINE == "3" and sys.version_info < (3, 11):
        pytest.skip("pandas 3 needs Python 3.11+: the pandas-3 legs test this direction")
    version = f"{sys.version_info.major}{sys.version_info.minor}"
    venv = shared_venv(ROOT / ".venv" / f"pandas{OTHER_LINE}-py{version}")
    python = venv / "bin" / "python"
    if not _pandas_line(python).startswith(f"{OTHER_LINE}."):
        uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
        assert uv, "uv installs the other pandas line: it is a test dependency"
        subprocess.run(
            [uv, "pip", "install", "--quiet", "--no-deps", "--python", python, *OTHER_PANDAS], check=True, timeout=600
        )
    assert _pandas_line(python).startswith(f"{OTHER_LINE}.")
    return python


def _pandas_line(python: Path) -> str:
    run = subprocess.run([python, "-c", "import pandas; print(pandas.__version__)"], capture_output=True, text=True)
    return run.stdout.strip()


def mltest_there(python: Path, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`mltest ARGS` under the other pandas line."""
    return subprocess.run([python, "-m", "mltest.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def mltest_here(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def broken_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """German credit with a typo in age, a new category and a text value in a number column."""
    frame = pandas.read_csv(GERMAN_CREDIT)
    frame.loc[[0, 1], "age"] = [670, 5]
    frame.loc[2, "sex"] = "x"
    frame["duration"] = frame["duration"].astype(str)
    frame.loc[3, "duration"] = "twelve"
    path = tmp_path_factory.mktemp("portable") / "broken.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_schema_inferred_under_either_pandas_checks_the_same_data_under_both(
    other_python: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "here").mkdir()
    (tmp_path / "there").mkdir()
    here, there = tmp_path / "here" / "schema.yaml", tmp_path / "there" / "schema.yaml"
    assert mltest_here(capsys, "schema", "infer", GERMAN_CREDIT, "-o", here)[0] == 0
    inferred = mltest_there(other_python, "schema", "infer", GERMAN_CREDIT, "-o", there, cwd=tmp_path)
    assert inferred.returncode == 0, inferred.stderr
    # the same file, whichever pandas wrote it: text columns are `str`, not object / string[pyarrow]
    assert here.read_text() == there.read_text()
    assert "    dtype: str\n" in here.read_text()
    for schema in (here, there):
        assert mltest_here(capsys, "schema", "check", GERMAN_CREDIT, schema)[0] == 0
        checked = mltest_there(other_python, "schema", "check", GERMAN_CREDIT, schema, cwd=tmp_path)
        assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("old_text_dtype", ["object", "string[pyarrow]"])
def test_schema_files_of_older_versions_are_read_under_both(
    other_python: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], old_text_dtype: str
) -> None:
    """mltest 0.1 wrote what pandas named the dtype: `object` under pandas 2, `string[pyarrow]` under 3."""
    old = tmp_path / "old.schema.yaml"
    committed = (ROOT / "examples" / "german_credit.schema.yaml").read_text()
    old.write_text(committed.replace("    dtype: str\n", f"    dtype: {old_text_dtype}\n"))
    code, out, err = mltest_here(capsys, "schema", "check", GERMAN_CREDIT, old)
    assert code == 0, out + err
    checked = mltest_there(other_python, "schema", "check", GERMAN_CREDIT, old, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("text_dtype", ["str", "string", "string[python]", "string[pyarrow]", "object"])
@pytest.mark.parametrize("data_dtype", [object, "str", "string[python]", "string[pyarrow]"])
def test_every_text_dtype_name_accepts_every_text_column(tmp_path: Path, text_dtype: str, data_dtype: object) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(f"columns:\n  name:\n    dtype: {text_dtype}\n    nullable: true\n")
    frame = pandas.DataFrame({"name": pandas.Series(["a", None, "b"], dtype=data_dtype)})
    assert mltest.assert_schema(frame, path).passed
    numbers = pandas.DataFrame({"name": [1, 2]})
    if text_dtype != "object":
        with pytest.raises(mltest.CheckFailed, match="dtype: expected str, got int64"):
            mltest.assert_schema(numbers, path)


def test_a_failure_reads_the_same_under_both(
    other_python: Path, broken_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = ROOT / "examples" / "german_credit.schema.yaml"
    code, out, err = mltest_here(capsys, "schema", "check", broken_csv, schema)
    checked = mltest_there(other_python, "schema", "check", broken_csv, schema, cwd=tmp_path)
    assert (code, out, err) == (checked.returncode, checked.stdout, checked.stderr)
    assert out.splitlines()[2:5] == [
        "    column 'sex': isin(['female', 'male']) fails for 1 row: 'x'",
        "    column 'duration': dtype: expected int64, got str",
        "    column 'age': in_range(14, 80) fails for 2 rows: 670, 5",
    ]
