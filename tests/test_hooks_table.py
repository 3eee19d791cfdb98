"""Each hook as a table against its pure function, then through ``main([...])`` in a real git repository."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GERMAN_CREDIT, ROOT
from mltest.hooks import _dvc, data_guard, notebook_sync, strip_notebooks, validate_data

from mltest.notebooks import convert_notebook

NOTEBOOK = ROOT / "tests" / "notebooks" / "credit_risk_tutorial.ipynb"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _stage(repo: Path) -> list[str]:
    subprocess.run(["git", "add", "-A", "-f"], cwd=repo, check=True)
    return subprocess.run(["git", "ls-files"], cwd=repo, check=True, capture_output=True, text=True).stdout.split()


# --- data guard -----------------------------------------------------------------------------

GUARD_CASES = [
    # (path, size, options, reason or None)
    ("data/sample.csv", 2_000, {}, None),
    ("data/train.csv", 200_000, {}, "data file (.csv, 195 KB > 100 KB allowed for samples)"),
    ("data/TRAIN.PARQUET", 150_000, {}, "data file (.parquet, 146 KB > 100 KB allowed for samples)"),
    ("data/train.csv", 200_000, {"max_sample_kb": 500}, None),
    ("models/model.pt", 10, {}, "model file (.pt, 10 bytes)"),
    ("models/model.joblib", 3_000_000, {}, "model file (.joblib, 2.9 MB)"),
    ("models/model.pkl", 10, {"allow": ["models/*.pkl"]}, None),
    ("docs/video.mp4", 600_000, {}, "large file (586 KB > 500 KB)"),
    ("docs/video.mp4", 600_000, {"max_kb": 1000}, None),
    ("README.md", 400_000, {}, None),
    (
        "data/raw.csv",
        10,
        {"index": _dvc.read_index({"data/raw.csv.dvc": "outs:\n- path: raw.csv\n"})},
        "already tracked by DVC (data/raw.csv.dvc)",
    ),
    (
        "data/images/1.png",
        10,
        {"index": _dvc.read_index({"data/images.dvc": "outs:\n- path: images\n"})},
        "already tracked by DVC (data/images.dvc)",
    ),
    ("data/images.txt", 10, {"index": _dvc.read_index({"data/images.dvc": "outs:\n- path: images\n"})}, None),
]


@pytest.mark.parametrize(("path", "size", "options", "reason"), GUARD_CASES)
def test_data_guard_table(path: str, size: int, options: dict, reason: str | None) -> None:
    finding = data_guard.check_file(path, size, **options)
    assert (finding.reason if finding else None) == reason


def test_read_index_reads_dvc_files_and_dvc_yaml_outs() -> None:
    index = _dvc.read_index(
        {
            "data/raw.csv.dvc": "outs:\n- md5: 1\n  path: raw.csv\n",
            "data/images.dvc": "outs:\n- path: images\n",
            "data/notes.dvc": "outs:\n- path: notes.txt\n  cache: false\n",
            "pipelines/dvc.yaml": (
                "stages:\n  prepare:\n    wdir: ..\n    cmd: python prepare.py\n    outs: [data/prepared]\n"
                "    metrics:\n    - metrics.json:\n        cache: false\n"
                "    plots:\n    - plots/roc.csv:\n        x: fpr\n"
                "  each:\n    foreach: [a, b]\n    do:\n      outs: ['${item}.txt']\n"
                "  evaluate:\n    cmd: python evaluate.py\n    outs: [report.html]\n"
            ),
        }
    )
    assert {path: (o.where, o.cache) for path, o in index.outputs.items()} == {
        "data/raw.csv": ("data/raw.csv.dvc", True),
        "data/images": ("data/images.dvc", True),
        "data/notes.txt": ("data/notes.dvc", False),
        "data/prepared": ("stage 'prepare' of pipelines/dvc.yaml", True),
        "metrics.json": ("stage 'prepare' of pipelines/dvc.yaml", False),
        "plots/roc.csv": ("stage 'prepare' of pipelines/dvc.yaml", True),
        "pipelines/a.txt": ("stage 'each@a' of pipelines/dvc.yaml", True),
        "pipelines/b.txt": ("stage 'each@b' of pipelines/dvc.yaml", True),
        "pipelines/report.html": ("stage 'evaluate' of pipelines/dvc.yaml", True),
    }


def test_data_guard_main_in_a_git_repository(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "data").mkdir()
    (repo / "data" / "sample.csv").write_text("a,b\n1,2\n")
    (repo / "data" / "raw.csv.dvc").write_text("outs:\n- path: raw.csv\n")
    (repo / "data" / "raw.csv").write_text("1,2\n")
    (repo / "model.onnx").write_bytes(b"\0" * 2048)
    files = _stage(repo)
    assert data_guard.main(["data/sample.csv", "data/raw.csv.dvc"]) == 0
    assert data_guard.main(files) == 1
    assert capsys.readouterr().out == (
        "mltest-data-guard: 2 file(s) belong in DVC, not in git:\n"
        "  data/raw.csv: already tracked by DVC (data/raw.csv.dvc)\n"
        "  model.onnx: model file (.onnx, 2 KB)\n"
        "Run:\n"
        "  git rm --cached -q data/raw.csv model.onnx\n"
        "  dvc add model.onnx\n"
        "  git add model.onnx.dvc .gitignore\n"
        "  (files DVC already tracks need no dvc add: `dvc commit` or `dvc repro` records them)\n"
        "A small file that belongs in git: allow it with `args: [--allow, 'path/glob']` in the hook config.\n"
    )
    # Modified files count, not only added ones: commit, change, stage again.
    subprocess.run(["git", "rm", "-q", "--cached", "data/raw.csv", "model.onnx"], check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"], check=True)
    (repo / "data" / "sample.csv").write_text("a,b\n" + "1,2\n" * 60_000)
    _stage(repo)
    assert data_guard.main(["--allow", "model.onnx", "--allow", "data/raw.csv", "data/sample.csv"]) == 1
    assert "  data/sample.csv: data file (.csv, 234 KB > 100 KB allowed for samples)\n" in capsys.readouterr().out


# --- notebook stripping -----------------------------------------------------------------------


def _notebook() -> dict:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
            "language_info": {"name": "python", "version": "3.11.7", "pygments_lexer": "ipython3"},
            "widgets": {"state": {}},
            "colab": {"provenance": []},
        },
        "cells": [
            {"cell_type": "markdown", "id": "a", "metadata": {"jp-MarkdownHeadingCollapsed": True}, "source": ["# T"]},
            {
                "cell_type": "code",
                "id": "b",
                "execution_count": 3,
                "metadata": {"tags": ["export"], "ExecuteTime": {"end_time": "x"}, "scrolled": True},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["hi\n"]}],
                "source": ["print('hi')"],
            },
            {
                "cell_type": "code",
                "id": "c",
                "execution_count": 4,
                "metadata": {"tags": ["keep_output"]},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["kept\n"]}],
                "source": ["print('kept')"],
            },
        ],
    }


def test_strip_removes_outputs_and_session_metadata() -> None:
    stripped = strip_notebooks.strip(_notebook())
    assert stripped["metadata"] == {
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
        "language_info": {"name": "python"},
    }
    first, second = stripped["cells"][1], stripped["cells"][2]
    assert (first["outputs"], first["execution_count"], first["metadata"]) == ([], None, {"tags": ["export"]})
    assert (second["outputs"][0]["text"], second["execution_count"]) == (["kept\n"], 4)
    assert stripped["cells"][0] == _notebook()["cells"][0]
    assert strip_notebooks.strip(stripped) == stripped  # idempotent


def test_strip_handles_nbformat_3() -> None:
    v3 = json.loads((ROOT / "tests" / "notebooks" / "legacy_v3.ipynb").read_text())
    v3["worksheets"][0]["cells"][1]["outputs"] = [{"output_type": "stream", "text": ["x"]}]
    cell = strip_notebooks.strip(v3)["worksheets"][0]["cells"][1]
    assert cell["outputs"] == [] and "prompt_number" not in cell


def test_strip_main_rewrites_only_what_changed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dirty, clean = repo / "dirty.ipynb", repo / "clean.ipynb"
    dirty.write_text(json.dumps(_notebook()))
    clean.write_text(json.dumps(strip_notebooks.strip(_notebook()), indent=4))  # not Jupyter's style: left alone
    before = clean.read_bytes()
    assert strip_notebooks.main(["clean.ipynb"]) == 0
    assert clean.read_bytes() == before
    assert strip_notebooks.main(["dirty.ipynb", "clean.ipynb"]) == 1
    assert capsys.readouterr().out == "mltest-strip-notebooks: stripped outputs and metadata from dirty.ipynb\n"
    assert dirty.read_text() == strip_notebooks.dumps(strip_notebooks.strip(_notebook()))
    assert strip_notebooks.main(["dirty.ipynb"]) == 0


def test_strip_agrees_with_nbstripout_on_outputs(repo: Path) -> None:
    """nbstripout (the anchor) and this hook leave the same cells' outputs and counts."""
    shutil.copy(NOTEBOOK, repo / "a.ipynb")
    subprocess.run([sys.executable, "-m", "nbstripout", "a.ipynb"], check=True)
    theirs = json.loads((repo / "a.ipynb").read_text())
    ours = strip_notebooks.strip(json.loads(NOTEBOOK.read_text()))
    assert [(c.get("outputs"), c.get("execution_count")) for c in ours["cells"]] == [
        (c.get("outputs"), c.get("execution_count")) for c in theirs["cells"]
    ]


