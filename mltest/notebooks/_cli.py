"""``mltest convert NOTEBOOK... [--to PATH | --out-dir DIR] [--check] [--force]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mltest._cli_boundary import Boundary

__all__ = ["add_parser", "run"]

PROGRAM = "mltest convert"


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``mltest convert`` on the main parser."""
    parser = commands.add_parser(
        "convert",
        help="convert notebooks into importable modules, or check that they are in sync",
        description=(
            "Convert the exported cells of notebooks (tag 'export' or nbdev's '#| export'; all code cells when "
            "none is marked) into clean modules: IPython syntax rewritten, display-only lines dropped, imports "
            "hoisted, script code under main(). With --check, only report modules that are out of date."
        ),
    )
    parser.add_argument(
        "notebooks", nargs="+", type=Path, metavar="NOTEBOOK", help="the .ipynb files, or folders holding them"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--to", type=Path, metavar="PATH", help="the module file (one notebook only)")
    where.add_argument(
        "--out-dir", type=Path, metavar="DIR", help="folder of the modules (default: next to each notebook)"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if a module is out of date, without writing (fast: no nbconvert)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite modules edited by hand after conversion")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only warnings and problems")
    parser.set_defaults(func=run)


def _expand(paths: list[Path]) -> list[Path]:
    """Notebooks named, and the notebooks inside folders named (not Jupyter's checkpoints)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        else:
            found.append(path)
    return found


def run(args: argparse.Namespace) -> int:
    args.notebooks = _expand(args.notebooks)
    if args.to is not None and len(args.notebooks) != 1:
        from mltest.errors import invalid_argument

        raise invalid_argument("--to", str(args.to), "a single notebook (use --out-dir for several)")
    if args.check:
        return _check(args)
    from mltest.notebooks._convert import convert_notebook

    errors = Boundary(PROGRAM)
    for notebook in args.notebooks:
        with errors.item():
            result = convert_notebook(notebook, to=args.to, out_dir=args.out_dir, force=args.force)
            for warning in result.warnings:
                print(f"{PROGRAM}: warning: {warning}", file=sys.stderr)
            if result.state == "skipped":
                print(f"{PROGRAM}: {result.message}", file=sys.stderr)
            elif not args.quiet:
                print(result.message)
    return 1 if errors.count else 0


def _check(args: argparse.Namespace) -> int:
    from mltest.notebooks._sync import check, orphans

    errors = Boundary(PROGRAM)
    problems = 0
    for notebook in args.notebooks:
        with errors.item():
            status = check(notebook, to=args.to, out_dir=args.out_dir)
            problems += not status.ok
            if not status.ok or not args.quiet:
                print(status.message)
    if args.out_dir is not None and args.out_dir.is_dir():  # modules whose notebook was renamed or deleted
        for status in orphans(sorted(args.out_dir.rglob("*.py"))):
            problems += 1
            print(status.message)
    return 1 if problems or errors.count else 0
