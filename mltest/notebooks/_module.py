"""Assemble the module from the selected cells.

The layout of a converted module, top to bottom:

1. the header (``_sync.header``): source notebook and hashes;
2. the docstring, from the notebook's first Markdown cell;
3. imports, hoisted from every cell, deduplicated, standard library first;
4. ``__all__``, the public top-level names (functions, classes, constants, parameters);
5. parameters (the papermill ``parameters`` cell) and constants (``UPPER_CASE = ...`` that only
   use names already defined at module level);
6. functions and classes, in notebook order;
7. everything else, in notebook order, inside ``def main()``, with an
   ``if __name__ == "__main__":`` guard. Names that functions read as globals, or that exist at
   module level, are declared ``global`` in ``main`` so they keep the notebook's meaning.

Statements keep their source text and comments (nothing is round-tripped through ``ast.unparse``).
Display-only statements are dropped: a bare expression without calls (``df``, ``df.shape``), a
call of a display method (``df.head()``, ``df.describe()``, ``plt.show()``), ``display(...)``
and ``get_ipython()`` calls, and imports from IPython.
"""

from __future__ import annotations

import ast
import builtins
import io
import sys
import tokenize
from dataclasses import dataclass, field

from mltest.errors import MltestError
from mltest.notebooks._ipython import transform_cell
from mltest.notebooks._select import Cell, Selection

__all__ = ["ConversionError", "Module", "build_module"]

DISPLAY_METHODS = {
    "head", "tail", "describe", "info", "sample", "value_counts", "nunique", "corr", "show", "display",
    "to_frame", "isna", "isnull", "count", "memory_usage", "dtypes", "unique", "summary",
}  # fmt: skip
DISPLAY_FUNCTIONS = {"display", "get_ipython", "HTML", "Markdown", "Image"}
DROPPED_IMPORT_ROOTS = {"IPython"}
_BUILTINS = set(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__builtins__"}


class ConversionError(MltestError):
    """A notebook cannot be converted (for example a cell with a syntax error)."""


@dataclass
class _Statement:
    node: ast.stmt
    text: str  # source with leading comments, not indented
    cell: Cell
    gap: int  # blank lines before it in the cell (0 for the first statement)


@dataclass
class Module:
    """The converted module's body (without header) and the warnings for the user."""

    body: str
    warnings: list[str] = field(default_factory=list)
    cells: int = 0


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


def _indent(text: str, prefix: str = "    ") -> str:
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


def _statements(cell: Cell, tree: ast.Module, text: str) -> list[_Statement]:
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
        out.append(_Statement(node, "\n".join(leading).rstrip(), cell, gap))
        previous_end = node.end_lineno or node.lineno
    return out


def _call_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute):
            return func.attr
    return None


def _display_only(node: ast.stmt) -> bool:
    if not isinstance(node, ast.Expr):
        return False
    value = node.value
    if isinstance(value, ast.Call):
        name = _call_name(value)
        if isinstance(value.func, ast.Name):
            return name in DISPLAY_FUNCTIONS
        if name == "get_ipython" or (
            isinstance(value.func, ast.Attribute) and _call_name(value.func.value) == "get_ipython"
        ):
            return True
        return name in DISPLAY_METHODS
    effects = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)
    return not any(isinstance(n, effects) for n in ast.walk(value))


def _dropped_import(node: ast.stmt) -> bool:
    if isinstance(node, ast.Import):
        return all(alias.name.split(".")[0] in DROPPED_IMPORT_ROOTS for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] in DROPPED_IMPORT_ROOTS and node.level == 0
    return False


def _bound_names(nodes: list[ast.stmt], *, descend: bool) -> set[str]:
    """Names bound by ``nodes``; with ``descend=False`` not inside nested functions, classes, lambdas."""
    names: set[str] = set()

    def visit(node: ast.AST, top: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            if not descend:
                for decorator in node.decorator_list:
                    visit(decorator, False)
                return
        if isinstance(node, ast.Lambda) and not descend:
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) and not descend:
            for generator in node.generators:
                visit(generator.iter, False)
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        for child in ast.iter_child_nodes(node):
            visit(child, False)

    for node in nodes:
        visit(node, True)
    return names


