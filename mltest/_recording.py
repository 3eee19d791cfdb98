"""Where a check's result goes: into the innermost open recording, or nowhere.

The pytest plugin opens a recording around each phase of each test (and around fixtures of a
wider scope and module imports), so every result lands with the test that produced it. A
program that calls checks itself can open one with :func:`mltest.report.recording`. With no
recording open, results are returned and raised as usual but nothing accumulates: a loop that
calls a check 500 times outside pytest keeps nothing.

Inside a Hypothesis test the test body runs once per example, and the shrunk failing example
is replayed last. A check called from the same line of the same test therefore replaces its
earlier result (the k-th call from a line in one example replaces the k-th call from that line
in the example before), so the report shows one row per check: the last example's, the
minimal one when the test fails.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from mltest.report import CheckResult

__all__ = ["Recording", "current", "record", "recording"]

_PACKAGE = str(Path(__file__).resolve().parent)
_lock = threading.Lock()
_open: list[Recording] = []


class Recording:
    """The results recorded while it was open, in order (``results``)."""

    def __init__(self) -> None:
        self.results: list[CheckResult] = []
        self._keys: list[Any] = []
        self._calls: dict[Any, tuple[Any, int]] = {}  # call site -> (Hypothesis example, calls in it)

    def add(self, result: CheckResult, key: Any = None) -> None:
        """Append ``result``; one with the same non-None ``key`` replaces the earlier one."""
        if key is not None and key in self._keys:
            index = self._keys.index(key)
            del self.results[index], self._keys[index]
        self.results.append(result)
        self._keys.append(key)

    def __iter__(self) -> Iterator[CheckResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, index: int) -> CheckResult:
        return self.results[index]


@contextmanager
def recording() -> Iterator[Recording]:
    """Record the results of the checks run inside the ``with`` block (and only there)."""
    scope = Recording()
    with _lock:
        _open.append(scope)
    try:
        yield scope
    finally:
        with _lock:
            for i in range(len(_open) - 1, -1, -1):  # the innermost that is this one
                if _open[i] is scope:
                    del _open[i]
                    break


def current() -> Recording | None:
    """The innermost open recording, or ``None``."""
    with _lock:
        return _open[-1] if _open else None


def record(result: CheckResult) -> None:
    """Add ``result`` to the innermost open recording; with none open, do nothing."""
    scope = current()
    if scope is not None:
        scope.add(result, _hypothesis_key(scope, result))


def _hypothesis_key(scope: Recording, result: CheckResult) -> Any:
    """Inside a Hypothesis test: the check, the user's line that called it, and which call from there."""
    control = sys.modules.get("hypothesis.control")
    if control is None or not control.currently_in_test_context():
        return None
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    site = (result.family, result.check, frame and frame.f_code.co_filename, frame and frame.f_lineno)
    example = control.current_build_context()
    previous_example, calls = scope._calls.get(site, (None, 0))
    calls = calls + 1 if previous_example is example else 1
    scope._calls[site] = (example, calls)
    return (*site, calls)
