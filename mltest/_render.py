"""The report of a run's results, as Markdown (for a CI job summary) or JSON.

Used by the pytest plugin (``--mltest-report``) and by any command that reports checks. It
takes results as plain dicts (:meth:`mltest.report.CheckResult.to_dict`, plus the plugin's
``xfail`` flag on results of tests expected to fail) and never changes them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mltest import _charts

__all__ = ["count", "render_json", "render_markdown"]

_ICONS = {"passed": "✅ passed", "failed": "❌ failed", "inconclusive": "⚠️ inconclusive"}
_XFAIL_ICON = "➖ failed (xfail)"
_FAMILY_ORDER = ("schema", "fairness", "invariance", "training", "monitoring", "evaluation")


def count(results: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Results by outcome; a failed check in a test expected to fail counts as ``xfailed``."""
    counts = dict.fromkeys((*_ICONS, "xfailed"), 0)
    for r in results:
        counts["xfailed" if r.get("xfail") else r["outcome"]] += 1
    return counts


def _summary(results: Sequence[dict[str, Any]]) -> str:
    names = {"xfailed": "expected to fail (xfail)"}
    text = ", ".join(f"{n} {names.get(o, o)}" for o, n in count(results).items() if n)
    return text or "no mltest checks ran"


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _families(results: Sequence[dict[str, Any]]) -> list[str]:
    present = list(dict.fromkeys(r["family"] for r in results))
    return [f for f in _FAMILY_ORDER if f in present] + [f for f in present if f not in _FAMILY_ORDER]


def render_markdown(results: Sequence[dict[str, Any]], *, seed: Any = None, path: str | Path | None = None) -> str:
    """Render results (as dicts) as Markdown.

    Charts are Mermaid blocks in the text, which GitHub renders in job summaries. With
    ``path`` (where the Markdown will be written) and matplotlib installed, they are also drawn
    as PNG files in a ``<stem>-charts/`` folder next to it (relative links, for artifacts).
    """
    pngs = _charts.write_pngs(results, Path(path)) if path is not None else {}
    lines = ["# mltest report", ""]
    lines.append(f"{len(results)} checks: {_summary(results)}." + (f" Seed: `{seed}`." if seed is not None else ""))
    for family in _families(results):
        rows = [(i, r) for i, r in enumerate(results) if r["family"] == family]
        lines += ["", f"## {family.capitalize()}", "", "| test | check | outcome | figures |", "|---|---|---|---|"]
        for _, r in rows:
            figures = ", ".join(f"{k}={_format(v)}" for k, v in r["figures"].items())
            outcome = _XFAIL_ICON if r.get("xfail") else _ICONS[r["outcome"]]
            lines.append(f"| `{r['test']}` | {r['check']} | {outcome} | {_format(figures)} |")
        for i, r in rows:
            if r["outcome"] != "passed" or r["table"]:
                lines += ["", f"### {r['check']} in `{r['test']}`", "", "```", r["message"], "```"]
                if r["table"]:
                    lines += ["", *_markdown_table(r["table"])]
                for spec in _charts.chart_specs(r):
                    chart = _charts.mermaid(spec, r["table"])
                    lines += ["", *chart] if chart else []
                for attachment in r["attachments"]:
                    lines += ["", f"![{r['check']}]({attachment})"]
                if pngs.get(i):  # relative paths: readable next to the file, not in a job summary
                    lines += ["", "PNG: " + ", ".join(f"[{Path(p).name}]({p})" for p in pngs[i])]
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
    """Render results (as dicts) as JSON: ``{"seed", "counts", "results"}``."""
    return json.dumps({"seed": seed, "counts": count(results), "results": list(results)}, indent=2) + "\n"
