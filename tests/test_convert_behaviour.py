"""Notebook conversion keeps behaviour: the converted module does what the notebook did (issue 11).

Each case is a notebook of tests/notebooks/ (also a golden file of test_convert_golden.py); here the
point is checked directly: the module's output equals the notebook's, names that functions read
from the notebook stay global, comments stay, and what cannot be kept is refused or warned about.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from mltest.cli import main

NOTEBOOKS = ROOT / "tests" / "notebooks"


def _convert(name: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, Path]:
    shutil.copy(NOTEBOOKS / f"{name}.ipynb", folder / f"{name}.ipynb")
    code = main(["convert", str(folder / f"{name}.ipynb"), "--to", str(folder / f"{name}.py")])
    return code, capsys.readouterr().err, folder / f"{name}.py"


def _notebook_output(name: str) -> str:
    """What the notebook prints when its code cells run in order in one namespace (IPython syntax skipped)."""
    notebook = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in notebook["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and not source.lstrip().startswith("%"):
                exec(compile(source, name, "exec"), namespace)
    return out.getvalue()


def test_the_module_prints_what_the_notebook_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """gini() reads `weights` from the notebook while gini_normalized() has a parameter `weights`,
    and the notebook defines its own `display`: the module must keep both."""
    code, err, module = _convert("behaviour_kept", tmp_path, capsys)
    assert code == 0, err
    expected = _notebook_output("behaviour_kept")
    assert expected == "gini: 1.0000\nweighted gini: 1.0317\n1.414\n"
    result = subprocess.run([sys.executable, str(module)], capture_output=True, text=True, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, expected), result.stderr
    assert "    global weights\n" in module.read_text()


def test_comments_and_the_licence_header_are_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, _, module = _convert("behaviour_kept", tmp_path, capsys)
    text = module.read_text()
    body = text.split("\n", 3)[3]
    assert body.startswith("# Copyright 2026 Example Analytics Ltd.\n# SPDX-License-Identifier: Apache-2.0\n")
    assert '"""Scoring with a normalised Gini' in body  # the docstring is still the module's docstring
    assert "import math  # for the square root at the end\n" in text
    assert "# arrays and sorting\nimport numpy as np\n" in text
    assert "# the score is 1.0: the ordering is perfect\n" in text
    assert "# Next: weights by exposure\n" in text


def test_a_writefile_cell_whose_module_is_imported_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err, module = _convert("writefile_module", tmp_path, capsys)
    assert code == 1
    assert err == (
        f"mltest convert: error: {tmp_path / 'writefile_module.ipynb'}: cell 2 (In [1]): %%writefile helpers.py "
        "writes a module that the converted cells import (from helpers import double), and a converted module "
        "cannot write it: make helpers.py a file of the project, or leave the cells that import it out of the "
        "export\n"
    )
    assert not module.exists()


def test_a_file_cell_is_the_same_magic_as_writefile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notebook = (NOTEBOOKS / "writefile_module.ipynb").read_text(encoding="utf-8")
    assert "%%writefile helpers.py" in notebook
    (tmp_path / "file_module.ipynb").write_text(notebook.replace("%%writefile", "%%file"), encoding="utf-8")
    code = main(["convert", str(tmp_path / "file_module.ipynb"), "--to", str(tmp_path / "file_module.py")])
    assert code == 1
    assert capsys.readouterr().err.startswith(
        f"mltest convert: error: {tmp_path / 'file_module.ipynb'}: cell 2 (In [1]): %%file helpers.py "
        "writes a module that the converted cells import (from helpers import double)"
    )
    assert not (tmp_path / "file_module.py").exists()


def test_a_writefile_cell_nobody_imports_is_dropped_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, err, _ = _convert("behaviour_kept", tmp_path, capsys)
    assert "cell 8 (In [7]): %%writefile cell not converted: the module does not write run_scoring.sh" in err


def test_a_sys_path_change_that_imports_depend_on_is_warned_about_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err, _ = _convert("sys_path_change", tmp_path, capsys)
    assert code == 0
    assert (
        "mltest convert: warning: " + str(tmp_path / "sys_path_change.ipynb") + ": cell 1 (In [1]), line 4: "
        "sys.path is changed here, but the imports after it are hoisted above it "
        "(from src.features import build_features; import pandas as pd): install the package they come from, "
        "or import it relative to the module\n"
    ) in err


def test_a_notebook_without_code_cells_gives_a_docstring_only_module(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err, module = _convert("markdown_only", tmp_path, capsys)
    assert (code, err) == (0, "")
    assert module.read_text().split("\n", 3)[3] == '"""Project notes\n\nNo code here, only notes about the data.\n"""\n'
    assert main(["convert", "--check", str(tmp_path / "markdown_only.ipynb"), "--to", str(module)]) == 0
