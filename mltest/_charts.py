"""Charts of a result's table, drawn from the ``charts`` specs a check attaches to its result.

Two renderings of the same spec: Mermaid ``xychart-beta`` text inside the Markdown report (it
renders where the report is read: a GitHub job summary, a pull-request comment, a file on
GitHub), and PNG images next to the report file (for CI artifacts and local reading).
matplotlib is optional (the ``plot`` extra) and imported only when a PNG is drawn.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["chart_specs", "mermaid", "write_pngs"]

_MAX_BARS = 30  # a chart with more bars than this is unreadable; the table has them all


def chart_specs(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The chart specs of ``result`` (a result as a dict) that its table can fill."""
    rows = result.get("table") or []
    if not rows:
        return []
    columns = set().union(*rows)
    specs = []
    for spec in result.get("charts") or []:
        needed = [spec.get("value"), spec.get("x"), *(_as_list(spec.get("label"))), *(spec.get("y") or [])]
        if all(c in columns for c in needed if c is not None):
            specs.append(spec)
    return specs


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _column(rows: Sequence[dict[str, Any]], key: str | None) -> list[float]:
    """The finite numbers of column ``key`` (none when the spec names no such column)."""
    if not key:
        return []
    numbers = [_number(row.get(key)) for row in rows]
    return [n for n in numbers if n is not None]


def _labels(rows: Sequence[dict[str, Any]], spec: dict[str, Any]) -> list[str]:
    keys = _as_list(spec.get("label"))
    return [", ".join(str(row.get(k, "")) for k in keys) for row in rows]


def mermaid(spec: dict[str, Any], rows: Sequence[dict[str, Any]]) -> list[str]:
    """Markdown lines of a Mermaid chart for ``spec`` (empty when nothing can be drawn)."""
    title = str(spec.get("title", "")).replace('"', "'")
    if spec.get("kind", "bar") == "line":
        x = [_number(row.get(spec["x"])) for row in rows]
        series = [[_number(row.get(y)) for row in rows] for y in spec["y"]]
        if any(v is None for v in x) or any(v is None for s in series for v in s):
            return []
        body = [f"    x-axis {spec['x']!r} {min(x):.3g} --> {max(x):.3g}".replace("'", '"')]
        body += [f"    line {json.dumps([round(v, 4) for v in s])}" for s in series]
        header = "xychart-beta"
    else:
        rows = list(rows)[:_MAX_BARS]
        values = [_number(row.get(spec["value"])) for row in rows]
        if not values or any(v is None for v in values):
            return []
        labels = [label.replace('"', "'")[:40] for label in _labels(rows, spec)]
        highs = _column(rows, spec.get("high"))
        limits = _column(rows, spec.get("threshold"))
        top = max([*values, *highs, *limits, 0.0]) or 1.0
        body = [
            f"    x-axis [{', '.join(json.dumps(label) for label in labels)}]",
            f'    y-axis "{spec["value"]}" {min(min(values), 0.0):.3g} --> {top * 1.05:.3g}',
            f"    bar {json.dumps([round(v, 4) for v in values])}",
        ]
        if len(limits) == len(rows):  # the threshold each bar is judged against, as a line
            body.append(f"    line {json.dumps([round(v, 4) for v in limits])}")
        header = "xychart-beta horizontal"
    return ["```mermaid", header, f'    title "{title}"', *body, "```"]


def write_pngs(results: Sequence[dict[str, Any]], report_path: Path) -> dict[int, list[str]]:
    """Draw every chart spec as a PNG in ``<stem>-charts/`` next to the report.

    Returns {index of the result in ``results``: [paths relative to the report]}. Without
    matplotlib, returns {} and the report keeps its Mermaid charts. Uses the Agg canvas
    directly, so the user's pyplot backend is left alone.
    """
    todo = [(i, r, spec) for i, r in enumerate(results) for spec in chart_specs(r)]
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
    for number, (index, r, spec) in enumerate(todo, start=1):
        rows = r["table"][:_MAX_BARS] if spec.get("kind", "bar") == "bar" else r["table"]
        figure = Figure(figsize=(7, 1.5 + 0.28 * len(rows) if spec.get("kind", "bar") == "bar" else 4))
        FigureCanvasAgg(figure)
        ax = figure.subplots()
        if spec.get("kind", "bar") == "line":
            x = [_number(row.get(spec["x"])) for row in rows]
            for y in spec["y"]:
                ax.plot(x, [_number(row.get(y)) for row in rows], marker="o", label=y)
            ax.set_xlabel(spec["x"])
            ax.legend(fontsize=8)
        else:
            _draw_bars(ax, rows, spec)
        figure.suptitle(f"{r['check']}: {r['outcome']} - {spec.get('title', '')}", fontsize=9)
        figure.tight_layout()
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{number:03d}-{r['check']}-{r.get('test', '')}")[:120]
        target = folder / f"{slug}.png"
        figure.savefig(target, dpi=80)
        out.setdefault(index, []).append(f"{folder.name}/{target.name}")
    return out


def _draw_bars(ax: Any, rows: Sequence[dict[str, Any]], spec: dict[str, Any]) -> None:
    values = [_number(row.get(spec["value"])) or 0.0 for row in rows]
    errors = None
    if spec.get("low") and spec.get("high"):
        lows = [_number(row.get(spec["low"])) for row in rows]
        highs = [_number(row.get(spec["high"])) for row in rows]
        errors = [
            [max(v - lo, 0) if lo is not None else 0 for v, lo in zip(values, lows, strict=True)],
            [max(hi - v, 0) if hi is not None else 0 for v, hi in zip(values, highs, strict=True)],
        ]
    muted = spec.get("muted")
    colours = ["#bbbbbb" if muted and row.get(muted) else "#4c72b0" for row in rows]
    ax.barh(range(len(rows)), values, xerr=errors, color=colours, capsize=3)
    if spec.get("threshold"):  # the threshold each bar is judged against
        limits = [_number(row.get(spec["threshold"])) for row in rows]
        marked = [(i, t) for i, t in enumerate(limits) if t is not None]
        if marked:
            ax.scatter([t for _, t in marked], [i for i, _ in marked], marker="|", s=300, color="#c44e52", zorder=3)
    ax.set_yticks(range(len(rows)), _labels(rows, spec), fontsize=8)
    ax.set_xlabel(spec["value"])
    ax.invert_yaxis()  # first row on top
