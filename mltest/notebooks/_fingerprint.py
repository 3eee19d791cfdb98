"""The fingerprint of a converted module's body: what a hand edit changes and a linter does not.

The header of a converted module stores the hash of its body *as code*, so that ``--check`` and
the sync hook can tell a module edited by hand (never overwritten) from one that ruff or black
reformatted or fixed (still in sync). What goes into the hash:

* the syntax tree, in a canonical form that the safe fixes of ``ruff check --fix`` do not change,
  at module level and inside ``main()`` alike: ``"{}".format(x)`` and ``f"{x}"`` (UP032), an
  f-string without fields and a plain string (F541), ``not x in y`` and ``x not in y`` (E713,
  E714), ``open(f, "r")`` and ``open(f)`` (UP015), ``IOError`` and ``OSError`` (UP024),
  ``class A(object)`` and ``class A`` (UP004), ``super(A, self)`` and ``super()`` (UP008),
  ``str("x")`` and ``"x"`` (UP018), ``getattr(x, "a")`` and ``x.a`` (B009, B010), ``1 == x`` and
  ``x == 1`` (SIM300), ``k in d.keys()`` and ``k in d`` (SIM118), ``x is 1`` and ``x == 1`` (F632),
  ``except E as e`` with ``e`` unused and ``except E`` (F841);
  docstrings without their indentation and trailing blanks (as ruff format rewrites them); no
  ``pass``; no annotations (UP006, UP007 rewrite them, and they do not change what runs);
* the comments, in order, except those of import statements, which go in as a set (isort moves
  them with their imports);
* the imports, as a set of what each binds from where, wherever they are (isort and ``ruff format``
  only reorder and regroup them). The imports a module never uses are part of :func:`fingerprint`
  but not of its ``pruned`` twin, so a module from which ``ruff check --fix`` removed them (F401,
  F811) matches the twin, while swapping ``from sklearn.linear_model import LogisticRegression``
  for another import matches neither.

Standard library only: the fast sync check imports this module.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import io
import string
import tokenize

__all__ = ["fingerprint", "matches"]

_OS_ERRORS = {"IOError", "EnvironmentError", "WindowsError"}
_LITERAL_TYPES = {"str": str, "bytes": bytes, "int": int, "float": float, "bool": bool}
_MIRROR = {ast.Eq: ast.Eq, ast.NotEq: ast.NotEq, ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE}


def _format_as_fstring(call: ast.Call) -> ast.JoinedStr | None:
    """``"...".format(args)`` as the f-string ruff's UP032 writes, or None when it cannot be one."""
    template = call.func.value.value  # type: ignore[attr-defined]
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    keywords = {k.arg: k.value for k in call.keywords}
    values: list[ast.expr] = []
    automatic = 0
    try:
        for literal, name, spec, conversion in string.Formatter().parse(template):
            if literal:
                values.append(ast.Constant(literal))
            if name is None:
                continue
            if spec and "{" in spec:
                return None
            if "." in name or "[" in name:  # `{0.real}`, `{0[1]}`: left as a call, as ruff leaves them
                return None
            if name == "":
                name, automatic = str(automatic), automatic + 1
            value = call.args[int(name)] if name.isdigit() else keywords[name]
            format_spec = ast.JoinedStr([ast.Constant(spec)]) if spec else None
            conv = ord(conversion) if conversion else -1
            values.append(ast.FormattedValue(copy.deepcopy(value), conv, format_spec))
    except (ValueError, IndexError, KeyError):
        return None
    return ast.JoinedStr(values)


