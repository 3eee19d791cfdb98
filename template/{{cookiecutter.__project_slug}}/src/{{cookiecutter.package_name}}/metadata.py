"""What is known about a trained model: when it was trained and which version it is.

The `train` stage writes it next to the model, as `models/model.joblib.meta.json`:

    {"trained_at": "2026-12-04T10:00:00Z", "version": "3f2a9c1b7d4e", "sha256": "...",
     "dvc_md5": "...", "git_commit": "...", "git_dirty": false, "package_version": "0.1.0"}

`version` is the first 12 hex digits of the model file's SHA-256 (what `/health` and the
prediction logs call the model); `dvc_md5` is the hash DVC records for it in dvc.lock;
`git_commit` is the commit the code was at (`git_dirty`: with uncommitted changes). The file is
kept in git (`cache: false` in dvc.yaml), so the model's age is known wherever the repository
is, and `mltest.assert_model_fresh` reads `trained_at` from it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }} import __version__


def metadata_path(model_path: Path | str) -> Path:
    """Where the metadata of `model_path` is: the same name with `.meta.json` added."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.name + ".meta.json")


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except OSError:  # no git on this machine
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def describe(model_path: Path | str) -> dict[str, Any]:
    """The metadata of the model file at `model_path`, trained now."""
    content = Path(model_path).read_bytes()
    sha256 = hashlib.sha256(content).hexdigest()
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "version": sha256[:12],
        "sha256": sha256,
        "dvc_md5": hashlib.md5(content, usedforsecurity=False).hexdigest(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": None if status is None else bool(status),
        "package_version": __version__,
    }


def write_metadata(model_path: Path | str) -> Path:
    """Describe the model file at `model_path` in its metadata file; return that file's path."""
    path = metadata_path(model_path)
    text = json.dumps(describe(model_path), indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def read_metadata(model_path: Path | str, sha256: str | None = None) -> dict[str, Any]:
    """The metadata of `model_path`, or {} when it has none (a model not made by `train`), or
    when it describes another file than the one whose SHA-256 is `sha256` (when given)."""
    path = metadata_path(model_path)
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(loaded, dict) or (sha256 is not None and loaded.get("sha256") != sha256):
        return {}
    return loaded


def model_version(model_path: Path | str) -> str:
    """What the service and the logs call the model: MODEL_VERSION from the environment (the
    Docker image sets it to the release tag), else the first 12 hex digits of its SHA-256."""
    version = os.environ.get("MODEL_VERSION")
    return version or hashlib.sha256(Path(model_path).read_bytes()).hexdigest()[:12]
