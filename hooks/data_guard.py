"""pre-commit hook ``mltest-data-guard``: data and models go to DVC, not git.

Unlike ``check-added-large-files``, it looks at every staged file, added OR modified, and it
knows DVC. A staged file is blocked when:

* DVC already tracks it (a ``.dvc`` file, or an ``outs``/``metrics``/``plots`` entry of a stage
  in a ``dvc.yaml``) - it reached git by mistake, for example with ``git add -f``;
* it is a model file (``.pkl``, ``.joblib``, ``.pt``, ``.onnx``, ``.safetensors``, ...), any size;
* it is a data file (``.csv``, ``.parquet``, ``.npy``, ...) larger than ``--max-sample-kb``
  (100 KB): smaller ones are samples, which belong in git next to their schema;
* it is larger than ``--max-kb`` (500 KB, as check-added-large-files), whatever it is.

``--allow GLOB`` lets a path through (repeatable; pre-commit's ``exclude`` works too). The
message says which ``git rm --cached`` and ``dvc add`` to run.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import posixpath
import shlex
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mltest.hooks import _argv

from mltest._cli_boundary import run

__all__ = ["DATA_EXTENSIONS", "MODEL_EXTENSIONS", "Finding", "check_file", "dvc_tracked", "main"]

MODEL_EXTENSIONS = {
    ".pkl", ".pickle", ".joblib", ".pt", ".pth", ".ckpt", ".onnx", ".safetensors", ".h5", ".hdf5", ".keras",
    ".pb", ".tflite", ".mlmodel", ".cbm", ".xgb", ".lgb", ".gguf", ".sav",
}  # fmt: skip
DATA_EXTENSIONS = {
    ".csv", ".tsv", ".parquet", ".feather", ".arrow", ".orc", ".avro", ".npy", ".npz", ".jsonl", ".ndjson",
    ".xlsx", ".xls", ".sqlite", ".db", ".tfrecord", ".zarr", ".nc", ".mat", ".dta", ".sas7bdat",
}  # fmt: skip


@dataclass
class Finding:
    """Why ``path`` is blocked; ``action`` is ``"dvc add"`` or ``"untrack"`` (DVC already tracks it)."""

    path: str
    reason: str
    action: str


def _entries(values: Any) -> Iterable[str]:
    """Cached paths of a dvc.yaml ``outs``/``metrics``/``plots`` list (strings or one-key mappings).

    An entry with ``cache: false`` is left to git on purpose (metrics files usually are).
    """
    for value in values or []:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, options in value.items():
                if isinstance(key, str) and not (isinstance(options, dict) and options.get("cache") is False):
                    yield key


def dvc_tracked(files: dict[str, str]) -> dict[str, str]:
    """Paths DVC tracks, from ``{path of a .dvc file or dvc.yaml: its text}``, each with where it is declared."""
    import yaml

    tracked: dict[str, str] = {}
    for name, text in files.items():
        folder = posixpath.dirname(name)
        try:
            document = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            continue
        if not isinstance(document, dict):
            continue
        if name.endswith(".dvc"):
            for out in document.get("outs") or []:
                if isinstance(out, dict) and isinstance(out.get("path"), str) and out.get("cache") is not False:
                    tracked[posixpath.normpath(posixpath.join(folder, out["path"]))] = name
            continue
        for stage_name, stage in (document.get("stages") or {}).items():
            if not isinstance(stage, dict):
                continue
            base = posixpath.join(folder, str(stage.get("wdir", ".")))
            for key in ("outs", "metrics", "plots"):
                for path in _entries(stage.get(key)):
                    if "${" not in path:
                        tracked[posixpath.normpath(posixpath.join(base, path))] = f"stage {stage_name!r} of {name}"
    return tracked


def _declared(path: str, tracked: dict[str, str]) -> str | None:
    for out, where in tracked.items():
        if path == out or path.startswith(out.rstrip("/") + "/"):
            return where
    return None


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def check_file(
    path: str,
    size: int,
    *,
    tracked: dict[str, str] | None = None,
    max_kb: int = 500,
    max_sample_kb: int = 100,
    allow: Sequence[str] = (),
) -> Finding | None:
    """Why the staged file ``path`` of ``size`` bytes must not be committed, or None when it may."""
    path = posixpath.normpath(path.replace(os.sep, "/"))
    if any(fnmatch.fnmatch(path, pattern) for pattern in allow):
        return None
    where = _declared(path, tracked or {})
    if where is not None:
        return Finding(path, f"already tracked by DVC ({where})", "untrack")
    suffix = posixpath.splitext(path)[1].lower()
    if suffix in MODEL_EXTENSIONS:
        return Finding(path, f"model file ({suffix}, {_size(size)})", "dvc add")
    if suffix in DATA_EXTENSIONS and size > max_sample_kb * 1024:
        return Finding(path, f"data file ({suffix}, {_size(size)} > {max_sample_kb} KB allowed for samples)", "dvc add")
    if size > max_kb * 1024:
        return Finding(path, f"large file ({_size(size)} > {max_kb} KB)", "dvc add")
    return None


def _dvc_files() -> dict[str, str]:
    """The ``.dvc`` files and ``dvc.yaml`` files of the repository (tracked, staged or new)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "*.dvc", "*dvc.yaml"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\0")
    except (OSError, subprocess.CalledProcessError):
        return {}
    found = {}
    for name in dict.fromkeys(listed):
        if name and (name.endswith(".dvc") or posixpath.basename(name) == "dvc.yaml") and Path(name).is_file():
            found[name] = Path(name).read_text(encoding="utf-8", errors="replace")
    return found