class _Canonical(ast.NodeTransformer):
    """Rewrite a tree into the form the safe ruff fixes leave it in (see the module docstring)."""

    def visit_Import(self, node: ast.Import) -> None:
        return None  # imports count as bindings, apart (see _bindings)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        return None

    def visit_Pass(self, node: ast.Pass) -> None:
        return None

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        node.kind = None  # u"x" and "x" (UP025)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.annotation = None
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.returns = None
        return self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is None:
            return self.generic_visit(ast.Expr(node.target))
        return self.generic_visit(ast.Assign([node.target], node.value))

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.bases = [b for b in node.bases if not (isinstance(b, ast.Name) and b.id == "object")]
        return self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        if node.name and not any(isinstance(n, ast.Name) and n.id == node.name for b in node.body for n in ast.walk(b)):
            node.name = None  # `except E as e:` with e unused (F841)
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id in _OS_ERRORS:
            node.id = "OSError"
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.expr:
        self.generic_visit(node)
        merged: list[ast.expr] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and merged and isinstance(merged[-1], ast.Constant):
                merged[-1] = ast.Constant(merged[-1].value + value.value)
            elif not (isinstance(value, ast.Constant) and value.value == ""):
                merged.append(value)
        if all(isinstance(v, ast.Constant) for v in merged):
            return ast.Constant("".join(v.value for v in merged))  # type: ignore[attr-defined]
        node.values = merged
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "format"
            and isinstance(func.value, ast.Constant)
            and isinstance(func.value.value, str)
        ):
            fstring = _format_as_fstring(node)
            if fstring is not None:
                return self.visit(fstring)
        self.generic_visit(node)
        if not isinstance(func, ast.Name):
            return node
        if func.id == "open":
            return _open(node)
        if func.id == "super" and len(node.args) == 2 and not node.keywords:
            node.args = []
        elif func.id in _LITERAL_TYPES and len(node.args) == 1 and not node.keywords:
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and type(argument.value) is _LITERAL_TYPES[func.id]:
                return argument
        elif func.id == "getattr" and len(node.args) == 2 and _identifier(node.args[1]):
            return ast.Attribute(node.args[0], node.args[1].value, ast.Load())  # type: ignore[attr-defined]
        return node

    def visit_Expr(self, node: ast.Expr) -> ast.AST | None:
        value = node.value
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "setattr"
            and len(value.args) == 3
            and _identifier(value.args[1])
        ):
            target = ast.Attribute(value.args[0], value.args[1].value, ast.Store())  # type: ignore[attr-defined]
            return self.generic_visit(ast.Assign([target], value.args[2]))
        return self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        self.generic_visit(node)
        operand = node.operand
        if isinstance(node.op, ast.Not) and isinstance(operand, ast.Compare) and len(operand.ops) == 1:
            negated = {ast.In: ast.NotIn, ast.Is: ast.IsNot}.get(type(operand.ops[0]))
            if negated is not None:
                return ast.Compare(operand.left, [negated()], operand.comparators)
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        self.generic_visit(node)
        if len(node.ops) != 1:
            return node
        op, right = node.ops[0], node.comparators[0]
        if isinstance(op, (ast.Is, ast.IsNot)) and _literal(right) and right.value not in (None, True, False, ...):  # type: ignore[attr-defined]
            node.ops = [ast.Eq() if isinstance(op, ast.Is) else ast.NotEq()]
        if type(node.ops[0]) in _MIRROR and _literal(node.left) and not _literal(right):  # yoda (SIM300)
            node.left, node.comparators = right, [node.left]
            node.ops = [_MIRROR[type(node.ops[0])]()]
        if isinstance(node.ops[0], (ast.In, ast.NotIn)):
            target = node.comparators[0]
            if (
                isinstance(target, ast.Call)
                and isinstance(target.func, ast.Attribute)
                and target.func.attr == "keys"
                and not target.args
                and not target.keywords
            ):
                node.comparators = [target.func.value]  # `k in d.keys()` (SIM118)
        return node


def _identifier(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier()


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant)


def _open(node: ast.Call) -> ast.Call:
    """``open(f, "r")``, ``open(f, "rt")``, ``open(f, mode="r")``: ``open(f)`` (UP015)."""
    mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
        simplified = mode.value.replace("t", "").replace("U", "")
        if simplified == "r" and len(node.args) <= 2:
            node.args = node.args[:1]
            node.keywords = [k for k in node.keywords if k.arg != "mode"]
        else:
            mode.value = simplified
    return node


