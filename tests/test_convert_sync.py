"""``mltest convert --check``, hand edits, ``--force``, broken notebooks: the command's safety rules."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from mltest.cli import main

NOTEBOOK = ROOT / "tests" / "notebooks" / "credit_risk_tutorial.ipynb"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with notebooks/train.ipynb converted to src/train.py; the working directory."""
    (tmp_path / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, tmp_path / "notebooks" / "train.ipynb")
    monkeypatch.chdir(tmp_path)
    assert main(["convert", "notebooks/train.ipynb", "--out-dir", "src", "-q"]) == 0
    return tmp_path


def _edit_notebook(path: Path, change) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    change(notebook)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")


def _append_to_cell_2(notebook: dict) -> None:
    notebook["cells"][2]["source"] = "".join(notebook["cells"][2]["source"]) + "\nTARGET = 'y'"


def _run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_check_passes_an_unchanged_notebook(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("convert", "--check", "notebooks/train.ipynb", "--out-dir", "src", capsys=capsys) == (
        0,
        "src/train.py is up to date with notebooks/train.ipynb\n",
        "",
    )


def test_outputs_and_unexported_changes_do_not_make_a_module_stale(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def rerun(notebook: dict) -> None:
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                cell["execution_count"] = (cell["execution_count"] or 0) + 10
                cell["outputs"] = []
        notebook["metadata"]["language_info"]["version"] = "3.12.0"

    _edit_notebook(project / "notebooks" / "train.ipynb", rerun)
    assert _run("convert", "--check", "notebooks/train.ipynb", "--out-dir", "src", capsys=capsys)[0] == 0


def test_check_fails_on_a_changed_notebook_and_prints_the_fix(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit_notebook(project / "notebooks" / "train.ipynb", _append_to_cell_2)
    before = (project / "src" / "train.py").read_text()
    assert _run("convert", "--check", "notebooks/train.ipynb", "--out-dir", "src", capsys=capsys) == (
        1,
        "src/train.py is out of date with notebooks/train.ipynb: "
        "run `mltest convert notebooks/train.ipynb --to src/train.py`\n",
        "",
    )
    assert (project / "src" / "train.py").read_text() == before  # --check never writes
    assert _run("convert", "notebooks/train.ipynb", "--to", "src/train.py", capsys=capsys)[0] == 0
    assert "TARGET = 'y'" in (project / "src" / "train.py").read_text()
    assert _run("convert", "--check", "notebooks/train.ipynb", "--out-dir", "src", capsys=capsys)[0] == 0


def test_a_module_edited_by_hand_is_never_overwritten_silently(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = project / "src" / "train.py"
    edited = module.read_text().replace("n_estimators=200", "n_estimators=500")
    module.write_text(edited)
    code, out, err = _run("convert", "notebooks/train.ipynb", "--out-dir", "src", capsys=capsys)
    assert code == 1
    assert err == (
        "mltest convert: error: src/train.py was edited by hand after conversion: not overwritten; move the edits "
        "into notebooks/train.ipynb, or run `mltest convert notebooks/train.ipynb --to src/train.py --force` "
        "to discard them\n"
    )
    assert module.read_text() == edited
    code, out, _ = _run("convert", "--check", "notebooks/train.ipynb", "--out-dir", "src", capsys=capsys)
    assert code == 1 and "src/train.py was edited by hand after conversion" in out
    assert _run("convert", "notebooks/train.ipynb", "--out-dir", "src", "--force", capsys=capsys)[0] == 0
    assert "n_estimators=200" in module.read_text()


def test_reformatting_the_module_is_not_a_hand_edit(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = project / "src" / "train.py"
    subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--line-length", "79", str(module)], check=True
    )
    assert "\n    files = subprocess.run(\n" in module.read_text()  # ruff did change something
    assert _run("convert", "--check", "notebooks/train.ipynb", "--out-dir", "src", capsys=capsys)[0] == 0


def test_sorting_or_pruning_imports_is_not_a_hand_edit(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = project / "src" / "train.py"
    text = module.read_text()
    module.write_text(
        text.replace("import numpy as np\n", "")
        .replace("import subprocess\n", "")
        .replace("import joblib\n", "import joblib, subprocess\n")
        .replace("import accuracy_score, roc_auc_score", "import roc_auc_score")
        .replace("from sklearn.ensemble", "from sklearn.metrics import accuracy_score\nfrom sklearn.ensemble")
    )
    assert _run("convert", "--check", "notebooks/train.ipynb", "--out-dir", "src", capsys=capsys)[0] == 0
    module.write_text(text.replace("import subprocess\n", "import subprocess, sys\n"))  # a new import: an edit
    assert _run("convert", "--check", "notebooks/train.ipynb", "--out-dir", "src", capsys=capsys)[0] == 1
    module.write_text(text.replace("    df = pd.read_csv", "    df = pd.read_csv  # note\n    df = pd.read_csv"))
    assert _run("convert", "--check", "notebooks/train.ipynb", "--out-dir", "src", capsys=capsys)[0] == 1


def test_a_file_mltest_did_not_write_is_not_overwritten(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "src" / "mine.py").write_text("VALUE = 1\n")
    code, _, err = _run("convert", "notebooks/train.ipynb", "--to", "src/mine.py", capsys=capsys)
    assert code == 1
    assert err == (
        "mltest convert: error: src/mine.py was not written by `mltest convert`: not overwritten; "
        "run `mltest convert notebooks/train.ipynb --to src/mine.py --force` to replace it\n"
    )
    assert (project / "src" / "mine.py").read_text() == "VALUE = 1\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"cells": [', "not a notebook: invalid JSON at line 1 column 12 (Expecting value)"),
        ('{"nbformat": 5, "cells": []}', "nbformat=5 is not supported: expected 3 or 4"),
        ("[1, 2]", "not a notebook: no 'nbformat' field"),
    ],
)
def test_a_broken_notebook_names_the_file_and_leaves_nothing_behind(
    project: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (project / "notebooks" / "broken.ipynb").write_text(content)
    before = sorted(p.name for p in (project / "src").iterdir())
    for argv in (
        ["convert", "notebooks/broken.ipynb", "--out-dir", "src"],
        ["convert", "--check", "notebooks/broken.ipynb"],
    ):
        code, out, err = _run(*argv, capsys=capsys)
        assert (code, out, err) == (1, "", f"mltest convert: error: notebooks/broken.ipynb: {message}\n")
    assert sorted(p.name for p in (project / "src").iterdir()) == before


def test_to_takes_one_notebook(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run("convert", "notebooks/train.ipynb", "notebooks/train.ipynb", "--to", "x.py", capsys=capsys)
    assert code == 1
    assert err == (
        "mltest convert: error: --to='x.py' is not valid: expected a single notebook (use --out-dir for several)\n"
    )


def test_module_names_are_identifiers(tmp_path: Path) -> None:
    from mltest.notebooks import module_path

    assert module_path(Path("nb/01 - Train Model.ipynb")) == Path("nb/train_model.py")
    assert module_path(Path("nb/2024.ipynb"), out_dir=Path("src")) == Path("src/notebook_2024.py")
    assert module_path(Path("nb/x.ipynb"), name="core.features") == Path("nb/core/features.py")


def test_the_check_of_50_unchanged_notebooks_imports_neither_nbformat_nor_nbconvert(project: Path) -> None:
    for i in range(50):
        shutil.copy(project / "notebooks" / "train.ipynb", project / "notebooks" / f"nb{i}.ipynb")
    assert main(["convert", "-q", *[f"notebooks/nb{i}.ipynb" for i in range(50)], "--out-dir", "src"]) == 0
    script = (
        "import sys; from mltest.cli import main\n"
        "code = main(['convert', '--check', '-q', *sys.argv[1:], '--out-dir', 'src'])\n"
        "print(code, sorted(m for m in ('nbformat', 'nbconvert', 'IPython', 'pandas') if m in sys.modules))\n"
    )
    files = [f"notebooks/nb{i}.ipynb" for i in range(50)]
    result = subprocess.run([sys.executable, "-c", script, *files], cwd=project, capture_output=True, text=True)
    assert result.stdout == "0 []\n", result.stderr


def test_a_module_that_would_not_compile_is_not_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": [], "source": "import asyncio\nawait asyncio.sleep(0)"}
        ],
    }
    (tmp_path / "a.ipynb").write_text(json.dumps(notebook))
    code, _, err = _run("convert", str(tmp_path / "a.ipynb"), capsys=capsys)
    assert code == 1
    assert err == (
        f"mltest convert: error: {tmp_path / 'a.ipynb'}: the converted module does not compile: "
        "'await' outside async function (line 8)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ipynb"]


def test_a_folder_stands_for_its_notebooks(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "notebooks" / ".ipynb_checkpoints").mkdir()
    shutil.copy(NOTEBOOK, project / "notebooks" / ".ipynb_checkpoints" / "train-checkpoint.ipynb")
    shutil.copy(NOTEBOOK, project / "notebooks" / "eval.ipynb")
    assert _run("convert", "notebooks", "--out-dir", "src", capsys=capsys) == (
        0,
        "converted notebooks/eval.ipynb -> src/eval.py (12 cells)\n"
        "src/train.py is up to date with notebooks/train.ipynb\n",
        "",
    )
    assert _run("convert", "--check", "-q", "notebooks", "--out-dir", "src", capsys=capsys) == (0, "", "")


@pytest.mark.parametrize("name", ["..evil", "a..b", "core.", "1abc", "core/x"])
def test_default_exp_cannot_leave_the_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": f"#| default_exp {name}\nX = 1"}],
    }
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "a.ipynb").write_text(json.dumps(notebook))
    monkeypatch.chdir(tmp_path / "nb")
    message = (
        f"mltest convert: error: a.ipynb: #| default_exp {name} is not a module name: "
        "expected names separated by dots, such as core.features\n"
    )
    for argv in (["convert", "a.ipynb", "--out-dir", "out"], ["convert", "--check", "a.ipynb", "--out-dir", "out"]):
        assert _run(*argv, capsys=capsys) == (1, "", message)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["nb", "nb/a.ipynb"]
    assert not list(Path("/").glob("evil.py"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"nbformat": 4, "cells": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "not a notebook: its JSON is nested too deeply",
        ),
        (
            '{"nbformat": 4, "nbformat_minor": 5, "metadata": null, "cells": []}',
            "not a notebook: 'metadata' is null: expected an object",
        ),
        (
            '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": null}',
            "not a notebook: 'cells' is null: expected a list",
        ),
        (
            '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [1]}',
            "not a notebook: cell 1 is 1: expected an object",
        ),
        (
            '{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": [1], "metadata": {}}]}',
            "not a notebook: cell 1: 'source' is [1]: expected text or a list of lines",
        ),
        (
            '{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": "", "metadata": null}]}',
            "not a notebook: cell 1: 'metadata' is null: expected an object",
        ),
        (
            '{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": "x = \'\\ud800\'"}]}',
            "not a notebook: cell 1: 'source' holds '\\ud800', which is not a character",
        ),
        (
            '{"nbformat": 3, "metadata": {}, "worksheets": [{"cells": null}]}',
            "not a notebook: worksheet 1: 'cells' is null: expected a list",
        ),
    ],
)
def test_a_malformed_notebook_is_one_line_for_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    from mltest.hooks import notebook_sync, strip_notebooks

    monkeypatch.chdir(tmp_path)
    Path("bad.ipynb").write_text(content)
    line = f"bad.ipynb: {message}\n"
    assert _run("convert", "bad.ipynb", capsys=capsys) == (1, "", f"mltest convert: error: {line}")
    assert _run("convert", "--check", "bad.ipynb", capsys=capsys) == (1, "", f"mltest convert: error: {line}")
    assert notebook_sync.main(["bad.ipynb"]) == 1
    assert capsys.readouterr().err == f"mltest-notebook-sync: error: {line}"
    assert strip_notebooks.main(["bad.ipynb"]) == 1
    assert capsys.readouterr().err == f"mltest-strip-notebooks: error: {line}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ipynb"]


