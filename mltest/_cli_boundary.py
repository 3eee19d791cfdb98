"""One error boundary for the ``mltest`` command line, ``mltest convert`` and the pre-commit hooks.

An expected error, one mltest raises on purpose (:class:`~mltest.errors.MltestError`) or one of
the file system (a missing file, a folder without write permission), prints one line on stderr,
``<program>: error: <what>``, and the exit status is 1. Anything else is a bug in mltest: it
keeps its traceback, so it can be reported and fixed.

Two ways in:

* :func:`run` wraps a whole command: ``return run("mltest convert", lambda: convert(args))``;
* :class:`Boundary` wraps each item of a loop over files, so that one bad file is reported and
  the others are still handled::

      errors = Boundary("mltest-notebook-sync")
      for path in files:
          with errors.item():
              handle(path)
      return 1 if errors.count else 0
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from mltest.errors import MltestError

__all__ = ["EXPECTED", "Boundary", "describe", "report", "run"]

EXPECTED: tuple[type[BaseException], ...] = (MltestError, OSError)


def describe(error: BaseException) -> str:
    """The error in one line; a file-system error reads ``path: no such file or directory``."""
    if isinstance(error, OSError) and not isinstance(error, MltestError) and error.strerror:
        reason = error.strerror[0].lower() + error.strerror[1:]
        return f"{error.filename}: {reason}" if error.filename is not None else reason
    text = str(error) or type(error).__name__
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def report(program: str, error: BaseException) -> None:
    """Print ``<program>: error: <what>`` on stderr."""
    print(f"{program}: error: {describe(error)}", file=sys.stderr)


def run(program: str, command: Callable[[], int | None]) -> int:
    """Call ``command``: its exit status, or 1 after one line on stderr for an expected error."""
    try:
        return int(command() or 0)
    except EXPECTED as error:
        report(program, error)
        return 1


class Boundary:
    """The boundary around each item of a loop; ``count`` is how many items failed with an expected error."""

    def __init__(self, program: str) -> None:
        self.program = program
        self.count = 0

    @contextmanager
    def item(self) -> Iterator[None]:
        try:
            yield
        except EXPECTED as error:
            self.count += 1
            report(self.program, error)
