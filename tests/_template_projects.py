"""What the template tests share: a copy of the template, one environment for generated projects, commands.

Speed: a generated project's Makefile takes `VENV=...`; every project of a test module uses one
environment whose site-packages point at this repository's .venv (a .pth file, see
examples/demo.py), so `make setup` installs only the project itself (and what .venv lacks, from
the package index). A real `make setup` creates the project's own .venv from the index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, shared_venv

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def copy_template(folder: Path) -> Path:
    """copier.yml and template/ in `folder` (a plain folder: Copier renders it as it is)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "copier.yml", folder / "copier.yml")
    shutil.copytree(ROOT / "template", folder / "template")
    return folder


def project_env(base: Path) -> dict[str, str]:
    """Environment variables for generated projects: `VENV` (shared, see above), git identity, no analytics."""
    venv = shared_venv(base / "venv")
    env = {
        **os.environ,
        **GIT_IDENTITY,
        "VENV": str(venv),
        "PATH": os.pathsep.join([str(venv / "bin"), str(Path(sys.executable).parent), os.environ["PATH"]]),
        "PRE_COMMIT_HOME": str(base / "pre-commit-home"),
        "DVC_NO_ANALYTICS": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # i.e. --no-build-isolation: setuptools is already there
    }
    for name in ("VIRTUAL_ENV", "MLTEST_SOURCE", "PYTHONPATH"):
        env.pop(name, None)
    return env


def run(command: list[str], cwd: Path, env: dict[str, str], *, ok: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if ok:
        assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


def python(env: dict[str, str]) -> str:
    """The shared environment's interpreter (generated packages are installed there)."""
    return str(Path(env["VENV"]) / "bin" / "python")


def make(target: str, project: Path, env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    return run(["make", target, f"VENV={env['VENV']}", *args], project, env, ok=ok)
