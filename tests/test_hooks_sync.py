"""Renamed or deleted notebooks leave no orphan module unflagged (the sync hook and ``convert --check``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from mltest.hooks import notebook_sync

from mltest.cli import main as cli_main
from mltest.notebooks import convert_notebook

NOTEBOOK = ROOT / "tests" / "notebooks" / "credit_risk_tutorial.ipynb"
COMMIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """notebooks/train.ipynb converted to src/train.py, committed."""
    _git(tmp_path, "init", "-q")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, tmp_path / "notebooks" / "train.ipynb")
    convert_notebook(Path("notebooks/train.ipynb"), out_dir=Path("src"))
    _git(tmp_path, "add", "-A")
    _git(tmp_path, *COMMIT[1:])
    return tmp_path


ORPHAN = (
    "mltest-notebook-sync: src/train.py: its notebook notebooks/train.ipynb does not exist (renamed or deleted?): "
    "convert the notebook under its new name and delete src/train.py, or delete the module\n"
)


def test_a_renamed_notebook_flags_the_old_module(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _git(repo, "mv", "notebooks/train.ipynb", "notebooks/training.ipynb")
    assert notebook_sync.main(["--out-dir", "src", "notebooks/training.ipynb"]) == 1
    assert capsys.readouterr().out == ORPHAN
    assert cli_main(["convert", "-q", "notebooks/training.ipynb", "--out-dir", "src"]) == 0
    _git(repo, "rm", "-q", "src/train.py")
    _git(repo, "add", "-A")
    assert notebook_sync.main(["--out-dir", "src", "notebooks/training.ipynb", "src/training.py"]) == 0


def test_a_deleted_notebook_flags_its_module_with_no_file_staged(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _git(repo, "rm", "-q", "notebooks/train.ipynb")
    assert notebook_sync.main(["--out-dir", "src"]) == 1
    assert capsys.readouterr().out == ORPHAN


def test_convert_check_flags_orphans_in_the_output_folder(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(NOTEBOOK, repo / "notebooks" / "other.ipynb")
    assert cli_main(["convert", "-q", "notebooks", "--out-dir", "src"]) == 0
    (repo / "notebooks" / "train.ipynb").unlink()
    assert cli_main(["convert", "--check", "-q", "notebooks", "--out-dir", "src"]) == 1
    assert capsys.readouterr().out == ORPHAN.removeprefix("mltest-notebook-sync: ")


def test_a_deletion_only_commit_runs_the_hook_through_pre_commit(repo: Path) -> None:
    """The manifest's always_run: pre-commit runs the sync hook even when no notebook or module is staged."""
    manifest = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = manifest["mltest-notebook-sync"]
    assert hook.get("always_run") is True
    config = {
        "repos": [
            {
                "repo": "local",
                "hooks": [
                    {
                        **hook,
                        "entry": f"{sys.executable} -m mltest.hooks.notebook_sync --out-dir src",
                        "language": "system",
                    }
                ],
            }
        ]
    }
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    _git(repo, "rm", "-q", "notebooks/train.ipynb")
    _git(repo, "add", ".pre-commit-config.yaml")
    env = {**os.environ, "PRE_COMMIT_COLOR": "never", "PRE_COMMIT_HOME": str(repo / ".cache")}
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1, result.stdout
    assert ORPHAN.strip() in result.stdout


def test_a_sample_renamed_csv_upper_case_or_pq_is_still_validated(repo: Path) -> None:
    """Through pre-commit with the manifest's own `files:` pattern: .CSV and .pq reach the hook and are checked."""
    import pandas

    manifest = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = {**manifest["mltest-validate-data"], "entry": f"{sys.executable} -m mltest.hooks.validate_data"}
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [{**hook, "language": "system"}]}]})
    )
    (repo / "data").mkdir()
    frame = pandas.read_csv(ROOT / "examples" / "data" / "german_credit.csv").head(30)
    frame.loc[3, "sex"] = "mail"
    frame.to_csv(repo / "data" / "upper.CSV", index=False)
    frame.to_parquet(repo / "data" / "short.pq")
    for name in ("upper", "short"):
        shutil.copy(ROOT / "examples" / "german_credit.schema.yaml", repo / "data" / f"{name}.schema.yaml")
    _git(repo, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_COLOR": "never", "PRE_COMMIT_HOME": str(repo / ".cache")}
    command = [sys.executable, "-m", "pre_commit", "run"]
    result = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    assert result.returncode == 1, result.stdout
    assert "mltest-validate-data: data/upper.CSV does not match data/upper.schema.yaml:" in result.stdout
    assert "mltest-validate-data: data/short.pq does not match data/short.schema.yaml:" in result.stdout
    assert "Traceback" not in result.stdout
