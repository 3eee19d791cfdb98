"""A scorecard as Markdown: the score, a line per section, a table per section."""

from __future__ import annotations

from mltest.score._rubric import SECTIONS
from mltest.score._scoring import Scorecard

__all__ = ["render_scorecard"]


def _points(value: float) -> str:
    return f"{value:g}"


def render_scorecard(card: Scorecard, *, heading: str = "#") -> str:
    sections = card.sections
    lines = [
        f"{heading} ML Test Score: {_points(card.score)}",
        "",
        "The score is the lowest of the four section sums (Breck et al., 2017): 1 point for a test "
        "that is automated, 0.5 for one that is manual or documented, 0 when nothing shows it.",
        "",
        "| section | points |",
        "|---|---|",
        *(f"| {s} | {_points(sections[s])} / 7 |" for s in SECTIONS),
    ]
    for section in SECTIONS:
        lines += [
            "",
            f"{heading}# {section}: {_points(sections[section])}",
            "",
            "| test | points | evidence |",
            "|---|---|---|",
        ]
        for mark in (m for m in card.marks if m.item.section == section):
            evidence = mark.evidence.replace("|", "\\|")
            lines.append(f"| {mark.item.id} {mark.item.title} | {_points(mark.points)} | {evidence} |")
    return "\n".join(lines) + "\n"