# --- schema validation ------------------------------------------------------------------------


def test_validate_data_finds_each_sample_schema(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "schemas").mkdir()
    for name in ("data/a.csv", "data/a.schema.yaml", "data/b.parquet", "data/c.csv", "schemas/c.schema.yml"):
        (tmp_path / name).write_text("x")
    data = tmp_path / "data"
    assert validate_data.schema_for(data / "a.csv") == data / "a.schema.yaml"
    assert validate_data.schema_for(data / "b.parquet") is None
    assert (
        validate_data.schema_for(data / "c.csv", schema_dir=tmp_path / "schemas") == tmp_path / "schemas/c.schema.yml"
    )
    assert validate_data.schema_for(data / "c.csv", schema=Path("s.yaml")) == Path("s.yaml")
    files = [str(data / "a.schema.yaml"), str(data / "b.parquet"), str(data / "notes.txt")]
    assert validate_data.pairs(files) == [(data / "a.csv", data / "a.schema.yaml"), (data / "b.parquet", None)]


def test_validate_data_main_in_a_git_repository(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "data").mkdir()
    lines = GERMAN_CREDIT.read_text().splitlines(keepends=True)
    (repo / "data" / "credit.csv").write_text("".join(lines[:40]))
    (repo / "data" / "other.csv").write_text("a\n1\n")
    shutil.copy(ROOT / "examples" / "german_credit.schema.yaml", repo / "data" / "credit.schema.yaml")
    _stage(repo)
    assert validate_data.main(["data/credit.csv", "data/other.csv"]) == 0
    assert validate_data.main(["--require-schema", "data/other.csv"]) == 1
    assert capsys.readouterr().out == (
        "mltest-validate-data: data/other.csv: no schema file (expected data/other.schema.yaml)\n"
    )
    (repo / "data" / "credit.csv").write_text("".join(lines[:40]).replace(",67\n", ",-67\n"))
    assert validate_data.main(["data/credit.schema.yaml"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("mltest-validate-data: data/credit.csv does not match data/credit.schema.yaml:\n")
    assert "column 'age'" in out and "-67" in out


# --- notebook sync ----------------------------------------------------------------------------


def test_notebook_sync_statuses(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, repo / "notebooks" / "train.ipynb")
    shutil.copy(NOTEBOOK, repo / "notebooks" / "scratch.ipynb")
    convert_notebook(Path("notebooks/train.ipynb"), out_dir=Path("src"))
    states = {s.notebook.name: s.state for s in notebook_sync.statuses(["notebooks/scratch.ipynb", "src/train.py"])}
    assert states == {"scratch.ipynb": "missing", "train.ipynb": "up-to-date"}
    assert notebook_sync.main(["--out-dir", "src", "notebooks/scratch.ipynb", "notebooks/train.ipynb"]) == 0
    assert notebook_sync.main(["--out-dir", "src", "--require", "notebooks/scratch.ipynb"]) == 1
    assert capsys.readouterr().out == (
        "mltest-notebook-sync: src/scratch.py does not exist: "
        "run `mltest convert notebooks/scratch.ipynb --to src/scratch.py`\n"
    )
    module = repo / "src" / "train.py"
    module.write_text(module.read_text().replace('TARGET = "risk"', 'TARGET = "label"'))
    assert notebook_sync.main(["--fix", "src/train.py"]) == 1  # never fixes a hand edit
    assert "src/train.py was edited by hand after conversion" in capsys.readouterr().out
    assert 'TARGET = "label"' in module.read_text()
    convert_notebook(Path("notebooks/train.ipynb"), out_dir=Path("src"), force=True)
    notebook = json.loads((repo / "notebooks" / "train.ipynb").read_text())
    notebook["cells"][2]["source"] = "".join(notebook["cells"][2]["source"]) + "\nEXTRA = 1"
    (repo / "notebooks" / "train.ipynb").write_text(json.dumps(notebook))
    assert notebook_sync.main(["--out-dir", "src", "--fix", "notebooks/train.ipynb"]) == 1
    assert capsys.readouterr().out == (
        "mltest-notebook-sync: converted notebooks/train.ipynb -> src/train.py (12 cells); review and stage it\n"
    )
    assert "EXTRA = 1" in module.read_text()
    assert notebook_sync.main(["src/train.py"]) == 0
    (repo / "notebooks" / "train.ipynb").unlink()
    assert notebook_sync.main(["src/train.py"]) == 1
    assert capsys.readouterr().out == (
        "mltest-notebook-sync: src/train.py: its notebook notebooks/train.ipynb does not exist "
        "(renamed or deleted?): convert the notebook under its new name and delete src/train.py, or delete the module\n"
    )


# --- manifest -----------------------------------------------------------------------------------


def test_the_manifest_is_valid_and_each_hook_is_a_module_with_main() -> None:
    import importlib

    import yaml

    subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"], cwd=ROOT, check=True
    )
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in manifest] == [
        "mltest-notebook-sync",
        "mltest-strip-notebooks",
        "mltest-data-guard",
        "mltest-validate-data",
    ]
    for hook in manifest:
        assert hook["entry"].startswith("python -m mltest.hooks.")
        name = hook["entry"].split()[-1]
        assert callable(importlib.import_module(name).main)
        source = (ROOT / "hooks" / (name.rsplit(".", 1)[1] + ".py")).read_text()
        assert source.rstrip().endswith("raise SystemExit(main())")
