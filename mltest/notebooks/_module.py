"""Assemble the module from the selected cells.

The layout of a converted module, top to bottom:

1. the header (``_sync.header``): source notebook and hashes;
2. comment cells that come before any code (a licence header), as they are;
3. the docstring, from the notebook's first Markdown cell;
4. imports, hoisted from every cell, deduplicated, standard library first, with their comments
   (``_imports``);
5. ``__all__``, the public top-level names (functions, classes, constants, parameters);
6. parameters (the papermill ``parameters`` cell) and constants (``UPPER_CASE = ...`` that only
   use names already defined at module level);
7. functions and classes, in notebook order;
8. everything else, in notebook order, inside ``def main()``, with an
   ``if __name__ == "__main__":`` guard. Names that functions read as globals, or that exist at
   module level, are declared ``global`` in ``main`` so they keep the notebook's meaning
   (``_names.global_reads``).

Statements keep their source text and comments (``_statements``); comments after a cell's last
statement and cells of comments only are kept before the next statement. Display-only statements
are dropped, except calls of a function the notebook defines itself (its own ``display``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from mltest.errors import MltestError
from mltest.notebooks import _imports
from mltest.notebooks._imports import Hoisted
from mltest.notebooks._ipython import Transformed, transform_cell
from mltest.notebooks._names import BUILTINS, bound_names, global_reads, loaded_names
from mltest.notebooks._select import Cell, Selection
from mltest.notebooks._statements import DISPLAY_FUNCTIONS, Statement, comments_of, display_only, indent, statements

__all__ = ["ConversionError", "Module", "build_module"]


class ConversionError(MltestError):
    """A notebook cannot be converted (for example a cell with a syntax error)."""


@dataclass
class Module:
    """The converted module's body (without header) and the warnings for the user."""

    body: str
    warnings: list[str] = field(default_factory=list)
    cells: int = 0


@dataclass
class _Parsed:
    cell: Cell
    transformed: Transformed
    statements: list[Statement]
    trailing: str  # comments after the last statement (the whole cell when it holds comments only)


@dataclass
class _Parts:
    """The sections of the module as the cells are read, in notebook order."""

    preamble: list[str] = field(default_factory=list)
    imports: list[Hoisted] = field(default_factory=list)
    constants: list[Statement] = field(default_factory=list)
    definitions: list[Statement] = field(default_factory=list)
    script: list[Statement] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # comments waiting for the next statement
    module_level: set[str] = field(default_factory=set)
    loads: list[tuple[Cell, list[ast.AST]]] = field(default_factory=list)
    path_changes: list[tuple[str, list[str]]] = field(default_factory=list)  # (where, imports after it)
    kept_any: bool = False


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
    except (RecursionError, MemoryError):
        raise ConversionError(f"{cell.label}: the cell is nested too deeply for Python to parse") from None
    except SyntaxError as error:
        line = error.lineno or 1
        original = origin[line - 1] if 0 < line <= len(origin) else line
        source_line = cell.source.splitlines()[original - 1].strip() if cell.source.splitlines() else ""
        raise ConversionError(
            f"{cell.label}, line {original}: {error.msg}: {source_line!r}; "
            "fix the cell, or leave it out of the export (tag the cells to convert with 'export')"
        ) from None


def _parse(cell: Cell) -> _Parsed:
    transformed = transform_cell(cell.source)
    if not transformed.text.strip():
        return _Parsed(cell, transformed, [], "")
    tree = _parse_cell(cell, transformed.text, transformed.origin)
    found, trailing = statements(cell, tree, transformed.text)
    return _Parsed(cell, transformed, found, trailing)


def _take_pending(parts: _Parts) -> list[str]:
    """The comments waiting for the next statement; before any code at all they go to the module's top."""
    pending, parts.pending = parts.pending, []
    if pending and not parts.kept_any:
        parts.preamble += pending
        return []
    return pending


