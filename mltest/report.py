"""What every mltest check records, and the report that collects it.

Each check builds one :class:`CheckResult` and hands it to :func:`conclude`, which records
it for the report and raises :class:`~mltest.errors.CheckFailed` when the check failed. The
pytest plugin gathers the results of each test (also across pytest-xdist workers, on an
attribute of pytest's TestReport) and writes them as Markdown or JSON with ``--mltest-report``.
Outside pytest the results are kept in :data:`session_results` and nothing else happens.

This module imports nothing heavy: the plugin loads it in every pytest run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from mltest import _charts, _settings
from mltest.errors import CheckFailed

__all__ = [
    "FAMILIES",
    "CheckResult",
    "Outcome",
    "conclude",
    "render_json",
    "render_markdown",
    "session_results",
]

FAMILIES = ("schema", "fairness", "invariance", "training")
Outcome = Literal["passed", "failed", "inconclusive"]

# The attribute of a pytest TestReport that carries a test's results to the report.
REPORT_ATTRIBUTE = "mltest_results"


@dataclass
class CheckResult:
    """The verdict of one check with the figures behind it.

    ``figures`` holds the key numbers (the measured value, the threshold, counts); ``table``
    holds rows of evidence (per-group metrics, failure cases), each a ``dict`` of plain
    values; ``attachments`` holds paths of files such as charts.
    """

    family: str
    check: str
    outcome: Outcome
    message: str
    figures: dict[str, Any] = field(default_factory=dict)
    table: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    test: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


# Results recorded by checks; the plugin takes them after each test.
session_results: list[CheckResult] = []


def conclude(result: CheckResult) -> CheckResult:
    """Record ``result`` and raise :class:`CheckFailed` if it did not pass.

    An inconclusive result fails only when the ``inconclusive`` setting is ``"fail"``.
    """
    session_results.append(result)
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


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


_ICONS = {"passed": "✅ passed", "failed": "❌ failed", "inconclusive": "⚠️ inconclusive"}


def render_markdown(results: Sequence[dict[str, Any]], *, seed: Any = None, path: str | Path | None = None) -> str:
    """Render recorded results (as dicts) as Markdown for a CI job summary.

    With ``path`` (where the Markdown will be written) and matplotlib installed, per-group
    results also get a PNG bar chart in a ``<stem>-charts/`` folder next to it, linked from the text.
    """
    charts = _charts.write_charts(results, Path(path)) if path is not None else {}
    counts = {o: sum(r["outcome"] == o for r in results) for o in _ICONS}
    lines = ["# mltest report", ""]
    summary = ", ".join(f"{n} {o}" for o, n in counts.items() if n) or "no mltest checks ran"
    lines.append(f"{len(results)} checks: {summary}." + (f" Seed: `{seed}`." if seed is not None else ""))
    for family in FAMILIES:
        rows = [r for r in results if r["family"] == family]
        if not rows:
            continue
        lines += ["", f"## {family.capitalize()}", "", "| test | check | outcome | figures |", "|---|---|---|---|"]
        for r in rows:
            figures = ", ".join(f"{k}={_format(v)}" for k, v in r["figures"].items())
            lines.append(f"| `{r['test']}` | {r['check']} | {_ICONS[r['outcome']]} | {_format(figures)} |")
        for r in rows:
            if r["outcome"] != "passed" or r["table"]:
                lines += ["", f"### {r['check']} in `{r['test']}`", "", "```", r["message"], "```"]
                if r["table"]:
                    lines += ["", *_markdown_table(r["table"])]
                for attachment in [*r["attachments"], *charts.get(id(r), [])]:
                    lines += ["", f"![{r['check']}]({attachment})"]
    return "\n".join(lines) + "\n"


def _markdown_table(rows: Sequence[dict[str, Any]], limit: int = 50) -> list[str]:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows[:limit]:
        out.append("| " + " | ".join(_format(row.get(c, "")) for c in columns) + " |")
    if len(rows) > limit:
        out.append(f"\n({len(rows) - limit} more rows not shown)")
    return out


def render_json(results: Sequence[dict[str, Any]], *, seed: Any = None) -> str:
    """Render recorded results (as dicts) as JSON."""
    counts = {o: sum(r["outcome"] == o for r in results) for o in _ICONS}
    return json.dumps({"seed": seed, "counts": counts, "results": list(results)}, indent=2) + "\n"
