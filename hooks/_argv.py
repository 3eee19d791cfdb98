"""The command line of a hook: its options first, then file names, and a file is never an option.

pre-commit runs ``entry args... files...`` without a ``--`` in between, and a staged file may be
named ``--allow=*``, ``--max-kb=999999`` or ``--help``. Plain argparse would take such a file for
an option (turning the data guard off, or printing the help and passing). :func:`parse` reads
options only from the start of the command line and stops at the first word that is not one:

* ``--`` ends the options (it is dropped); everything after it is a file;
* a word that names an existing file or folder is a file, and so is everything after it, unless
  the same word comes again later: then the first one is the hook's own option (from ``args:``)
  and the later one is the file, so a staged file named like a configured option changes nothing;
* a word that does not start with ``-`` is a file, and so is everything after it;
* the value of an option that takes one (``--max-kb 500``) is read as that value, as given.

A word that looks like an option but is neither a known option nor an existing file is left to
argparse, which refuses it: a misspelt option in the hook's ``args:`` is an error, not a file.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

__all__ = ["parse", "split"]


def _takes_value(parser: argparse.ArgumentParser) -> dict[str, bool]:
    """Each option string of ``parser``, and whether it takes a value."""
    known: dict[str, bool] = {}
    for action in parser._actions:  # argparse has no public list of its options
        for option in action.option_strings:
            known[option] = action.nargs != 0
    return known


def split(parser: argparse.ArgumentParser, argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """``argv`` cut into the hook's options and its files (see the module docstring)."""
    argv = list(argv)
    known = _takes_value(parser)
    i = 0
    while i < len(argv):
        word = argv[i]
        configured = word in argv[i + 1 :]  # a file of the same name comes later: this one is from args:
        if (os.path.lexists(word) and not configured) or not word.startswith("-") or word == "-":
            return argv[:i], argv[i:]
        if word == "--":
            return argv[:i], argv[i + 1 :]
        name, joined, _ = word.partition("=")
        i += 2 if known.get(name) and not joined else 1
    return argv, []


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options of ``argv`` parsed by ``parser``, with the files in ``files``."""
    options, files = split(parser, sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(options)
    args.files = files
    return args