def _loaded_names(nodes: list[ast.AST]) -> list[str]:
    return [n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]


def _is_stdlib(module: str) -> bool:
    return module.split(".")[0] in sys.stdlib_module_names


def _render_imports(imports: list[ast.stmt]) -> str:
    """Deduplicated imports: ``__future__``, then standard library, then the rest."""
    plain: dict[str, None] = {}
    froms: dict[tuple[int, str], dict[str, None]] = {}
    for node in imports:
        if isinstance(node, ast.Import):
            for alias in node.names:
                plain[alias.name + (f" as {alias.asname}" if alias.asname else "")] = None
        elif isinstance(node, ast.ImportFrom):
            key = (node.level, node.module or "")
            for alias in node.names:
                froms.setdefault(key, {})[alias.name + (f" as {alias.asname}" if alias.asname else "")] = None
    sections: list[list[str]] = [[], [], [], []]  # future, stdlib, third party, relative
    for name in plain:
        sections[1 if _is_stdlib(name) else 2].append(f"import {name}")
    for (level, module), names in froms.items():
        line = f"from {'.' * level}{module} import {', '.join(sorted(names, key=str.lower))}"
        section = 0 if module == "__future__" else 3 if level else 1 if _is_stdlib(module) else 2
        sections[section].append(line)

    def key(line: str) -> tuple[int, str]:
        return (line.startswith("from "), line.split()[1].lower())

    return "\n\n".join("\n".join(sorted(lines, key=key)) for lines in sections if lines)


def _docstring(markdown: str) -> str:
    text = markdown.strip()
    lines = text.split("\n")
    lines[0] = lines[0].lstrip("#").strip()
    text = "\n".join(line.rstrip() for line in lines).strip()
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if "\n" in text or text.endswith('"'):
        return f'"""{text}\n"""'
    return f'"""{text}"""'


def _parse_cell(cell: Cell, text: str, origin: list[int]) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as error:
        line = error.lineno or 1
        original = origin[line - 1] if 0 < line <= len(origin) else line
        source_line = cell.source.splitlines()[original - 1].strip() if cell.source.splitlines() else ""
        raise ConversionError(
            f"{cell.label}, line {original}: {error.msg}: {source_line!r}; "
            "fix the cell, or leave it out of the export (tag the cells to convert with 'export')"
        ) from None


