"""The evidence of a fairness verdict: the per-group table as text, as report rows, and its charts.

Every column is named here once and the chart specs name them, so the report's chart reader
never guesses: the sensitive columns, ``n`` (rows), the support of each rate that is not all
rows (``positives``, ``negatives``, ``predicted_positives``; ``[class]`` for several
classes), each metric by its name (``true_positive_rate``, ``selection_rate[cat]``), its
interval ``<metric>_ci_low``/``<metric>_ci_high``, and ``note`` (why a group is not judged).
"""

from __future__ import annotations

from typing import Any

from mltest.fairness._result import GroupMetrics

__all__ = ["chart_specs", "notes", "report_rows", "support_columns", "text_table"]

_MAX_LINES = 30  # groups shown in a message; the report has them all


def support_columns(metrics: list[GroupMetrics]) -> list[GroupMetrics]:
    """One metric per distinct support column other than ``n`` (which every table has)."""
    seen: dict[str, GroupMetrics] = {}
    for gm in metrics:
        if gm.support_column != "n":
            seen.setdefault(gm.support_column, gm)
    return list(seen.values())


def notes(metrics: list[GroupMetrics]) -> list[str]:
    """Why each group is not judged ("" when every metric judges it)."""
    out = []
    for i in range(len(metrics[0].groups)):
        reasons = {gm.name: gm.note(i) for gm in metrics if gm.note(i)}
        if len(set(reasons.values())) <= 1 and len(reasons) in (0, len(metrics)):
            out.append(next(iter(reasons.values()), ""))
        else:
            out.append("; ".join(f"{name}: {note}" for name, note in reasons.items()))
    return out


def text_table(metrics: list[GroupMetrics]) -> list[str]:
    """The table as aligned text lines (at most ``_MAX_LINES`` groups)."""
    first = metrics[0]
    supports = support_columns(metrics)
    header = ["group", "n", *(gm.support_column for gm in supports), *(gm.name for gm in metrics)]
    if first.intervals is not None:
        header += [f"{gm.name} {first.confidence:.0%} interval" for gm in metrics]
    body = []
    for i, note in enumerate(notes(metrics)):
        row = [first.group_name(i), str(int(first.counts[i])), *(str(int(gm.support[i])) for gm in supports)]
        row += [f"{gm.values[i]:.4f}" for gm in metrics]
        if first.intervals is not None:
            row += [f"[{gm.intervals[0, i]:.3f}, {gm.intervals[1, i]:.3f}]" for gm in metrics]
        if note:
            row.append(f"{note}, not judged")
        body.append(row)
    widths = [max(len(r[j]) for r in [header, *body] if j < len(r)) for j in range(len(header))]
    lines = []
    for r in [header, *body]:
        cells = [c.ljust(widths[j]) if j == 0 else c.rjust(widths[j]) for j, c in enumerate(r[: len(header)])]
        lines.append("  ".join(cells) + ("  " + r[-1] if len(r) > len(header) else ""))
    if len(lines) > _MAX_LINES + 1:
        lines = [*lines[: _MAX_LINES + 1], f"... {len(lines) - _MAX_LINES - 1} more groups in the mltest report"]
    return lines


def report_rows(metrics: list[GroupMetrics]) -> list[dict[str, Any]]:
    """One row per group for the report: every column named (see the module docstring)."""
    first = metrics[0]
    supports = support_columns(metrics)
    rows = []
    for i, note in enumerate(notes(metrics)):
        row: dict[str, Any] = dict(zip(first.columns, first.groups[i], strict=True))
        row["n"] = int(first.counts[i])
        for gm in supports:
            row[gm.support_column] = int(gm.support[i])
        for gm in metrics:
            row[gm.name] = float(gm.values[i])
            if gm.intervals is not None:
                row[f"{gm.name}_ci_low"], row[f"{gm.name}_ci_high"] = map(float, gm.intervals[:, i])
        if note:
            row["note"] = note
        rows.append(row)
    return rows


def chart_specs(metrics: list[GroupMetrics]) -> list[dict[str, Any]]:
    """A bar chart per metric: its value by group, its interval, groups not judged in grey."""
    specs = []
    for gm in metrics:
        spec: dict[str, Any] = {"kind": "bar", "title": f"{gm.name} by group", "label": list(gm.columns)}
        spec |= {"value": gm.name, "muted": "note"}
        if gm.intervals is not None:
            spec |= {"low": f"{gm.name}_ci_low", "high": f"{gm.name}_ci_high"}
        specs.append(spec)
    return specs
