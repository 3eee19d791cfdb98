"""What every mltest check records: :class:`CheckResult`, and :func:`conclude` to judge it.

Each check builds one :class:`CheckResult` and hands it to :func:`conclude`, which records it
in the open recording (see :func:`recording`) and raises :class:`~mltest.errors.CheckFailed`
when the check failed. The pytest plugin opens a recording for each test and writes the run's
results with ``--mltest-report``; outside pytest nothing accumulates unless you open one::

    with mltest.report.recording() as recorded:
        mltest.assert_schema(data, "schema.yaml")
    print(mltest.report.render_markdown([r.to_dict() for r in recorded]))

This module imports nothing heavy: the plugin loads it in every pytest run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from mltest import _recording, _settings
from mltest._recording import Recording, recording
from mltest._render import render_json, render_markdown
from mltest.errors import CheckFailed

__all__ = [
    "FAMILIES",
    "CheckResult",
    "Outcome",
    "Recording",
    "conclude",
    "recording",
    "render_json",
    "render_markdown",
]

FAMILIES = ("schema", "fairness", "invariance", "training", "monitoring", "evaluation")
Outcome = Literal["passed", "failed", "inconclusive"]

# The attribute of a pytest TestReport that carries a test's results to the report.
REPORT_ATTRIBUTE = "mltest_results"


@dataclass
class CheckResult:
    """The verdict of one check with the figures behind it.

    ``figures`` holds the key numbers (the measured value, the threshold, counts); ``table``
    holds rows of evidence (per-group metrics, failure cases), each a ``dict`` of plain
    values; ``charts`` says how to draw the table, each a ``dict`` naming its columns:
    ``{"kind": "bar", "title": ..., "label": column or [columns], "value": column,
    "low": column, "high": column, "muted": column}`` (an interval from ``low`` to ``high``;
    rows where ``muted`` is true are drawn grey) or ``{"kind": "line", "title": ..., "x": column,
    "y": [columns]}``; ``attachments`` holds paths of files such as images.
    """

    family: str
    check: str
    outcome: Outcome
    message: str
    figures: dict[str, Any] = field(default_factory=dict)
    table: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    test: str = ""
    charts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


def conclude(result: CheckResult) -> CheckResult:
    """Record ``result`` and raise :class:`CheckFailed` if it did not pass.

    An inconclusive result fails only when the ``inconclusive`` setting is ``"fail"``.
    """
    _recording.record(result)
    if result.outcome == "failed" or (result.outcome == "inconclusive" and _settings.get("inconclusive") == "fail"):
        raise CheckFailed(result.message, result)
    return result


def _plain(value: Any) -> Any:
    """Turn numpy scalars and other exotic values into JSON-safe Python values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if hasattr(value, "item"):  # numpy scalar
        try:
            return _plain(value.item())
        except (TypeError, ValueError):
            pass
    return str(value)