def report(findings: Sequence[Finding]) -> str:
    """The message for the blocked files, with the commands that fix them."""
    quoted = [shlex.quote(f.path) for f in findings]
    end = ["--"] if any(f.path.startswith("-") for f in findings) else []  # a file named like an option
    lines = [f"mltest-data-guard: {len(findings)} file(s) belong in DVC, not in git:"]
    lines += [f"  {f.path}: {f.reason}" for f in findings]
    lines += ["Run:", f"  git rm --cached -q {' '.join([*end, *quoted])}"]
    to_add = [shlex.quote(f.path) for f in findings if f.action == "dvc add"]
    if to_add:
        ignores = dict.fromkeys(
            posixpath.join(posixpath.dirname(f.path), ".gitignore") for f in findings if f.action == "dvc add"
        )
        lines.append(f"  dvc add {' '.join([*end, *to_add])}")
        lines.append(f"  git add {' '.join([*end, *(q + '.dvc' for q in to_add), *map(shlex.quote, ignores)])}")
    if len(to_add) < len(findings):
        lines.append("  (files DVC already tracks need no dvc add: `dvc commit` or `dvc repro` records them)")
    lines.append("A small file that belongs in git: allow it with `args: [--allow, 'path/glob']` in the hook config.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mltest-data-guard", description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("files", nargs="*", help="staged files")
    parser.add_argument("--max-kb", type=int, default=500, help="largest file of any kind (default 500)")
    parser.add_argument(
        "--max-sample-kb", type=int, default=100, help="largest data file (.csv, .parquet, ...) allowed in git"
    )
    parser.add_argument("--allow", action="append", default=[], metavar="GLOB", help="paths that may be committed")
    args = _argv.parse(parser, argv)
    return run("mltest-data-guard", lambda: _guard(args))


def _guard(args: argparse.Namespace) -> int:
    tracked = dvc_tracked(_dvc_files())
    findings = []
    for name in args.files:
        if not os.path.isfile(name):
            continue
        finding = check_file(
            name,
            os.path.getsize(name),
            tracked=tracked,
            max_kb=args.max_kb,
            max_sample_kb=args.max_sample_kb,
            allow=args.allow,
        )
        if finding is not None:
            findings.append(finding)
    if findings:
        print(report(findings))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
