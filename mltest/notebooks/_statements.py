"""A cell cut into its top-level statements, each with its source text and comments.

Statements keep their source text and comments (nothing is round-tripped through
``ast.unparse``). The comment lines above a statement belong to it; comment lines after a cell's
last statement, and cells of comments only (a licence header), are returned apart so that the
module can keep them too. Display-only statements are recognised here: a bare expression
without calls (``df``, ``df.shape``), a call of a display method (``df.head()``, ``plt.show()``),
``display(...)`` and ``get_ipython()`` calls, unless the notebook defines that name itself.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass

from mltest.notebooks._select import Cell

__all__ = ["DISPLAY_FUNCTIONS", "DISPLAY_METHODS", "Statement", "comments_of", "display_only", "indent", "statements"]

DISPLAY_METHODS = {
    "head", "tail", "describe", "info", "sample", "value_counts", "nunique", "corr", "show", "display",
    "to_frame", "isna", "isnull", "count", "memory_usage", "dtypes", "unique", "summary",
}  # fmt: skip
DISPLAY_FUNCTIONS = {"display", "get_ipython", "HTML", "Markdown", "Image"}


@dataclass
class Statement:
    node: ast.stmt
    text: str  # source with leading comments, not indented
    cell: Cell
    gap: int  # blank lines before it in the cell (0 for the first statement)


def _string_lines(text: str) -> set[int]:
    """Line numbers (1-based) inside a multi-line string token: they must not be re-indented."""
    inside: set[int] = set()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return inside
    start = None
    for token in tokens:
        name = tokenize.tok_name[token.type]
        if name == "STRING" and token.end[0] > token.start[0]:
            inside.update(range(token.start[0] + 1, token.end[0] + 1))
        elif name == "FSTRING_START":
            start = token.start[0] if start is None else start
        elif name == "FSTRING_END" and start is not None:
            inside.update(range(start + 1, token.end[0] + 1))
            start = None
    return inside


def indent(text: str, prefix: str = "    ") -> str:
    """Indent code lines (not the inside of multi-line strings); leading tabs become spaces as Python reads them."""
    keep = _string_lines(text)
    out = []
    for n, line in enumerate(text.split("\n"), start=1):
        if n in keep or not line.strip():
            out.append(line)
            continue
        code = line.lstrip(" \t")
        out.append(prefix + line[: len(line) - len(code)].expandtabs(8) + code)
    return "\n".join(out)


def _comment_block(lines: list[str]) -> str:
    """The comment lines of ``lines`` (blank lines between them kept, at the ends dropped)."""
    kept = [line.strip() for line in lines if not line.strip() or line.lstrip().startswith("#")]
    return "\n".join(kept).strip("\n")


def statements(cell: Cell, tree: ast.Module, text: str) -> tuple[list[Statement], str]:
    """The statements of a cell, and the comments after its last statement (all of them for a cell without code)."""
    lines = text.split("\n")
    nodes = tree.body
    out = []
    previous_end = 0
    for k, node in enumerate(nodes):
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        shares = (k > 0 and nodes[k - 1].end_lineno == first) or (
            k + 1 < len(nodes) and nodes[k + 1].lineno == node.end_lineno
        )
        if shares:
            segment = ast.get_source_segment(text, node) or ""
            start = first
            if k == 0 or nodes[k - 1].end_lineno != first:  # first on its line: keep the comments above it
                segment = "\n".join([*lines[previous_end : first - 1], segment])
                start = previous_end + 1
        else:
            start = previous_end + 1
            segment = "\n".join(lines[start - 1 : node.end_lineno])
        leading = segment.split("\n")
        blank = 0
        while leading and not leading[0].strip():
            leading.pop(0)
            blank += 1
        gap = 0 if k == 0 else min(blank + max(0, start - previous_end - 1), 1)
        out.append(Statement(node, "\n".join(leading).rstrip(), cell, gap))
        previous_end = node.end_lineno or node.lineno
    return out, _comment_block(lines[previous_end:])


def comments_of(statement: Statement) -> tuple[list[str], list[str]]:
    """The comment lines above a statement, and the comments on its own lines."""
    above: list[str] = []
    inline: list[str] = []
    code_started = False
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(statement.text + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return above, inline
    for token in tokens:
        if token.type == tokenize.COMMENT:
            (inline if code_started else above).append(token.string.strip())
        elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            code_started = True
    return above, inline


def _call_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute):
            return func.attr
    return None


def display_only(node: ast.stmt, defined: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
    """A statement that only shows something in a notebook; ``defined`` names the notebook's own functions."""
    if not isinstance(node, ast.Expr):
        return False
    value = node.value
    if isinstance(value, ast.Call):
        name = _call_name(value)
        if isinstance(value.func, ast.Name):
            return name in DISPLAY_FUNCTIONS and name not in defined
        if name == "get_ipython" or (
            isinstance(value.func, ast.Attribute) and _call_name(value.func.value) == "get_ipython"
        ):
            return True
        return name in DISPLAY_METHODS
    effects = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)
    return not any(isinstance(n, effects) for n in ast.walk(value))