def build_module(selection: Selection) -> Module:
    """Convert the selected cells into the body of a module (no header)."""
    module = Module("", cells=len(selection.cells))
    imports: list[ast.stmt] = []
    constants: list[_Statement] = []
    definitions: list[_Statement] = []
    script: list[_Statement] = []
    loads_by_cell: list[tuple[Cell, list[ast.AST]]] = []
    module_level: set[str] = set()
    extra_imports: set[str] = set()

    for cell in selection.cells:
        transformed = transform_cell(cell.source)
        module.warnings += [f"{cell.label}: {note}" for note in transformed.notes]
        extra_imports |= transformed.imports
        if not transformed.text.strip():
            continue
        tree = _parse_cell(cell, transformed.text, transformed.origin)
        kept: list[ast.AST] = []
        loads_by_cell.append((cell, kept))
        for statement in _statements(cell, tree, transformed.text):
            node = statement.node
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if not _dropped_import(node):
                    imports.append(node)
                    module_level |= _bound_names([node], descend=False)
            elif _display_only(node):
                continue
            kept.append(node)
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                definitions.append(statement)
                module_level.add(node.name)
            elif _is_constant(node, cell, module_level):
                constants.append(statement)
                module_level |= _bound_names([node], descend=False)
            else:
                script.append(statement)
    for name in sorted(extra_imports):
        imports.append(ast.Import(names=[ast.alias(name=name)]))
        module_level.add(name)

    # Names bound by main() that functions read as globals, or that also live at module level.
    free_in_definitions = set(_loaded_names([s.node for s in definitions])) - _bound_names(
        [s.node for s in definitions], descend=True
    )
    bound_in_main = _bound_names([s.node for s in script], descend=False)
    globals_ = sorted(bound_in_main & (free_in_definitions | module_level))

    public = [
        name
        for name in dict.fromkeys(
            [n for s in constants for n in _bound_names([s.node], descend=False)] + [s.node.name for s in definitions]  # type: ignore[attr-defined]
        )
        if not name.startswith("_") and name != "main"
    ]

    parts: list[tuple[str, bool]] = []  # (text, is a function or class)
    if selection.docstring.strip():
        parts.append((_docstring(selection.docstring), False))
    if imports:
        parts.append((_render_imports(imports), False))
    if public:
        parts.append((_render_all(public), False))
    if constants:
        parts.append((_join(constants, indent=False), False))
    for statement in definitions:
        parts.append((statement.text, True))
    if script:
        body = ""
        for start in range(0, len(globals_), 8):
            body += "    global " + ", ".join(globals_[start : start + 8]) + "\n"
        if globals_:
            body += "\n"
        body += _join(script, indent=True)
        entry = next(n for n in ("main", "run_notebook", "_main") if n not in module_level | bound_in_main)
        parts.append((f"def {entry}() -> None:\n" + body, True))
        parts.append((f'if __name__ == "__main__":\n    {entry}()', True))
    module.body = _separate(parts)

    bound_anywhere = _bound_names([ast.parse(module.body)], descend=True) if module.body else set()
    reported: set[str] = set()
    if any(isinstance(node, ast.ImportFrom) and node.names[0].name == "*" for node in imports):
        module.warnings.append("a star import hides which names are defined: undefined names were not checked")
        loads_by_cell = []
    for cell, nodes in loads_by_cell:
        for name in _loaded_names(nodes):
            if name not in bound_anywhere and name not in _BUILTINS and name not in reported:
                reported.add(name)
                module.warnings.append(f"{cell.label}: name {name!r} is used but never defined in the converted cells")
    return module


def _is_constant(node: ast.stmt, cell: Cell, module_level: set[str]) -> bool:
    if not isinstance(node, (ast.Assign, ast.AnnAssign)):
        return False
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if not all(isinstance(t, ast.Name) for t in targets) or (node.value is None and cell.kind != "parameters"):
        return False
    if cell.kind == "parameters":
        return True
    if not all(t.id.isupper() for t in targets):  # type: ignore[attr-defined]
        return False
    return set(_loaded_names([node.value] if node.value else [])) <= (module_level | _BUILTINS)


def _render_all(names: list[str]) -> str:
    """``__all__`` sorted as ruff's RUF022 wants: constants, classes, then the rest."""
    names = sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))
    one_line = "__all__ = [" + ", ".join(f'"{n}"' for n in names) + "]"
    if len(one_line) <= 120:
        return one_line
    return "__all__ = [\n" + "".join(f'    "{n}",\n' for n in names) + "]"


def _join(statements: list[_Statement], *, indent: bool) -> str:
    text = ""
    previous: Cell | None = None
    for statement in statements:
        if previous is not None:
            text += "\n\n" if (statement.cell is not previous or statement.gap) else "\n"
        text += _indent(statement.text) if indent else statement.text
        previous = statement.cell
    return text


def _separate(parts: list[tuple[str, bool]]) -> str:
    """Two blank lines around functions, classes and main; one elsewhere."""
    out = ""
    for k, (text, block) in enumerate(parts):
        if k:
            out += "\n\n\n" if block or parts[k - 1][1] else "\n\n"
        out += text.rstrip()
    return out + "\n" if out else ""