def test_a_module_that_is_not_utf8_is_not_a_converted_module(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "src" / "latin.py").write_bytes("# caf\xe9\nVALUE = 1\n".encode("latin-1"))
    message = (
        "src/latin.py was not written by `mltest convert` (it is not UTF-8 text): not overwritten; "
        "run `mltest convert notebooks/train.ipynb --to src/latin.py --force` to replace it"
    )
    assert _run("convert", "notebooks/train.ipynb", "--to", "src/latin.py", capsys=capsys) == (
        1,
        "",
        f"mltest convert: error: {message}\n",
    )
    code, out, err = _run("convert", "--check", "notebooks/train.ipynb", "--to", "src/latin.py", capsys=capsys)
    assert (code, err) == (1, "") and out.startswith(
        "src/latin.py was not written by `mltest convert` (it is not UTF-8"
    )
    assert _run("convert", "-q", "notebooks/train.ipynb", "--to", "src/latin.py", "--force", capsys=capsys)[0] == 0


@pytest.mark.parametrize(
    "source", ["x = " + " + ".join(["1"] * 20_000), "x = " + "-" * 100_000 + "1"], ids=["long-sum", "deep-unary"]
)
def test_code_nested_beyond_pythons_limits_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    monkeypatch.chdir(tmp_path)
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "source": source}
    Path("deep.ipynb").write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}))
    assert _run("convert", "deep.ipynb", capsys=capsys) == (
        1,
        "",
        "mltest convert: error: deep.ipynb: cell 1: the cell is nested too deeply for Python to parse\n",
    )


def test_a_byte_order_mark_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "source": "x = 1"}
    text = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]})
    Path("bom.ipynb").write_text(text, encoding="utf-8-sig")
    assert _run("convert", "-q", "bom.ipynb", capsys=capsys) == (0, "", "")
