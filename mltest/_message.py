"""The one grammar of a failure message, shared by every family.

Modelled on Hypothesis's health checks, a message answers in order the questions of the
person whose CI just went red::

    <check> failed: <figure> <op> <threshold>          the verdict, with the number that decided it

        <the smallest evidence: the worst groups, rows, columns or steps>

    Likely causes:
      - ...
    What to change:
      - ...
    To reproduce: pass seed=1234 (or run pytest with --mltest-seed=1234).
    To waive this check: pass max_difference=0.2 if a gap of 0.15 is acceptable.

Only the verdict is required; a part with nothing to say is left out. The verdict is the first
line, so the terminal summary and the report tables can show it alone.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["compose", "reproduce_with_seed"]

_INDENT = "    "


def compose(
    verdict: str,
    *,
    evidence: Sequence[str] = (),
    causes: Sequence[str] = (),
    fixes: Sequence[str] = (),
    reproduce: str = "",
    waive: str = "",
) -> str:
    """Assemble a message from its parts (see the module docstring for the layout)."""
    lines = [verdict]
    if evidence:
        lines += ["", *(f"{_INDENT}{line}" if line else "" for line in evidence)]
    if causes or fixes or reproduce or waive:
        lines.append("")
    if causes:
        lines += ["Likely causes:", *(f"  - {cause}" for cause in causes)]
    if fixes:
        lines += ["What to change:", *(f"  - {fix}" for fix in fixes)]
    if reproduce:
        lines.append(f"To reproduce: {reproduce}")
    if waive:
        lines.append(f"To waive this check: {waive}")
    return "\n".join(lines)


def reproduce_with_seed(seed: int) -> str:
    """The reproduce line of a check whose verdict rests on random draws."""
    return f"pass seed={seed} (or run pytest with --mltest-seed={seed})."
