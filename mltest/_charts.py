"""PNG bar charts of per-group results, drawn next to the Markdown report.

matplotlib is optional (the ``plot`` extra) and imported only when a chart is drawn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["write_charts"]


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
