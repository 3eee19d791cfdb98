"""Which names a piece of converted code binds and reads: what keeps a notebook's meaning in ``main()``.

A notebook runs every cell in one namespace; the converted module puts functions at module level
and the script code inside ``main()``. A function that reads a name the script assigns works only
if ``main()`` declares that name ``global``. Which names a function reads from the module is
Python's own answer (:mod:`symtable`), scope by scope: a parameter ``weights`` of one function
does not make ``weights`` local to another function that reads the notebook's ``weights``.
"""

from __future__ import annotations

import ast
import builtins
import symtable

__all__ = ["BUILTINS", "bound_names", "global_reads", "loaded_names"]

BUILTINS = set(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__builtins__"}


def bound_names(nodes: list[ast.stmt], *, descend: bool) -> set[str]:
    """Names bound by ``nodes``; with ``descend=False`` not inside nested functions, classes, lambdas."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            if not descend:
                for decorator in node.decorator_list:
                    visit(decorator)
                return
        if isinstance(node, ast.Lambda) and not descend:
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) and not descend:
            for generator in node.generators:
                visit(generator.iter)
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names if alias.name != "*")
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
            visit(child)

    for node in nodes:
        visit(node)
    return names


def loaded_names(nodes: list[ast.AST]) -> list[str]:
    return [n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]


def global_reads(sources: list[str]) -> set[str]:
    """Names that the functions and classes defined in ``sources`` use from the module's namespace.

    Each source is the text of one top-level definition. What its body, or the body of anything
    nested in it, reads or writes as a global counts; what runs when the definition itself runs
    (decorators, default values, base classes) does not: that happens at import, before ``main()``.
    """
    found: set[str] = set()

    def walk(table: symtable.SymbolTable) -> None:
        for child in table.get_children():
            found.update(symbol.get_name() for symbol in child.get_symbols() if symbol.is_global())
            walk(child)

    for source in sources:
        try:
            walk(symtable.symtable(source, "<cell>", "exec"))
        except SyntaxError:  # compiled before: cannot happen, but never fail the conversion over it
            continue
    return found
