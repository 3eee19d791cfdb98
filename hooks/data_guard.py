"""pre-commit hook ``mltest-data-guard``: data and models go to DVC, not git.

Unlike ``check-added-large-files``, it looks at every staged file, added OR modified, and it
knows DVC (see ``_dvc``: ``.dvc`` files, ``dvc.yaml`` stages with ``${...}``, ``foreach`` and
``matrix``, ``dvc.lock``, the cache's folder manifests). A staged file is blocked when:

* DVC already tracks it: it is, or is inside, an output of a ``.dvc`` file or a stage (it reached
  git by mistake, for example with ``git add -f``). A stage output is never told to ``dvc add``
  (DVC refuses that): ``dvc commit`` or ``dvc repro`` records it;
* it is a copy of data DVC tracks, wherever it is: its md5 is one that DVC recorded;
* it is a model file, any size: by suffix (``.pkl``, ``.pkl.gz``, ``.pt``, ``.bin``, ``.model``,
  ``.msgpack``, ``.ubj``, ...) or, when the suffix says nothing, by content (a pickle, a zip);
* it is a data file (``.csv``, ``.csv.gz``, ``.parquet``, ``.pq``, ..., or a table of text without a
  suffix) larger than ``--max-sample-kb`` (100 KB): smaller ones are samples, which belong in git;
* it is larger than ``--max-kb`` (500 KB, as check-added-large-files), whatever it is.

An output a stage keeps in git with ``cache: false`` is judged like any file, and the advice
is to remove ``cache: false``. Then the staged files that pass must not add up to more than
``--max-total-kb`` (2048 KB) in one commit. ``--allow GLOB`` lets a path through (repeatable;
pre-commit's ``exclude`` works too). A ``.dvc``, ``dvc.yaml`` or ``dvc.lock`` file that cannot be
read stops the hook with one line: without it the guard cannot tell what DVC tracks.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import posixpath
import shlex
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mltest.hooks import _argv, _dvc, _kinds
from mltest.hooks._kinds import DATA_SUFFIXES, MODEL_SUFFIXES

from mltest._cli_boundary import run

__all__ = ["DATA_SUFFIXES", "MODEL_SUFFIXES", "Finding", "check_file", "main", "report"]

PROGRAM = "mltest-data-guard"
_HEAD_BYTES = 65536


@dataclass
class Finding:
    """Why ``path`` is blocked.

    ``action`` is ``"dvc add"``, ``"untrack"`` (DVC already tracks it), ``"copy"`` (a copy of
    tracked data) or ``"stage"`` (a stage output kept in git with ``cache: false``).
    """

    path: str
    reason: str
    action: str


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def _head(path: str, head: bytes | None) -> bytes:
    if head is not None:
        return head
    try:
        with open(path, "rb") as file:
            return file.read(_HEAD_BYTES)
    except OSError:
        return b""


def _by_kind(path: str, size: int, head: bytes | None, *, max_kb: int, max_sample_kb: int) -> str | None:
    """Why ``path`` is blocked by what it is and its size, or None."""
    found = _kinds.kind(path, b"" if _kinds.kind(path) else _head(path, head))
    if found is not None and found[0] == "model":
        return f"model file ({found[1]}, {_size(size)})"
    if found is not None and size > max_sample_kb * 1024:
        return f"data file ({found[1]}, {_size(size)} > {max_sample_kb} KB allowed for samples)"
    if size > max_kb * 1024:
        return f"large file ({_size(size)} > {max_kb} KB)"
    return None


def check_file(
    path: str,
    size: int,
    *,
    index: _dvc.Index | None = None,
    md5s: Sequence[str] = (),
    head: bytes | None = None,
    max_kb: int = 500,
    max_sample_kb: int = 100,
    allow: Sequence[str] = (),
) -> Finding | None:
    """Why the staged file ``path`` of ``size`` bytes must not be committed, or None when it may.

    ``md5s`` are the file's md5 as DVC computes them (to find copies of tracked data); ``head``
    its first bytes (read from ``path`` when needed and not given).
    """
    path = posixpath.normpath(path.replace(os.sep, "/"))
    if any(fnmatch.fnmatch(path, pattern) for pattern in allow):
        return None
    index = index or _dvc.Index()
    output = index.declared(path)
    if output is not None and output.cache:
        return Finding(path, f"already tracked by DVC ({output.where})", "untrack")
    if output is not None:
        reason = _by_kind(path, size, head, max_kb=max_kb, max_sample_kb=max_sample_kb)
        if reason is None:
            return None
        return Finding(path, f"{reason}, written by {output.where} with cache: false", "stage")
    for md5 in md5s:
        if md5 in index.hashes:
            original, where = index.hashes[md5]
            return Finding(path, f"a copy of {original}, which DVC tracks ({where})", "copy")
    reason = _by_kind(path, size, head, max_kb=max_kb, max_sample_kb=max_sample_kb)
    return Finding(path, reason, "dvc add") if reason is not None else None


def report(findings: Sequence[Finding]) -> str:
    """The message for the blocked files, with the commands that fix them."""
    end = ["--"] if any(f.path.startswith("-") for f in findings) else []  # a file named like an option
    quoted = [shlex.quote(f.path) for f in findings]
    lines = [f"{PROGRAM}: {len(findings)} file(s) belong in DVC, not in git:"]
    lines += [f"  {f.path}: {f.reason}" for f in findings]
    lines += ["Run:", f"  git rm --cached -q {' '.join([*end, *quoted])}"]
    to_add = [f for f in findings if f.action == "dvc add"]
    if to_add:
        added = [shlex.quote(f.path) for f in to_add]
        ignores = dict.fromkeys(shlex.quote(posixpath.join(posixpath.dirname(f.path), ".gitignore")) for f in to_add)
        lines.append(f"  dvc add {' '.join([*end, *added])}")
        lines.append(f"  git add {' '.join([*end, *(q + '.dvc' for q in added), *ignores])}")
    actions = {f.action for f in findings}
    if "untrack" in actions:
        lines.append("  (files DVC already tracks need no dvc add: `dvc commit` or `dvc repro` records them)")
    if "copy" in actions:
        lines.append(
            "  (a copy of data DVC tracks: read the tracked file instead, or `dvc add` the copy if it must differ)"
        )
    if "stage" in actions:
        lines.append(
            "  (a stage output kept in git with cache: false: remove `cache: false` from it in dvc.yaml, "
            "then `dvc commit`)"
        )
    lines.append("A small file that belongs in git: allow it with `args: [--allow, 'path/glob']` in the hook config.")
    return "\n".join(lines)


def _staged() -> set[str]:
    """Files added or modified in the index (relative to here); empty outside git or with nothing staged."""
    try:
        listed = subprocess.run(
            ["git", "diff", "--cached", "--name-only", "--relative", "--diff-filter=ACM", "-z"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {posixpath.normpath(name) for name in listed.split("\0") if name}


def _total(sizes: dict[str, int], max_total_kb: int) -> str | None:
    """The message when the files of ``{path: size}`` add up to more than ``max_total_kb``."""
    total = sum(sizes.values())
    if total <= max_total_kb * 1024:
        return None
    largest = sorted(sizes.items(), key=lambda item: (-item[1], item[0]))[:5]
    return "\n".join(
        [
            f"{PROGRAM}: the staged files add up to {_size(total)} > {max_total_kb} KB allowed for one commit "
            "(--max-total-kb); the largest:",
            *(f"  {path}: {_size(size)}" for path, size in largest),
            "Commit them in smaller parts, track the large ones with DVC, or raise --max-total-kb.",
        ]
    )


def _guard(args: argparse.Namespace) -> int:
    index = _dvc.read_index(_dvc.dvc_files(), read=lambda name: _dvc.read_text(Path(name)))
    index.load_manifests(Path())
    findings, passed = [], {}
    for name in args.files:
        if not os.path.isfile(name) or os.path.islink(name):
            continue
        size = os.path.getsize(name)
        md5s = []
        if index.might_be_copy(size):
            md5s = [_dvc.md5_of(Path(name))] + ([_dvc.md5_of(Path(name), legacy=True)] if index.legacy else [])
        options = {"max_kb": args.max_kb, "max_sample_kb": args.max_sample_kb, "allow": args.allow}
        finding = check_file(name, size, index=index, md5s=md5s, **options)
        if finding is not None:
            findings.append(finding)
        elif not any(fnmatch.fnmatch(posixpath.normpath(name), pattern) for pattern in args.allow):
            passed[posixpath.normpath(name)] = size
    staged = _staged()
    too_large = _total({name: size for name, size in passed.items() if name in staged}, args.max_total_kb)
    if findings:
        print(report(findings))
    if too_large:
        print(too_large)
    return 1 if findings or too_large else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROGRAM, description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("files", nargs="*", help="staged files")
    parser.add_argument("--max-kb", type=int, default=500, help="largest file of any kind (default 500)")
    parser.add_argument(
        "--max-sample-kb", type=int, default=100, help="largest data file (.csv, .parquet, ...) allowed in git"
    )
    parser.add_argument(
        "--max-total-kb", type=int, default=2048, help="largest total of the staged files of one commit (default 2048)"
    )
    parser.add_argument("--allow", action="append", default=[], metavar="GLOB", help="paths that may be committed")
    args = _argv.parse(parser, argv)
    return run(PROGRAM, lambda: _guard(args))


if __name__ == "__main__":
    raise SystemExit(main())
