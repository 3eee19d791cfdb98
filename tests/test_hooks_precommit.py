"""The hooks through real ``pre-commit try-repo`` on this checkout, in real git repositories.

``try-repo`` clones the committed HEAD of this repository (offline: a local path) and builds
the hooks' virtualenv in a temporary store of its own, so each run costs one ``pip install``
of pytest-mltest (tens of seconds). That is why there are only two runs, started together:
one repository where every hook must pass, one where every hook must fail and name exactly
the files it should.
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
from conftest import GERMAN_CREDIT, ROOT
from mltest.hooks.strip_notebooks import dumps, strip

from mltest.notebooks import convert_notebook

# One worker builds the module's projects once (pytest-xdist --dist loadgroup).
pytestmark = pytest.mark.xdist_group("hooks-precommit")
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def _head() -> str:
    try:
        return _git(ROOT, "rev-parse", "HEAD").strip()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("this checkout is not a git repository")


def _project(repo: Path) -> None:
    """A small ML repository in the state every hook accepts."""
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "notebooks").mkdir()
    (repo / "data").mkdir()
    notebook = json.loads((ROOT / "tests" / "notebooks" / "credit_risk_tutorial.ipynb").read_text())
    (repo / "notebooks" / "train.ipynb").write_text(dumps(strip(notebook)), encoding="utf-8")
    convert_notebook(repo / "notebooks" / "train.ipynb", out_dir=repo / "src")
    lines = GERMAN_CREDIT.read_text().splitlines(keepends=True)
    (repo / "data" / "sample.csv").write_text("".join(lines[:51]))
    shutil.copy(ROOT / "examples" / "german_credit.schema.yaml", repo / "data" / "sample.schema.yaml")
    (repo / "data" / "raw.csv.dvc").write_text("outs:\n- md5: 0123\n  size: 10\n  path: raw.csv\n")
    (repo / "dvc.yaml").write_text(
        "stages:\n  train:\n    cmd: python -m src.train\n    deps: [data/raw.csv]\n"
        "    outs: [models]\n    metrics:\n    - metrics.json:\n        cache: false\n"
    )
    (repo / "metrics.json").write_text('{"accuracy": 0.75}\n')


def _break(repo: Path) -> None:
    """Something for every hook to block."""
    path = repo / "notebooks" / "train.ipynb"
    notebook = json.loads(path.read_text())
    notebook["cells"][2]["source"] = "".join(notebook["cells"][2]["source"]).replace("42", "7")
    notebook["cells"][3]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["(1000, 10)\n"]}]
    path.write_text(json.dumps(notebook, indent=1))
    lines = GERMAN_CREDIT.read_text().splitlines(keepends=True)
    (repo / "data" / "train.csv").write_text("".join(lines + lines[1:] * 2))  # 3,000 rows: not a sample
    (repo / "data" / "sample.csv").write_text("".join(lines[:51]).replace(",male,", ",mail,", 1))
    (repo / "data" / "raw.csv").write_text("1,2\n")
    (repo / "models").mkdir()
    (repo / "models" / "model.joblib").write_bytes(b"\x80\x04")
    (repo / "model.pkl").write_bytes(b"\x80\x04")


def _start(repo: Path, ref: str) -> subprocess.Popen[str]:
    _git(repo, "add", "-A", "-f")
    env = {**os.environ, "PRE_COMMIT_COLOR": "never", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_COMPILE": "1"}
    command = [*PRE_COMMIT, "try-repo", str(ROOT), "--ref", ref, "--all-files"]
    return subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    ref = _head()
    base = tmp_path_factory.mktemp("try-repo")
    _project(base / "good")
    _project(base / "bad")
    _break(base / "bad")
    processes = {name: _start(base / name, ref) for name in ("good", "bad")}
    results = {}
    for name, process in processes.items():
        output, _ = process.communicate()
        results[name] = (process.returncode, output)
    return results


def _section(output: str, title: str) -> str:
    """The lines pre-commit printed for one hook, from its title line to the next hook's."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].rstrip().endswith(("Passed", "Failed"))), len(lines)
    )
    return "\n".join(lines[start:end])


TITLES = {
    "mltest-data-guard": "data and model files go to DVC, not git",
    "mltest-notebook-sync": "notebooks and their converted modules are in sync",
    "mltest-strip-notebooks": "strip notebook outputs and session metadata",
    "mltest-validate-data": "data samples match their schema",
}


def test_every_hook_passes_a_clean_repository(runs: dict[str, tuple[int, str]]) -> None:
    code, output = runs["good"]
    for title in TITLES.values():
        assert _section(output, title).split("\n")[0].endswith("Passed"), output
    assert code == 0, output


def test_the_data_guard_blocks_data_and_models_outside_dvc(runs: dict[str, tuple[int, str]]) -> None:
    section = _section(runs["bad"][1], TITLES["mltest-data-guard"])
    assert section.split("\n")[0].endswith("Failed")
    assert "mltest-data-guard: 4 file(s) belong in DVC, not in git:" in section
    assert "  data/raw.csv: already tracked by DVC (data/raw.csv.dvc)" in section
    assert "  models/model.joblib: already tracked by DVC (stage 'train' of dvc.yaml)" in section
    assert re.search(r"^  data/train\.csv: data file \(\.csv, 1\d\d KB > 100 KB allowed for samples\)$", section, re.M)
    assert "  model.pkl: model file (.pkl, 2 bytes)" in section
    assert "  dvc add data/train.csv model.pkl" in section
    for allowed in ("sample.csv", "metrics.json", "train.ipynb", "src/train.py"):
        assert allowed not in section


def test_the_sync_hook_names_the_stale_module(runs: dict[str, tuple[int, str]]) -> None:
    section = _section(runs["bad"][1], TITLES["mltest-notebook-sync"])
    assert section.split("\n")[0].endswith("Failed")
    assert (
        "mltest-notebook-sync: src/train.py is out of date with notebooks/train.ipynb: "
        "run `mltest convert notebooks/train.ipynb --to src/train.py`"
    ) in section


def test_the_strip_hook_strips_and_fails(runs: dict[str, tuple[int, str]]) -> None:
    section = _section(runs["bad"][1], TITLES["mltest-strip-notebooks"])
    assert section.split("\n")[0].endswith("Failed")
    assert "mltest-strip-notebooks: stripped outputs and metadata from notebooks/train.ipynb" in section
    assert "- files were modified by this hook" in section


def test_the_validation_hook_shows_the_failing_value(runs: dict[str, tuple[int, str]]) -> None:
    section = _section(runs["bad"][1], TITLES["mltest-validate-data"])
    assert section.split("\n")[0].endswith("Failed")
    assert "mltest-validate-data: data/sample.csv does not match data/sample.schema.yaml:" in section
    assert "column 'sex'" in section and "'mail'" in section
    assert "train.csv" not in section  # no schema next to it: not checked
    assert runs["bad"][0] == 1