def _hoist(parts: _Parts, statement: Statement) -> None:
    node = statement.node
    assert isinstance(node, (ast.Import, ast.ImportFrom))
    pending = [line for block in _take_pending(parts) for line in block.split("\n") if line.strip()]
    above, inline = comments_of(statement)
    parts.imports.append(Hoisted(node, [*pending, *above], inline))
    parts.module_level |= bound_names([node], descend=False)
    if not any(_imports.is_stdlib(root) for root in _imports.imported_roots(node)):
        for _, after in parts.path_changes:
            after.append(ast.unparse(node))


def _place(parts: _Parts, parsed: _Parsed, defined: set[str]) -> None:
    """Put each statement of a cell into its section."""
    cell, origin = parsed.cell, parsed.transformed.origin
    kept: list[ast.AST] = []
    parts.loads.append((cell, kept))
    for statement in parsed.statements:
        node = statement.node
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if not _imports.dropped(node):
                _hoist(parts, statement)
                kept.append(node)
            parts.kept_any = True
            continue
        if display_only(node, defined):
            continue
        kept.append(node)
        pending = _take_pending(parts)
        if pending:
            statement.text = "\n\n".join(pending) + "\n" + statement.text
        parts.kept_any = True
        if "path" in statement.text and _imports.changes_sys_path(node):
            line = origin[node.lineno - 1] if 0 < node.lineno <= len(origin) else node.lineno
            parts.path_changes.append((f"{cell.label}, line {line}", []))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            parts.definitions.append(statement)
            parts.module_level.add(node.name)
        elif _is_constant(node, cell, parts.module_level):
            parts.constants.append(statement)
            parts.module_level |= bound_names([node], descend=False)
        else:
            parts.script.append(statement)
    if parsed.trailing:
        parts.pending.append(parsed.trailing)


def _refuse_written_modules(parsed: list[_Parsed]) -> None:
    """A %%writefile cell wrote a module that the converted cells import: the module cannot do without it."""
    if not any((item.transformed.writes or "").endswith(".py") for item in parsed):
        return
    imports = [
        node
        for item in parsed
        for statement in item.statements
        for node in ast.walk(statement.node)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    ]
    for item in parsed:
        written = item.transformed.writes
        if not written or not written.endswith(".py"):
            continue
        name = written.rsplit("/", 1)[-1].removesuffix(".py")
        users = [node for node in imports if name in _imports.imported_roots(node)]
        if users:
            magic = item.cell.source.split("%%", 1)[1].split()[0]
            raise ConversionError(
                f"{item.cell.label}: %%{magic} {written} writes a module that the converted cells import "
                f"({ast.unparse(users[0])}), and a converted module cannot write it: make {written} a file of the "
                "project, or leave the cells that import it out of the export"
            )


def _own_display_names(parsed: list[_Parsed]) -> set[str]:
    """The names of display functions (``display``, ``HTML``, ...) that the notebook defines itself."""
    named = [
        s.node
        for p in parsed
        for s in p.statements
        if not _imports.dropped(s.node) and any(name in s.text for name in DISPLAY_FUNCTIONS)
    ]
    return bound_names(named, descend=False) & DISPLAY_FUNCTIONS


def build_module(selection: Selection) -> Module:
    """Convert the selected cells into the body of a module (no header)."""
    module = Module("", cells=len(selection.cells))
    parsed = [_parse(cell) for cell in selection.cells]
    extra_imports: set[str] = set()
    for item in parsed:
        module.warnings += [f"{item.cell.label}: {note}" for note in item.transformed.notes]
        extra_imports |= item.transformed.imports
    defined = _own_display_names(parsed)
    parts = _Parts()
    for item in parsed:
        if not item.statements and item.trailing and not parts.kept_any:
            parts.preamble.append(item.trailing)  # a comment cell before any code: a licence header
            continue
        _place(parts, item, defined)
    for name in sorted(extra_imports):
        parts.imports.append(Hoisted(ast.Import(names=[ast.alias(name=name)])))
        parts.module_level.add(name)
    _refuse_written_modules(parsed)
    for where, after in parts.path_changes:
        if after:
            shown = "; ".join(after[:4]) + (f"; and {len(after) - 4} more" if len(after) > 4 else "")
            module.warnings.append(
                f"{where}: sys.path is changed here, but the imports after it are hoisted above it ({shown}): "
                "install the package they come from, or import it relative to the module"
            )
    module.body = _assemble(selection, parts)
    module.warnings += _undefined(module.body, parts)
    return module