def _bindings(imports: list[ast.Import | ast.ImportFrom], used: set[str]) -> tuple[list[str], list[str]]:
    """Every import binding as ``name = what`` (sorted), and those the module uses (sorted).

    ``from a import b as c`` and ``import a.b as c`` are the same binding. ``import a.b`` is always
    in use (it loads ``a.b`` for whoever reads ``a``); of several bindings of one name, only the
    last can be (ruff's F811 removes the others); ``__future__`` imports never are (UP010).
    """
    found: list[tuple[str, str]] = []  # (binding, the name it binds), in the order of the module
    for node in imports:
        for alias in node.names:
            if isinstance(node, ast.Import) and alias.asname is None:
                name = alias.name.split(".")[0]
                binding = f"{name} = import {alias.name}"
                found.append((binding, "" if "." in alias.name else name))  # "": always in use
            elif isinstance(node, ast.Import):
                found.append((f"{alias.asname} = {alias.name}", alias.asname))
            else:
                source = "." * node.level + (node.module or "")
                found.append((f"{alias.asname or alias.name} = {source}.{alias.name}", alias.asname or alias.name))
    last = {name: binding for binding, name in found}
    in_use = {
        binding
        for binding, name in found
        if not name or (name in used and last[name] == binding and not binding.endswith(f"= __future__.{name}"))
    }
    return sorted({binding for binding, _ in found}), sorted(in_use)


def _survey(tree: ast.Module) -> tuple[list[ast.Import | ast.ImportFrom], set[str]]:
    """One walk over the tree: its imports; the names it reads (loaded names, and the strings of
    ``__all__``, as ruff counts them); and its docstrings made as ruff format leaves them, whatever
    their indentation and trailing blanks."""
    imports: list[ast.Import | ast.ImportFrom] = []
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Store):
                used.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(node)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            elements = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else []
            used |= {e.value for e in elements if isinstance(e, ast.Constant) and isinstance(e.value, str)}
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0].value if isinstance(node.body[0], ast.Expr) else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                first.value = "\n".join(line.strip() for line in first.value.strip().splitlines())
    imports.sort(key=lambda node: (node.lineno, node.col_offset))
    return imports, used


def _comments(body: str, imports: list[ast.Import | ast.ImportFrom]) -> tuple[list[str], list[str]]:
    """The comments outside import statements in order, and those of import statements sorted."""
    import_lines: set[int] = set()
    lines = body.split("\n")
    for node in imports:
        start = node.lineno
        while start > 1 and lines[start - 2].lstrip().startswith("#"):
            start -= 1
        import_lines.update(range(start, (node.end_lineno or node.lineno) + 1))
    ordered, of_imports = [], []
    for token in tokenize.generate_tokens(io.StringIO(body).readline):
        if token.type == tokenize.COMMENT:
            text = " ".join(token.string.lstrip("#").split())
            (of_imports if token.start[0] in import_lines else ordered).append(text)
    return ordered, sorted(of_imports)


_NOT_DUMPED = {"ctx", "type_comment", "kind", "type_params"}


def _dump(node: object) -> str:
    """The tree as text, the same under every Python version (``ast.dump`` changed in 3.12 and 3.13)."""
    if isinstance(node, ast.AST):
        fields = []
        for name in node._fields:
            value = getattr(node, name, None)
            if name not in _NOT_DUMPED and value is not None and not (isinstance(value, list) and not value):
                fields.append(f"{name}={_dump(value)}")
        return f"{type(node).__name__}({', '.join(fields)})"
    if isinstance(node, list):
        return "[" + ", ".join([_dump(value) for value in node]) + "]"
    return repr(node)


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def fingerprint(body: str) -> tuple[str, str | None]:
    """``(hash, pruned)`` of a module body: ``pruned`` leaves out the imports it never uses (None if none).

    A body Python cannot parse, or nested deeper than Python's limits, is hashed as text.
    """
    try:
        tree = ast.parse(body)
        imports, used_names = _survey(tree)
        ordered, of_imports = _comments(body, imports)
        code = _dump(_Canonical().visit(tree))
    except (SyntaxError, ValueError, tokenize.TokenError, RecursionError, MemoryError):
        return _digest("unparsable", body), None
    bindings, used = _bindings(imports, used_names)
    full = _digest(code, ordered, of_imports, bindings)
    pruned = _digest(code, ordered, of_imports, used) if used != bindings else None
    return full, pruned


def matches(body: str, stored: str, stored_pruned: str | None) -> bool:
    """Whether ``body`` is the module whose fingerprint was stored, ruff-fixed or formatted at most."""
    full, pruned = fingerprint(body)
    return full == stored or (pruned is None and full == stored_pruned)
