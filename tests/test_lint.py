"""The code base stays ruff-clean, so `make test` catches what `make lint` would."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

PATHS = ["mltest", "hooks", "tests", "benchmarks", "examples"]


def test_ruff_check_and_format() -> None:
    ruff = [sys.executable, "-m", "ruff"]
    check = subprocess.run([*ruff, "check", *PATHS], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    formatted = subprocess.run([*ruff, "format", "--check", *PATHS], cwd=ROOT, capture_output=True, text=True)
    assert formatted.returncode == 0, formatted.stdout
