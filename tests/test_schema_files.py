"""Bad schema files and bad data files: one specific line, through the API and through the CLI."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas
import pytest
from conftest import GERMAN_CREDIT, ROOT

import mltest
from mltest.cli import main
from mltest.schema import DataFileError, SchemaFileError, load_schema, read_data

# file name -> (content, message after "schema file '<path>' ")
BAD_SCHEMAS = {
    "missing.yaml": (None, "does not exist"),
    "broken.yaml": ("columns:\n  age: [\n", "is not valid YAML: "),
    "broken.json": ('{"columns": {"age": }}', "is not valid JSON: Expecting value: line 1 column 21 (char 20)"),
    "list.yaml": (
        "- age\n- sex\n",
        "is not a pandera schema: expected a mapping with a 'columns' mapping "
        "(write one with `mltest schema infer DATA -o FILE`)",
    ),
    "typo.yaml": (
        "columns:\n  age:\n    dtype: int64\n    in_rnage: {min_value: 18}\n",
        "is not a valid pandera schema: column 'age' has an unknown key 'in_rnage' (did you mean 'in_range'?)",
    ),
    "dtype.yaml": (
        "columns:\n  age:\n    dtype: integer64\n",
        "is not a valid pandera schema: data type 'integer64' not understood",
    ),
    "column.yaml": (
        "columns:\n  age: int64\n",
        "is not a valid pandera schema: column 'age' must be a mapping of dtype, nullable and checks, got 'int64'",
    ),
    "series.yaml": (
        "schema_type: series\ncolumns: {}\n",
        "has schema_type='series', api=None: expected a pandas schema (schema_type: dataframe) "
        "or a polars schema (schema_type: polars_dataframe)",
    ),
    # a misspelt top-level key would be dropped by pandera and the data pass: refused like column keys
    "strict-typo.yaml": (
        "strcit: true\ncolumns:\n  age:\n    dtype: int64\n",
        "is not a valid pandera schema: unknown top-level key 'strcit' (did you mean 'strict'?)",
    ),
    "coerce-typo.json": (
        '{"coerse": true, "columns": {"age": {"dtype": "int64"}}}',
        "is not a valid pandera schema: unknown top-level key 'coerse' (did you mean 'coerce'?)",
    ),
    "binary.yaml": (
        bytes(range(256)),
        "is not UTF-8 text (byte 0x80 at position 128): save it as UTF-8",
    ),
    "latin1.yaml": (
        "columns:\n  caf\xe9:\n    dtype: int64\n".encode("latin-1"),
        "is not UTF-8 text (byte 0xe9 at position 14): save it as UTF-8",
    ),
    "deep.json": (
        '{"columns": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "is nested too deeply to be a schema",
    ),
    "deep.yaml": ("columns: " + "[" * 100_000 + "]" * 100_000 + "\n", "is "),
    # "billion laughs": nine aliases of nine aliases ... expand to 10**9 strings
    "bomb.yaml": (
        'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
        + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))
        + "columns:\n  x:\n    dtype: int64\n    isin: *a8\n",
        "expands to more than 100000 values through YAML aliases: write the values out",
    ),
    "recursive.yaml": (
        "columns: &c\n  x: *c\n",
        "refers to itself through a YAML alias",
    ),
}


@pytest.mark.parametrize("name", list(BAD_SCHEMAS))
def test_bad_schema_files(tmp_path: Path, name: str) -> None:
    content, message = BAD_SCHEMAS[name]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(SchemaFileError) as caught:
        load_schema(path)
    assert str(caught.value).startswith(f"schema file '{path}' {message}")
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, mltest.errors.MltestError)
    with pytest.raises(SchemaFileError):  # assert_schema reports the same problem
        mltest.assert_schema(pandas.DataFrame({"age": [30]}), path)


def test_yaml_errors_say_where(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("columns:\n  age:\n    dtype: int64\n   nullable: true\n")
    with pytest.raises(SchemaFileError) as caught:
        load_schema(path)
    assert str(caught.value).startswith(f"schema file '{path}' is not valid YAML: ")
    assert str(caught.value).endswith(" at line 4, column 4")


def test_a_changed_schema_file_is_read_again(german_credit: pandas.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text("columns:\n  age:\n    dtype: int64\n    in_range: {min_value: 18, max_value: 60}\n")
    with pytest.raises(mltest.CheckFailed, match="in_range\\(18, 60\\) fails for 45 rows"):
        mltest.assert_schema(german_credit, path)
    path.write_text("columns:\n  age:\n    dtype: int64\n    in_range: {min_value: 18, max_value: 100}\n")
    assert mltest.assert_schema(german_credit, path).passed


def test_a_directory_is_not_a_schema_file(tmp_path: Path) -> None:
    with pytest.raises(SchemaFileError, match=r"is not a file$"):
        load_schema(tmp_path)


def test_schema_path_of_the_wrong_type() -> None:
    with pytest.raises(mltest.InvalidArgumentType) as caught:
        load_schema(42)
    assert str(caught.value) == "schema=42 has type int: expected a path (str or pathlib.Path)"


# file name -> (bytes, message after "data file '<path>' ")
BAD_DATA = {
    "missing.csv": (None, "does not exist"),
    "notes.txt": (b"a,b\n1,2\n", "has an unsupported suffix '.txt': expected .csv or .parquet"),
    "empty.csv": (b"", "is empty"),
    "header.csv": (b"a,b\n", "has a header but no rows"),
    "quote.csv": (
        b'a,b\n1,2\n"x\n',
        "cannot be read as CSV: Error tokenizing data. C error: EOF inside string starting at row 2",
    ),
    "latin1.csv": (
        b"name\n\xe9t\xe9\n",
        "cannot be read as CSV: it is not UTF-8 text (byte 0xe9); save it as UTF-8",
    ),
    "fake.parquet": (b"not parquet", "cannot be read as Parquet: Could not open Parquet input source"),
}


@pytest.mark.parametrize("name", list(BAD_DATA))
def test_bad_data_files(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    content, message = BAD_DATA[name]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataFileError) as caught:
        read_data(path)
    assert str(caught.value).startswith(f"data file '{path}' {message}")
    # the CLI: exit 1, one line on stderr, nothing on stdout
    assert main(["schema", "infer", str(path), "-o", str(tmp_path / "out.yaml")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"mltest schema: error: data file '{path}' {message}")
    assert err.count("\n") == 1
    assert not (tmp_path / "out.yaml").exists()


def test_cli_writes_to_an_unwritable_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder\n")
    target = tmp_path / "notes.txt" / "schema.yaml"
    assert main(["schema", "infer", str(GERMAN_CREDIT), "-o", str(target)]) == 1
    # one line naming the path that is in the way, no traceback
    assert capsys.readouterr().err == f"mltest schema: error: {tmp_path / 'notes.txt'}: file exists\n"


def test_cli_creates_the_output_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "schema.yaml"
    assert main(["schema", "infer", str(GERMAN_CREDIT), "-o", str(target)]) == 0
    assert target.read_text().startswith("# A pandera schema")


def test_console_script_exit_codes(tmp_path: Path) -> None:
    """The installed `mltest` command, for real: 0 on success, 1 with one line for an expected error."""
    mltest_command = Path(sys.executable).parent / "mltest"
    ok = subprocess.run(
        [mltest_command, "schema", "infer", GERMAN_CREDIT, "-o", tmp_path / "s.yaml"], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "s.yaml").is_file()
    bad = subprocess.run([mltest_command, "schema", "infer", tmp_path / "nope.csv"], capture_output=True, text=True)
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert bad.stderr == f"mltest schema: error: data file '{tmp_path / 'nope.csv'}' does not exist\n"


def test_importing_the_schema_package_and_the_cli_stays_light() -> None:
    """`mltest --help` and `import mltest.schema` wait for no data library: they load on first use."""
    code = (
        "import sys, mltest.schema, mltest.cli; "
        "print(sorted(m for m in ('numpy', 'pandas', 'pandera', 'polars', 'pyarrow', 'yaml') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


@pytest.mark.parametrize("name", ["strict-typo.yaml", "binary.yaml", "deep.json", "bomb.yaml"])
def test_bad_schema_files_through_schema_check(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`mltest schema check` says the same in one line on stderr, exit 1, no traceback."""
    content, message = BAD_SCHEMAS[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert main(["schema", "check", str(GERMAN_CREDIT), str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"mltest schema: error: schema file '{path}' {message}")
    assert err.count("\n") == 1


def test_yaml_anchors_that_stay_small_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "anchors.yaml"
    path.write_text(
        "columns:\n  a:\n    dtype: int64\n    isin: &codes [1, 2, 3]\n  b:\n    dtype: int64\n    isin: *codes\n"
    )
    assert mltest.assert_schema(pandas.DataFrame({"a": [1], "b": [3]}), path).passed


def test_every_top_level_key_pandera_writes_is_accepted(tmp_path: Path) -> None:
    """The full form (not the minimal one mltest writes) of a schema with every option set."""
    import pandera.pandas as pa

    schema = pa.DataFrameSchema(
        {"age": pa.Column(int, pa.Check.ge(0))},
        index=pa.Index(int),
        checks=[pa.Check.ge(0)],
        strict=True,
        coerce=True,
        ordered=True,
        unique=["age"],
        name="people",
        title="People",
        description="one row a person",
        add_missing_columns=False,
        unique_column_names=True,
        drop_invalid_rows=False,
    )
    path = tmp_path / "full.yaml"
    path.write_text(schema.to_yaml())
    assert load_schema(path).strict is True


# data file name -> (bytes, message after "data file '<path>' "), for duplicated column names
DUPLICATE_HEADERS = {
    "dup.csv": (b"a,b,a\n1,2,3\n", "has duplicate column names: 'a' (columns 1 and 3); rename them"),
    "dup.CSV": (b"x,x,x,y\n1,2,3,4\n", "has duplicate column names: 'x' (columns 1, 2 and 3); rename them"),
}


@pytest.mark.parametrize("name", list(DUPLICATE_HEADERS))
def test_duplicate_column_headers_are_an_error(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """pandas would rename the second 'a' to 'a.1' and a schema would never see it."""
    content, message = DUPLICATE_HEADERS[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataFileError) as caught:
        read_data(path)
    assert str(caught.value) == f"data file '{path}' {message}"
    assert main(["schema", "check", str(path), str(ROOT / "examples" / "german_credit.schema.yaml")]) == 1
    assert capsys.readouterr().err == f"mltest schema: error: data file '{path}' {message}\n"


def test_duplicate_column_names_in_parquet_are_an_error(tmp_path: Path) -> None:
    import pyarrow
    import pyarrow.parquet

    path = tmp_path / "dup.parquet"
    pyarrow.parquet.write_table(pyarrow.table([[1], [2]], names=["a", "a"]), path)
    with pytest.raises(DataFileError) as caught:
        read_data(path)
    assert str(caught.value) == f"data file '{path}' has duplicate column names: 'a' (columns 1 and 2); rename them"


def test_a_frame_with_duplicate_column_names_is_refused() -> None:
    frame = pandas.DataFrame([[1, 2]], columns=["a", "a"])
    for call in (mltest.infer_schema, lambda data: mltest.assert_schema(data, mltest.infer_schema(frame.iloc[:, :1]))):
        with pytest.raises(mltest.InvalidArgument) as caught:
            call(frame)
        assert str(caught.value) == (
            "data=<pandas.DataFrame: 1 rows x 2 columns> is not valid: "
            "expected a DataFrame with unique column names (duplicated: 'a')"
        )


def test_schema_infer_output_is_written_atomically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`schema infer -o`: the target keeps its mode, a new file is 0644, a failed write leaves the old file."""
    old = os.umask(0o022)
    try:
        new = tmp_path / "new.yaml"
        assert main(["schema", "infer", str(GERMAN_CREDIT), "-o", str(new)]) == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
    finally:
        os.umask(old)
    kept = tmp_path / "kept.yaml"
    kept.write_text("columns: {}\n")
    kept.chmod(0o640)
    assert main(["schema", "infer", str(GERMAN_CREDIT), "-o", str(kept)]) == 0
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert kept.read_text().startswith("# A pandera schema")
    # the rename fails (a full disk, a read-only mount): the old file is whole, no temporary is left
    before = sorted(p.name for p in tmp_path.iterdir())
    text = kept.read_text()

    def failing_replace(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    assert main(["schema", "infer", str(GERMAN_CREDIT), "--max-categories", "0", "-o", str(kept)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "mltest schema: error: no space left on device"
    assert kept.read_text() == text
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_schema_infer_does_not_write_through_a_symbolic_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("precious\n")
    link = tmp_path / "schema.yaml"
    link.symlink_to(elsewhere)
    assert main(["schema", "infer", str(GERMAN_CREDIT), "-o", str(link)]) == 1
    assert capsys.readouterr().err == (
        f"mltest schema: error: {link} is a symbolic link (to {elsewhere}): not written through it; "
        "write to the file itself, or remove the link\n"
    )
    assert elsewhere.read_text() == "precious\n" and link.is_symlink()
