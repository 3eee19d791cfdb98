"""pre-commit hook ``mltest-notebook-sync``: converted modules stay in sync with their notebooks.

It takes the staged notebooks and Python files. A notebook is checked against its module
(``--out-dir`` or ``--to``-less mapping of ``mltest convert``); a Python module with an
``mltest convert`` header is checked against the notebook its header names, so editing the
module by hand is caught as well. Notebooks that were never converted are left alone unless
``--require``. Only JSON and hashes are read: nbconvert is not imported.

With ``--fix``, out-of-date modules are converted again (a module edited by hand never is), and
the hook fails so that the new module can be reviewed and staged, as pre-commit expects.
"""

from __future__ import annotations

import argparse
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from mltest.hooks import _argv

from mltest._cli_boundary import Boundary
from mltest.notebooks._sync import HEADER_LINE, SyncStatus, check, orphan, orphans, source_of

__all__ = ["main", "statuses"]

PROGRAM = "mltest-notebook-sync"


def _targets(files: Sequence[str]) -> dict[Path, Path | None]:
    """Each notebook to check, with its module when a module named it (else None: the mapping decides)."""
    targets: dict[Path, Path | None] = {}
    for name in files:
        path = Path(name)
        if path.suffix == ".ipynb":
            targets.setdefault(path, None)
        elif path.suffix == ".py" and path.is_file():
            notebook = source_of(path)
            if notebook is not None:
                targets[notebook] = path
    return targets


def _converted_modules() -> list[Path]:
    """Every module of the repository with an ``mltest convert`` header (``git grep``; none outside git)."""
    try:
        listed = subprocess.run(
            ["git", "grep", "-l", "-z", "-F", "-e", HEADER_LINE, "--", "*.py"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    except OSError:
        return []
    return [Path(name) for name in listed.split("\0") if name]


def statuses(files: Sequence[str], *, out_dir: Path | None = None) -> list[SyncStatus]:
    """The sync status of every notebook named by ``files`` (notebooks or converted modules).

    Then every converted module of the repository whose notebook is gone (renamed or deleted),
    so a commit that only deletes a notebook is caught too.
    """
    result = []
    for notebook, module in _targets(files).items():
        if not notebook.exists():
            if module is not None:
                result.append(orphan(module, notebook))
            else:
                result.append(SyncStatus(notebook, notebook, "orphan", f"{notebook}: no such notebook"))
            continue
        result.append(check(notebook, to=module, out_dir=out_dir))
    seen = {os.path.normpath(status.module) for status in result}
    others = [m for m in _converted_modules() if os.path.normpath(m) not in seen]
    return result + orphans(others)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mltest-notebook-sync", description=__doc__.splitlines()[0], allow_abbrev=False
    )
    parser.add_argument("files", nargs="*", help="staged notebooks and Python files")
    parser.add_argument("--out-dir", type=Path, help="folder of the converted modules (default: next to each notebook)")
    parser.add_argument("--require", action="store_true", help="every notebook must have a converted module")
    parser.add_argument("--fix", action="store_true", help="convert out-of-date notebooks again (then fail)")
    args = _argv.parse(parser, argv)
    errors = Boundary(PROGRAM)
    found: list[SyncStatus] = []
    with errors.item():
        found = statuses(args.files, out_dir=args.out_dir)
    problems = [s for s in found if not s.ok and (s.state != "missing" or args.require)]
    for status in problems:
        if args.fix and status.state in ("stale", "missing"):
            from mltest.notebooks._convert import convert_notebook

            with errors.item():
                converted = convert_notebook(status.notebook, to=status.module)
                print(f"{PROGRAM}: {converted.message}; review and stage it")
        else:
            print(f"{PROGRAM}: {status.message}")
    return 1 if problems or errors.count else 0


if __name__ == "__main__":
    raise SystemExit(main())
