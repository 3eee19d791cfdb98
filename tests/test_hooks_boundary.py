"""One error boundary (``mltest._cli_boundary``) for the command line, ``mltest convert`` and every hook.

An expected error is one line on stderr and exit 1; a bug keeps its traceback. No entry point
catches errors on its own any more.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from mltest.hooks import data_guard, notebook_sync, strip_notebooks, validate_data

from mltest import _cli_boundary
from mltest.cli import main as cli_main
from mltest.errors import MltestError

ENTRY_POINTS = [
    ROOT / "mltest" / "cli.py",
    *sorted((ROOT / "mltest").glob("*/_cli.py")),  # every subcommand: convert, schema, and those to come
    *sorted((ROOT / "hooks").glob("[a-z]*.py")),
]


def test_no_entry_point_has_a_boundary_of_its_own() -> None:
    for path in ENTRY_POINTS:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"except \(?MltestError", text), path
        assert "file=sys.stderr" not in text or path.name == "_cli.py", path


def test_describe_gives_one_line() -> None:
    missing = FileNotFoundError(2, "No such file or directory", "data/x.csv")
    assert _cli_boundary.describe(missing) == "data/x.csv: no such file or directory"
    assert _cli_boundary.describe(PermissionError(13, "Permission denied")) == "permission denied"
    assert _cli_boundary.describe(MltestError("first\n  second\n")) == "first second"


def test_run_reports_an_expected_error_and_lets_a_bug_through(capsys: pytest.CaptureFixture[str]) -> None:
    def expected() -> int:
        raise MltestError("the notebook is broken")

    def bug() -> int:
        raise ZeroDivisionError("a bug")

    assert _cli_boundary.run("mltest x", expected) == 1
    assert capsys.readouterr().err == "mltest x: error: the notebook is broken\n"
    with pytest.raises(ZeroDivisionError):
        _cli_boundary.run("mltest x", bug)


def test_boundary_goes_on_after_a_bad_item(capsys: pytest.CaptureFixture[str]) -> None:
    errors = _cli_boundary.Boundary("hook")
    done = []
    for name in ("a", "b", "c"):
        with errors.item():
            if name == "b":
                raise OSError(2, "No such file or directory", name)
            done.append(name)
    assert (errors.count, done) == (1, ["a", "c"])
    assert capsys.readouterr().err == "hook: error: b: no such file or directory\n"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: cli_main(["convert", "nowhere.ipynb"]), "mltest convert: error: nowhere.ipynb: no such file"),
        (lambda: cli_main(["schema", "check", "a.csv", "s.yaml"]), "mltest schema: error: "),
        (lambda: strip_notebooks.main(["nowhere.ipynb"]), "mltest-strip-notebooks: error: nowhere.ipynb: no such"),
        (lambda: notebook_sync.main(["bad.ipynb"]), "mltest-notebook-sync: error: bad.ipynb: not a notebook"),
        (lambda: validate_data.main(["data.csv"]), "mltest-validate-data: error: "),
        (lambda: data_guard.main(["dvc.yaml"]), "mltest-data-guard: error: dvc.yaml is not valid YAML"),
    ],
)
def test_every_entry_point_reports_in_one_line(
    call, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.ipynb").write_text("{")
    (tmp_path / "data.csv").write_bytes(b"\xff\xfe\x00bad")
    (tmp_path / "data.schema.yaml").write_text("schema_type: dataframe\ncolumns: {}\n")
    (tmp_path / "dvc.yaml").write_text("stages: [\n")
    assert call() == 1
    err = capsys.readouterr().err
    assert err.startswith(expected) and err.count("\n") == 1, err


def test_a_bug_in_a_hook_keeps_its_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.ipynb").write_text('{"nbformat": 4, "cells": [], "metadata": {}}')

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(notebook_sync, "check", broken)
    with pytest.raises(ZeroDivisionError):
        notebook_sync.main(["a.ipynb"])
