"""The evidence of a fairness verdict: the per-group table as text, as report rows, and its charts.

Every column is named here once and the chart specs name them, so the report's chart reader
never guesses: the sensitive columns, ``class`` (with ``labels=``: one row per group and
class), ``n`` (rows), the support of each rate that is not all rows (``positives``,
``negatives``, ``predicted_positives``), each metric by its name (``true_positive_rate``),
its interval ``<metric>_ci_low``/``<metric>_ci_high``, and ``note`` (why it is not judged).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mltest.fairness._result import GroupMetrics

__all__ = ["chart_specs", "notes", "report_rows", "text_table"]

_MAX_LINES = 30  # rows shown in a message; the report has them all


def _blocks(metrics: list[GroupMetrics]) -> list[list[GroupMetrics]]:
    """The metrics of each class in order (one block without classes)."""
    blocks: dict[Any, list[GroupMetrics]] = {}
    for gm in metrics:
        blocks.setdefault(gm.label, []).append(gm)
    return list(blocks.values())


def _supports(block: list[GroupMetrics]) -> list[GroupMetrics]:
    """One metric per distinct support other than ``n`` (which every table has)."""
    seen: dict[str, GroupMetrics] = {}
    for gm in block:
        if gm.support_name != "n":
            seen.setdefault(gm.support_name, gm)
    return list(seen.values())


def _note(block: list[GroupMetrics], i: int) -> str:
    reasons = {gm.metric: gm.note(i) for gm in block if gm.note(i)}
    if len(set(reasons.values())) <= 1 and len(reasons) in (0, len(block)):
        return next(iter(reasons.values()), "")
    return "; ".join(f"{name}: {note}" for name, note in reasons.items())


def _rows(metrics: list[GroupMetrics]) -> Iterator[tuple[list[GroupMetrics], int, str]]:
    """(the class's metrics, group index, note) for every row: class by class, group by group."""
    for block in _blocks(metrics):
        for i in range(len(block[0].groups)):
            yield block, i, _note(block, i)


def notes(metrics: list[GroupMetrics]) -> list[str]:
    """Why each row is not judged ("" when every metric judges it)."""
    return [note for _, _, note in _rows(metrics)]


def text_table(metrics: list[GroupMetrics]) -> list[str]:
    """The table as aligned text lines (at most ``_MAX_LINES`` rows)."""
    first = metrics[0]
    block = _blocks(metrics)[0]
    classes = first.label is not None
    header = ["group", *(["class"] if classes else []), "n", *(gm.support_name for gm in _supports(block))]
    header += [gm.metric for gm in block]
    if first.intervals is not None:
        header += [f"{gm.metric} {first.level} interval" for gm in block]
    body = []
    for rates, i, note in _rows(metrics):
        row = [rates[0].group_name(i), *([str(rates[0].label)] if classes else []), str(int(first.counts[i]))]
        row += [str(int(gm.support[i])) for gm in _supports(rates)]
        row += [f"{gm.values[i]:.4f}" for gm in rates]
        if first.intervals is not None:
            row += [f"[{gm.intervals[0, i]:.3f}, {gm.intervals[1, i]:.3f}]" for gm in rates]
        if note:
            row.append(f"{note}, not judged")
        body.append(row)
    widths = [max(len(r[j]) for r in [header, *body] if j < len(r)) for j in range(len(header))]
    lines = []
    for r in [header, *body]:
        left = 2 if classes else 1  # the group (and class) columns are left-aligned
        cells = [c.ljust(widths[j]) if j < left else c.rjust(widths[j]) for j, c in enumerate(r[: len(header)])]
        lines.append("  ".join(cells) + ("  " + r[-1] if len(r) > len(header) else ""))
    if len(lines) > _MAX_LINES + 1:
        lines = [*lines[: _MAX_LINES + 1], f"... {len(lines) - _MAX_LINES - 1} more rows in the mltest report"]
    return lines


def report_rows(metrics: list[GroupMetrics]) -> list[dict[str, Any]]:
    """One row per group (and class) for the report: every column named (see the module docstring)."""
    first = metrics[0]
    rows = []
    for rates, i, note in _rows(metrics):
        row: dict[str, Any] = dict(zip(first.columns, first.groups[i], strict=True))
        if rates[0].label is not None:
            row["class"] = rates[0].label
        row["n"] = int(first.counts[i])
        for gm in _supports(rates):
            row[gm.support_name] = int(gm.support[i])
        for gm in rates:
            row[gm.metric] = float(gm.values[i])
            if gm.intervals is not None:
                row[f"{gm.metric}_ci_low"], row[f"{gm.metric}_ci_high"] = map(float, gm.intervals[:, i])
        if note:
            row["note"] = note
        rows.append(row)
    return rows


def chart_specs(metrics: list[GroupMetrics]) -> list[dict[str, Any]]:
    """A bar chart per metric: its value by group (and class), its interval, what is not judged in grey."""
    specs = []
    for gm in _blocks(metrics)[0]:
        label = [*gm.columns, *(["class"] if gm.label is not None else [])]
        spec: dict[str, Any] = {"kind": "bar", "title": f"{gm.metric} by group", "label": label}
        spec |= {"value": gm.metric, "muted": "note"}
        if gm.intervals is not None:
            spec |= {"low": f"{gm.metric}_ci_low", "high": f"{gm.metric}_ci_high"}
        specs.append(spec)
    return specs
