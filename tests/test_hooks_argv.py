"""A hook takes file names after its options: a staged file named like an option is a file, never an option.

pre-commit runs ``entry args... files...`` with no ``--`` between them, so a file named
``--allow=*`` would otherwise turn the data guard off, ``--help`` would end every hook with
exit 0, and ``--schema=loose.schema.yaml`` would swap the schema a sample is checked against.
Each hook is tried through ``main([...])`` and then through a real ``pre-commit run`` in a real
git repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GERMAN_CREDIT, ROOT
from mltest.hooks import _argv, data_guard, notebook_sync, strip_notebooks, validate_data

from mltest.notebooks import convert_notebook

NOTEBOOK = ROOT / "tests" / "notebooks" / "credit_risk_tutorial.ipynb"
SCHEMA = ROOT / "examples" / "german_credit.schema.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _sample(repo: Path, *, broken: bool) -> None:
    (repo / "data").mkdir(exist_ok=True)
    lines = GERMAN_CREDIT.read_text().splitlines(keepends=True)
    text = "".join(lines[:40])
    (repo / "data" / "credit.csv").write_text(text.replace(",male,", ",mail,", 1) if broken else text)
    shutil.copy(SCHEMA, repo / "data" / "credit.schema.yaml")


def _stale_module(repo: Path) -> Path:
    (repo / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, repo / "notebooks" / "train.ipynb")
    convert_notebook(Path("notebooks/train.ipynb"), out_dir=Path("src"))
    path = repo / "notebooks" / "train.ipynb"
    path.write_text(path.read_text().replace("RANDOM_STATE = 42", "RANDOM_STATE = 7"))
    return repo / "src" / "train.py"


def test_split_stops_at_the_first_file_or_at_a_double_dash(repo: Path) -> None:
    import argparse

    parser = argparse.ArgumentParser(allow_abbrev=False)
    parser.add_argument("files", nargs="*")
    parser.add_argument("--max-kb", type=int)
    parser.add_argument("--allow", action="append", default=[])
    parser.add_argument("--fix", action="store_true")
    (repo / "--allow=*").write_text("x")
    assert _argv.split(parser, ["--max-kb", "5", "--allow=a*", "--fix", "a.csv", "--fix"]) == (
        ["--max-kb", "5", "--allow=a*", "--fix"],
        ["a.csv", "--fix"],
    )
    assert _argv.split(parser, ["--max-kb=5", "--", "--fix"]) == (["--max-kb=5"], ["--fix"])
    assert _argv.split(parser, ["--allow=*", "--max-kb", "5"]) == ([], ["--allow=*", "--max-kb", "5"])
    assert _argv.split(parser, ["--allow", "--allow=*"]) == (["--allow", "--allow=*"], [])  # a value, as given
    # A configured option and a staged file of the same name: the first is the option, the second the file.
    (repo / "--fix").write_text("x")
    assert _argv.split(parser, ["--fix", "--max-kb", "5", "--fix", "a.csv"]) == (
        ["--fix", "--max-kb", "5"],
        ["--fix", "a.csv"],
    )
    assert _argv.split(parser, ["--fix", "a.csv"]) == ([], ["--fix", "a.csv"])
    assert _argv.split(parser, ["--max-kb=5", "--", "--", "a.csv"]) == (["--max-kb=5"], ["--", "a.csv"])


def test_data_guard_treats_option_names_as_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "--allow=*").write_bytes(b"\0" * 700_000)
    (repo / "--max-kb=999999").write_bytes(b"\0" * 600_000)
    (repo / "--help").write_text("a,b\n1,2\n")
    (repo / "model.pkl").write_bytes(b"\x80\x04")
    assert data_guard.main(["--allow=*", "--help", "--max-kb=999999", "model.pkl"]) == 1
    out = capsys.readouterr().out
    assert "  --max-kb=999999: large file (586 KB > 500 KB)\n" in out
    assert "  model.pkl: model file (.pkl, 2 bytes)\n" in out
    assert "  --allow=*: large file (684 KB > 500 KB)\n" in out
    assert "  git rm --cached -q -- '--allow=*' --max-kb=999999 model.pkl\n" in out
    assert "--help" not in out  # a small text file: allowed, and no help text either
    # The configured --max-kb 100 still holds when a staged file is named --max-kb too.
    (repo / "--max-kb").write_bytes(b"\0" * 200_000)
    assert data_guard.main(["--max-kb", "100", "--max-kb"]) == 1
    assert "  --max-kb: large file (195 KB > 100 KB)\n" in capsys.readouterr().out


def test_notebook_sync_treats_option_names_as_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = _stale_module(repo)
    before = module.read_text()
    for name in ("--fix", "--help", "--out-dir=elsewhere"):
        (repo / name).write_text("not a notebook\n")
    assert notebook_sync.main(["--out-dir", "src", "--fix", "--help", "--out-dir=elsewhere", "notebooks/train.ipynb"])
    assert module.read_text() == before  # --fix was a file: nothing rewritten
    assert capsys.readouterr().out == (
        "mltest-notebook-sync: src/train.py is out of date with notebooks/train.ipynb: "
        "run `mltest convert notebooks/train.ipynb --to src/train.py`\n"
    )


def test_strip_notebooks_treats_option_names_as_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notebook = json.loads(NOTEBOOK.read_text())
    notebook["cells"][3]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["x\n"]}]
    (repo / "--keep-output").write_text(json.dumps(notebook))
    assert strip_notebooks.main(["--keep-output"]) == 1
    assert json.loads((repo / "--keep-output").read_text())["cells"][3]["outputs"] == []
    (repo / "--help").write_text("not json")
    assert strip_notebooks.main(["--help"]) == 1
    assert capsys.readouterr().err.startswith("mltest-strip-notebooks: error: --help: not a notebook: invalid JSON")


def test_validate_data_treats_option_names_as_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _sample(repo, broken=True)
    (repo / "--schema=loose.schema.yaml").write_text("schema_type: dataframe\ncolumns: {}\n")
    (repo / "loose.schema.yaml").write_text("schema_type: dataframe\ncolumns: {}\n")
    assert validate_data.main(["--schema=loose.schema.yaml", "data/credit.csv"]) == 1
    assert "data/credit.csv does not match data/credit.schema.yaml" in capsys.readouterr().out


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_through_a_real_pre_commit_run(repo: Path) -> None:
    """All four hooks as `repo: local` hooks of this environment, on staged files named like their options."""
    hooks = [
        ("mltest-data-guard", "data_guard", "files: '.*'", "require_serial: true"),
        ("mltest-notebook-sync", "notebook_sync --out-dir src", r"files: '\.(ipynb|py)$'", ""),
        ("mltest-strip-notebooks", "strip_notebooks", r"files: '\.ipynb$'", ""),
        ("mltest-validate-data", "validate_data", r"files: '\.(csv|schema\.yaml)$'", ""),
    ]
    config = "repos:\n- repo: local\n  hooks:\n"
    for hook, module, files, extra in hooks:
        config += (
            f"  - id: {hook}\n    name: {hook}\n    entry: {sys.executable} -m mltest.hooks.{module}\n"
            f"    language: system\n    {files}\n    {extra}\n"
        )
    (repo / ".pre-commit-config.yaml").write_text(config)
    module = _stale_module(repo)
    before = module.read_text()
    _sample(repo, broken=True)
    (repo / "--allow=*").write_bytes(b"\0" * 600_000)
    (repo / "--max-kb=999999").write_bytes(b"\0" * 600_000)
    (repo / "--help").write_text("help\n")
    (repo / "--fix.py").write_text("# not converted\n")
    (repo / "--schema=loose.schema.yaml").write_text("schema_type: dataframe\ncolumns: {}\n")
    (repo / "--keep-output.ipynb").write_text(
        json.dumps(
            {
                "nbformat": 4,
                "nbformat_minor": 5,
                "metadata": {},
                "cells": [{"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "1", "outputs": []}],
            }
        )
    )
    _git(repo, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_COLOR": "never", "PRE_COMMIT_HOME": str(repo / ".cache")}
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run"], cwd=repo, env=env, capture_output=True, text=True
    )
    out = result.stdout
    assert result.returncode == 1, out
    assert "usage:" not in out and "Traceback" not in out, out
    assert "  --allow=*: large file (586 KB > 500 KB)" in out, out
    assert "  --max-kb=999999: large file (586 KB > 500 KB)" in out, out
    assert "src/train.py is out of date with notebooks/train.ipynb" in out, out
    assert module.read_text() == before
    assert "data/credit.csv does not match data/credit.schema.yaml" in out, out
    assert "stripped outputs and metadata from --keep-output.ipynb" in out, out
    assert json.loads((repo / "--keep-output.ipynb").read_text())["cells"][0]["execution_count"] is None
