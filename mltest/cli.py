"""The ``mltest`` command line: ``mltest schema infer``, ``mltest convert``, ``mltest profile``, ``mltest drift``.

One error boundary (:mod:`mltest._cli_boundary`, shared with the hooks): an expected error
(:class:`~mltest.errors.MltestError`, a missing file) prints one line on stderr and exits 1; a bug
keeps its traceback.
Each subcommand lives in its own module under ``mltest/`` and registers itself below.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from mltest import __version__
from mltest._cli_boundary import run

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mltest", description="ML tests for pytest: command-line tools.")
    parser.add_argument("--version", action="version", version=f"mltest {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # Subcommands: each module offers add_parser(commands) and sets `func` on its parser.
    from mltest.schema import _cli as schema_cli

    schema_cli.add_parser(commands)
    from mltest.notebooks import _cli as convert_cli

    convert_cli.add_parser(commands)
    from mltest.score import _cli as score_cli

    score_cli.add_parser(commands)
    from mltest.monitoring import _cli as monitoring_cli

    monitoring_cli.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return run(f"mltest {args.command}", lambda: args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