def _assemble(selection: Selection, parts: _Parts) -> str:
    bound_in_main = bound_names([s.node for s in parts.script], descend=False)
    # Names bound by main() that functions read as globals, or that also live at module level.
    reads = global_reads([s.text for s in parts.definitions])
    globals_ = sorted(bound_in_main & (reads | parts.module_level))
    public = [
        name
        for name in dict.fromkeys(
            [n for s in parts.constants for n in bound_names([s.node], descend=False)]
            + [s.node.name for s in parts.definitions]  # type: ignore[attr-defined]
        )
        if not name.startswith("_") and name != "main"
    ]
    blocks: list[tuple[str, bool]] = []  # (text, is a function or class)
    if parts.preamble:
        blocks.append(("\n\n".join(parts.preamble), False))
    if selection.docstring.strip():
        blocks.append((_docstring(selection.docstring), False))
    if parts.imports:
        blocks.append((_imports.render(parts.imports), False))
    if public:
        blocks.append((_render_all(public), False))
    if parts.constants:
        blocks.append((_join(parts.constants, indent_=False), False))
    for statement in parts.definitions:
        blocks.append((statement.text, True))
    if parts.script:
        body = "".join("    global " + ", ".join(globals_[i : i + 8]) + "\n" for i in range(0, len(globals_), 8))
        body += "\n" if globals_ else ""
        body += _join(parts.script, indent_=True)
        if parts.pending:
            body += "\n\n" + indent("\n\n".join(parts.pending))
            parts.pending = []
        entry = next(n for n in ("main", "run_notebook", "_main") if n not in parts.module_level | bound_in_main)
        blocks.append((f"def {entry}() -> None:\n" + body, True))
        blocks.append((f'if __name__ == "__main__":\n    {entry}()', True))
    if parts.pending:
        blocks.append(("\n\n".join(parts.pending), False))
    return _separate(blocks)


def _undefined(body: str, parts: _Parts) -> list[str]:
    """A warning for each name the converted cells use but never define."""
    if any(isinstance(h.node, ast.ImportFrom) and h.node.names[0].name == "*" for h in parts.imports):
        return ["a star import hides which names are defined: undefined names were not checked"]
    bound_anywhere = bound_names([ast.parse(body)], descend=True) if body else set()
    warnings, reported = [], set()
    for cell, nodes in parts.loads:
        for name in loaded_names(nodes):
            if name not in bound_anywhere and name not in BUILTINS and name not in reported:
                reported.add(name)
                warnings.append(f"{cell.label}: name {name!r} is used but never defined in the converted cells")
    return warnings


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
    return set(loaded_names([node.value] if node.value else [])) <= (module_level | BUILTINS)


def _render_all(names: list[str]) -> str:
    """``__all__`` sorted as ruff's RUF022 wants: constants, classes, then the rest."""
    names = sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))
    one_line = "__all__ = [" + ", ".join(f'"{n}"' for n in names) + "]"
    if len(one_line) <= 120:
        return one_line
    return "__all__ = [\n" + "".join(f'    "{n}",\n' for n in names) + "]"


def _join(found: list[Statement], *, indent_: bool) -> str:
    text = ""
    previous: Cell | None = None
    for statement in found:
        if previous is not None:
            text += "\n\n" if (statement.cell is not previous or statement.gap) else "\n"
        text += indent(statement.text) if indent_ else statement.text
        previous = statement.cell
    return text


def _separate(blocks: list[tuple[str, bool]]) -> str:
    """Two blank lines around functions, classes and main; one elsewhere."""
    out = ""
    for k, (text, block) in enumerate(blocks):
        if k:
            out += "\n\n\n" if block or blocks[k - 1][1] else "\n\n"
        out += text.rstrip()
    return out + "\n" if out else ""
