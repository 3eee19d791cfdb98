"""Every file the command line writes goes through ``mltest._io.write_text``: atomic, mode kept, no symlink."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from conftest import ROOT

from mltest import _io
from mltest.cli import main

NOTEBOOK = ROOT / "tests" / "notebooks" / "credit_risk_tutorial.ipynb"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_file_gets_the_usual_mode_not_0600(tmp_path: Path, umask_022: None) -> None:
    _io.write_text(tmp_path / "new.txt", "x\n")
    assert (tmp_path / "new.txt").read_text() == "x\n"
    assert _mode(tmp_path / "new.txt") == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.txt"]


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "script.py"
    target.write_text("old\n")
    target.chmod(0o750)
    _io.write_text(target, "new\n")
    assert (target.read_text(), _mode(target)) == ("new\n", 0o750)


def test_a_symlink_is_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    link = tmp_path / "link.txt"
    link.symlink_to(outside)
    with pytest.raises(_io.UnsafeWrite) as caught:
        _io.write_text(link, "new\n")
    assert str(caught.value) == (
        f"{link} is a symbolic link (to {outside}): not written through it; write to the file itself, "
        "or remove the link"
    )
    assert outside.read_text() == "precious\n" and link.is_symlink()
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    with pytest.raises(_io.UnsafeWrite):
        _io.write_text(dangling, "new\n")
    assert not (tmp_path / "nowhere.txt").exists()


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "module.py"
    target.write_text("old\n")
    with pytest.raises(UnicodeEncodeError):
        _io.write_text(target, "bad \udc80 surrogate\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["module.py"]


def test_a_missing_folder_is_created(tmp_path: Path) -> None:
    _io.write_text(tmp_path / "a" / "b" / "c.txt", "x")
    assert (tmp_path / "a" / "b" / "c.txt").read_text() == "x"


def test_convert_writes_a_0644_module_and_keeps_a_chosen_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_022: None
) -> None:
    shutil.copy(NOTEBOOK, tmp_path / "train.ipynb")
    monkeypatch.chdir(tmp_path)
    assert main(["convert", "-q", "train.ipynb", "--to", "train.py"]) == 0
    assert _mode(tmp_path / "train.py") == 0o644
    (tmp_path / "train.py").chmod(0o755)
    (tmp_path / "train.ipynb").write_text(NOTEBOOK.read_text().replace("RANDOM_STATE = 42", "RANDOM_STATE = 7"))
    assert main(["convert", "-q", "train.ipynb", "--to", "train.py"]) == 0
    assert "RANDOM_STATE = 7" in (tmp_path / "train.py").read_text()
    assert _mode(tmp_path / "train.py") == 0o755


def test_convert_refuses_a_module_that_is_a_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(NOTEBOOK, tmp_path / "train.ipynb")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere.py").write_text("# not a module of this notebook\n")
    (tmp_path / "train.py").symlink_to(tmp_path / "elsewhere.py")
    assert main(["convert", "-q", "train.ipynb", "--to", "train.py", "--force"]) == 1
    assert capsys.readouterr().err == (
        f"mltest convert: error: train.py is a symbolic link (to {tmp_path / 'elsewhere.py'}): not written "
        "through it; write to the file itself, or remove the link\n"
    )
    assert (tmp_path / "elsewhere.py").read_text() == "# not a module of this notebook\n"
