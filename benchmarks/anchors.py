"""Anchor libraries that cannot share this repository's environment get a virtual environment of their own.

``anchor_python("evidently", ["evidently>=0.7,<0.8", "pandas<3"])`` returns the Python of
``.venv/anchors/evidently``, made once with uv from this environment (the package registry is
the only thing reached). Used by benchmarks/drift.py and benchmarks/cbpe_nannyml.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def anchor_python(name: str, requirements: list[str]) -> Path:
    venv = ROOT / ".venv" / "anchors" / name
    python = venv / "bin" / "python"
    marker = venv / ".requirements"
    wanted = "\n".join(requirements)
    if not python.exists() or not marker.exists() or marker.read_text() != wanted:
        uv = Path(sys.executable).parent / "uv"
        subprocess.run([uv, "venv", "--quiet", "--allow-existing", "--python", sys.executable, venv], check=True)
        subprocess.run([uv, "pip", "install", "--quiet", "--python", python, *requirements], check=True)
        marker.write_text(wanted)
    return python
