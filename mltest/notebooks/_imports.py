"""The imports of a converted module: hoisted from every cell, deduplicated, sorted, comments kept.

An import from IPython is dropped (the module runs under plain Python). What the hoisting can
change is said rather than silently done: an import that came after a ``sys.path`` change in the
notebook now runs before it (a warning names the line), and an import of a module that a
``%%writefile`` cell of the notebook wrote cannot work at all (the conversion is refused).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field

__all__ = ["DROPPED_IMPORT_ROOTS", "Hoisted", "changes_sys_path", "dropped", "imported_roots", "is_stdlib", "render"]

DROPPED_IMPORT_ROOTS = {"IPython"}
_PATH_METHODS = {"append", "insert", "extend", "remove", "pop", "clear", "__setitem__"}


@dataclass
class Hoisted:
    """One import statement of a cell, with its comments: the lines above it and those on its lines."""

    node: ast.Import | ast.ImportFrom
    above: list[str] = field(default_factory=list)
    inline: list[str] = field(default_factory=list)


def is_stdlib(module: str) -> bool:
    return module.split(".")[0] in sys.stdlib_module_names


def dropped(node: ast.stmt) -> bool:
    """An import of IPython, which a module does not need."""
    if isinstance(node, ast.Import):
        return all(alias.name.split(".")[0] in DROPPED_IMPORT_ROOTS for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] in DROPPED_IMPORT_ROOTS and node.level == 0
    return False


def imported_roots(node: ast.Import | ast.ImportFrom) -> set[str]:
    """The top-level modules an import statement loads (none for a relative import)."""
    if isinstance(node, ast.Import):
        return {alias.name.split(".")[0] for alias in node.names}
    return {(node.module or "").split(".")[0]} if node.level == 0 and node.module else set()


def _is_sys_path(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def changes_sys_path(statement: ast.stmt) -> bool:
    """Whether ``statement`` changes ``sys.path`` (a method call on it, or an assignment to it)."""
    for node in ast.walk(statement):
        func = node.func if isinstance(node, ast.Call) else None
        if isinstance(func, ast.Attribute) and func.attr in _PATH_METHODS and _is_sys_path(func.value):
            return True
        targets = list(node.targets) if isinstance(node, ast.Assign) else []
        targets += [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        if any(_is_sys_path(t) or (isinstance(t, ast.Subscript) and _is_sys_path(t.value)) for t in targets):
            return True
    return False


def _alias(alias: ast.alias) -> str:
    return alias.name + (f" as {alias.asname}" if alias.asname else "")


def render(hoisted: list[Hoisted]) -> str:
    """Deduplicated imports: ``__future__``, then standard library, then the rest, then relative ones.

    The comment lines above an import stay above the line that holds it; comments on its own
    line stay at the end of that line.
    """
    plain: dict[str, None] = {}
    froms: dict[tuple[int, str], dict[str, None]] = {}
    above: dict[str, list[str]] = {}
    inline: dict[str, list[str]] = {}
    for item in hoisted:
        node = item.node
        if isinstance(node, ast.Import):
            keys = [f"import {_alias(alias)}" for alias in node.names]
            plain.update(dict.fromkeys(keys))
        else:
            key = (node.level, node.module or "")
            froms.setdefault(key, {}).update(dict.fromkeys(_alias(alias) for alias in node.names))
            keys = [f"from {'.' * node.level}{node.module or ''} import"]
        for comments, found in ((above, item.above), (inline, item.inline)):
            known = comments.setdefault(keys[0], [])
            known += [comment for comment in found if comment not in known]
    sections: list[list[tuple[str, str]]] = [[], [], [], []]  # future, stdlib, third party, relative
    for line in plain:
        sections[1 if is_stdlib(line.split()[1]) else 2].append((line, line))
    for (level, module), names in froms.items():
        key = f"from {'.' * level}{module} import"
        line = f"{key} {', '.join(sorted(names, key=str.lower))}"
        section = 0 if module == "__future__" else 3 if level else 1 if is_stdlib(module) else 2
        sections[section].append((key, line))

    def order(item: tuple[str, str]) -> tuple[bool, str]:
        return (item[1].startswith("from "), item[1].split()[1].lower())

    blocks = []
    for lines in sections:
        rendered = []
        for key, line in sorted(lines, key=order):
            rendered += above.get(key, [])
            rendered.append(line + ("  " + " ".join(inline[key]) if inline.get(key) else ""))
        if rendered:
            blocks.append("\n".join(rendered))
    return "\n\n".join(blocks)
