"""What every mltest check records, and the report that collects it.

Each check builds one :class:`CheckResult` and hands it to :func:`conclude`, which records
it for the report and raises :class:`~mltest.errors.CheckFailed` when the check failed. The
pytest plugin gathers the results of each test (also across pytest-xdist workers, through
``report.user_properties``) and writes them as Markdown or JSON with ``--mltest-report``.
Outside pytest the results are kept in :data:`session_results` and nothing else happens.

This module imports nothing heavy: the plugin loads it in every pytest run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from mltest import _settings
from mltest.errors import CheckFailed

__all__ = [
    "FAMILIES",
    "CheckResult",
    "Outcome",
    "conclude",
    "render_json",
    "render_markdown",
    "session_results",
    "write_charts",
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
    charts = write_charts(results, Path(path)) if path is not None else {}
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


def _chartable(r: dict[str, Any]) -> list[str]:
    """The numeric metric columns of a per-group table (fairness results), or []."""
    rows = r.get("table") or []
    if r.get("family") != "fairness" or not rows or "n" not in rows[0]:
        return []
    skip = {"n", "note"}
    return [
        k
        for k, v in rows[0].items()
        if k not in skip and not k.endswith(("ci_low", "ci_high")) and isinstance(v, (int, float))
    ]


def write_charts(results: Sequence[dict[str, Any]], report_path: Path) -> dict[int, list[str]]:
    """Draw a bar chart per metric of each per-group result; {id(result): [relative paths]}.

    Needs matplotlib (the ``plot`` extra); without it, returns {} and the report stays text.
    Uses the Agg canvas directly, so the user's pyplot backend is left alone.
    """
    todo = [(r, _chartable(r)) for r in results]
    todo = [(r, metrics) for r, metrics in todo if metrics]
    if not todo:
        return {}
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return {}
    folder = report_path.parent / f"{report_path.stem}-charts"
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[int, list[str]] = {}
    for number, (r, metrics) in enumerate(todo, start=1):
        rows = r["table"]
        label_keys = [k for k in rows[0] if k not in {"n", "note"} and k not in metrics and "_ci_" not in k]
        label_keys = [k for k in label_keys if k not in {"ci_low", "ci_high"}]
        labels = [", ".join(str(row.get(k, "")) for k in label_keys) + f" (n={row['n']})" for row in rows]
        figure = Figure(figsize=(7, 1.2 + 0.28 * len(rows) * len(metrics)))
        FigureCanvasAgg(figure)
        axes = figure.subplots(1, len(metrics), sharey=True, squeeze=False)[0]
        for ax, metric in zip(axes, metrics, strict=True):
            values = [float(row[metric]) for row in rows]
            low = "ci_low" if len(metrics) == 1 else f"{metric}_ci_low"
            high = "ci_high" if len(metrics) == 1 else f"{metric}_ci_high"
            errors = None
            if low in rows[0]:
                errors = [
                    [max(v - row[low], 0) for v, row in zip(values, rows, strict=True)],
                    [max(row[high] - v, 0) for v, row in zip(values, rows, strict=True)],
                ]
            colours = ["#bbbbbb" if "note" in row else "#4c72b0" for row in rows]
            ax.barh(range(len(rows)), values, xerr=errors, color=colours, capsize=3)
            ax.set_yticks(range(len(rows)), labels, fontsize=8)
            ax.set_xlabel(metric)
        axes[0].invert_yaxis()  # first group on top (the axes share y: invert once)
        figure.suptitle(f"{r['check']}: {r['outcome']} (grey: too small, not judged)", fontsize=9)
        figure.tight_layout()
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{number:03d}-{r['check']}-{r.get('test', '')}")[:120]
        target = folder / f"{slug}.png"
        figure.savefig(target, dpi=80)
        out[id(r)] = [f"{folder.name}/{target.name}"]
    return out


def render_json(results: Sequence[dict[str, Any]], *, seed: Any = None) -> str:
    """Render recorded results (as dicts) as JSON."""
    counts = {o: sum(r["outcome"] == o for r in results) for o in _ICONS}
    return json.dumps({"seed": seed, "counts": counts, "results": list(results)}, indent=2) + "\n"
