"""Golden-file tests of ``mltest convert`` on the notebooks in tests/notebooks/.

Each notebook ``NAME.ipynb`` is converted in a scratch folder with
``mltest convert NAME.ipynb --out-dir out``; what the command prints (exit code, stdout, stderr)
must equal ``tests/notebooks/expected/NAME.out`` and the module it writes must equal
``tests/notebooks/expected/NAME.py`` (absent when nothing is written).

To regenerate the expected files after an intended change, run::

    MLTEST_REGENERATE_GOLDENS=1 .venv/bin/python -m pytest tests/test_convert_golden.py -p no:randomly

and review ``git diff tests/notebooks/expected`` before committing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from mltest.cli import main

NOTEBOOKS = ROOT / "tests" / "notebooks"
EXPECTED = NOTEBOOKS / "expected"
REGENERATE = os.environ.get("MLTEST_REGENERATE_GOLDENS") == "1"
NAMES = sorted(path.stem for path in NOTEBOOKS.glob("*.ipynb"))


def _convert(name: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str | None]:
    shutil.copy(NOTEBOOKS / f"{name}.ipynb", folder / f"{name}.ipynb")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        code = main(["convert", f"{name}.ipynb", "--out-dir", "out"])
    finally:
        os.chdir(cwd)
    captured = capsys.readouterr()
    printed = f"exit code: {code}\n--- stdout\n{captured.out}--- stderr\n{captured.err}"
    modules = sorted((folder / "out").glob("*.py")) if (folder / "out").exists() else []
    assert len(modules) <= 1
    return printed, modules[0].read_text(encoding="utf-8") if modules else None


@pytest.mark.parametrize("name", NAMES)
def test_golden(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    printed, module = _convert(name, tmp_path, capsys)
    if REGENERATE:
        (EXPECTED / f"{name}.out").write_text(printed, encoding="utf-8")
        (EXPECTED / f"{name}.py").unlink(missing_ok=True)
        if module is not None:
            (EXPECTED / f"{name}.py").write_text(module, encoding="utf-8")
    assert printed == (EXPECTED / f"{name}.out").read_text(encoding="utf-8")
    expected_module = EXPECTED / f"{name}.py"
    assert module == (expected_module.read_text(encoding="utf-8") if expected_module.exists() else None)
    assert not [p for p in tmp_path.rglob("*.tmp")], "a temporary file was left behind"


def test_the_set_of_notebooks_is_varied() -> None:
    """The goldens cover what the issue lists; a renamed notebook must not drop a case silently."""
    assert {
        "credit_risk_tutorial",  # magics, shell escapes, display calls, plots
        "papermill_parameters",
        "legacy_v3",
        "unicode_text",
        "r_kernel",
        "markdown_only",
        "syntax_error",
        "nbdev_features",
        "magics_and_shell",
        "broken_json",
        "unknown_nbformat",
        "behaviour_kept",  # licence header, comments on imports, a global read next to a parameter, own display
        "sys_path_change",
        "writefile_module",
    } <= set(NAMES)
    assert json.loads((NOTEBOOKS / "legacy_v3.ipynb").read_text())["nbformat"] == 3


def test_ruff_finds_no_undefined_name_that_was_not_reported() -> None:
    """Every undefined name ruff sees in a converted module was reported as a warning naming its cell."""
    modules = sorted(EXPECTED.glob("*.py"))
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F821", "--output-format", "json"]
        + [str(m) for m in modules],
        capture_output=True,
        text=True,
    )
    found = {(Path(d["filename"]).stem, re.search(r"`(.+?)`", d["message"])[1]) for d in json.loads(result.stdout)}
    reported = {
        (name, match[1])
        for name in NAMES
        for match in re.finditer(r"name '(.+?)' is used but never defined", (EXPECTED / f"{name}.out").read_text())
    }
    assert found <= reported
    assert ("magics_and_shell", "undefined_in_notebook") in found


def test_converted_modules_import_and_run(tmp_path: Path) -> None:
    """The tutorial's module runs under plain Python (no IPython) and the nbdev module imports."""
    work = tmp_path / "notebooks"
    work.mkdir()
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import credit_risk_tutorial, nbdev_features as features, pandas\n"
        "credit_risk_tutorial.main()\n"
        "bands = features.age_band(pandas.Series([20, 30, 70]))\n"
        "print(list(bands.astype(str)), 'IPython' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(EXPECTED)], cwd=work, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"^accuracy=0\.\d+ auc=0\.\d+$", result.stdout, re.M)
    assert "['[18, 25)', '[25, 35)', '[50, 120)'] False" in result.stdout
    assert (work / "models" / "model.joblib").is_file() and (work / "importances.png").is_file()
