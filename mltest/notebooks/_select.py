"""Which cells of a notebook are converted, and the hash of what was converted.

This module works on the notebook's raw JSON (a ``dict``), for nbformat v3 and v4 alike, and
imports only the standard library: ``mltest convert --check`` and the sync hook use it to tell
whether a notebook changed without importing nbformat or nbconvert.

Selection rules, in order:

* a code cell tagged ``injected-parameters`` (written by papermill when it ran the notebook)
  is never converted;
* a code cell tagged ``parameters`` (papermill) is always converted, as module-level constants;
* when any code cell is marked for export, by the tag ``export`` or by an nbdev directive
  (``#| export``, ``#| exports``, ``#| exporti`` or the older ``# export``) on one of its
  first lines, only the marked cells are converted;
* otherwise every code cell is converted.

The first Markdown cell before any selected code cell becomes the module's docstring (a cell of
comments only, such as a licence header, does not count as code here).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FORMAT_VERSION",
    "Cell",
    "Selection",
    "kernel_language",
    "notebook_cells",
    "select",
    "selection_hash",
]

# Bumped when the converted output of the same cells changes in a way worth reconverting.
FORMAT_VERSION = "2"

# nbdev directives: `#| export`, `#|export`, `# | export`, and the older `# export`.
_DIRECTIVE = re.compile(r"^\s*#\s*\|\s*(?P<body>.*)$")
_OLD_EXPORT = re.compile(r"^\s*#\s*(?P<body>export[si]?)\s*$")
_EXPORT_WORDS = {"export", "exports", "exporti"}
_DEFAULT_EXP = re.compile(r"^default_exp\s+(?P<name>\S+)")


@dataclass
class Cell:
    """One notebook cell, as the converter needs it.

    ``index`` is 1-based among all the cells of the notebook (the order Jupyter shows);
    ``kind`` is ``"code"``, ``"parameters"`` or ``"markdown"``; ``source`` has the nbdev
    directive lines removed.
    """

    index: int
    kind: str
    source: str
    execution_count: int | None = None

    @property
    def label(self) -> str:
        """How messages name the cell: ``cell 3 (In [5])``."""
        if self.execution_count is not None:
            return f"cell {self.index} (In [{self.execution_count}])"
        return f"cell {self.index}"


@dataclass
class Selection:
    """The cells of a notebook that are converted."""

    language: str
    docstring: str = ""
    cells: list[Cell] = field(default_factory=list)
    default_exp: str | None = None  # nbdev's `#| default_exp name`
    code_cells: int = 0  # code cells in the notebook, selected or not

    @property
    def is_python(self) -> bool:
        """``python``, ``python3``, ``ipython3``, ``Python 3``: all Python."""
        return "python" in self.language


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(value)
    return value if isinstance(value, str) else ""


def notebook_cells(notebook: dict[str, Any]) -> list[dict[str, Any]]:
    """The cells of a v4 or v3 notebook as v4-shaped dicts (``cell_type``, ``source``, ...).

    v3 keeps cells in worksheets and code in ``input``; heading cells become Markdown.
    """
    if notebook.get("nbformat", 4) >= 4:
        cells = notebook.get("cells", [])
        return cells if isinstance(cells, list) else []
    cells = []
    for worksheet in notebook.get("worksheets", []) or []:
        for cell in worksheet.get("cells", []) or []:
            kind = cell.get("cell_type")
            if kind == "code":
                cells.append(
                    {
                        "cell_type": "code",
                        "source": _text(cell.get("input", "")),
                        "metadata": cell.get("metadata", {}),
                        "execution_count": cell.get("prompt_number"),
                    }
                )
            elif kind == "heading":
                level = int(cell.get("level", 1) or 1)
                cells.append({"cell_type": "markdown", "source": "#" * level + " " + _text(cell.get("source", ""))})
            else:
                cells.append({"cell_type": kind, "source": _text(cell.get("source", "")), "metadata": {}})
    return cells


def kernel_language(notebook: dict[str, Any]) -> str:
    """The notebook's language in lower case; ``"python"`` when the notebook does not say."""
    metadata = notebook.get("metadata", {}) or {}
    for value in (
        (metadata.get("language_info") or {}).get("name"),
        (metadata.get("kernelspec") or {}).get("language"),
        metadata.get("language"),  # nbformat v3
    ):
        if isinstance(value, str) and value:
            return value.lower()
    return "python"


def _tags(cell: dict[str, Any]) -> set[str]:
    metadata = cell.get("metadata") or {}
    tags = metadata.get("tags") or []
    return {str(tag) for tag in tags} if isinstance(tags, list) else set()


def _split_directives(source: str) -> tuple[list[str], str]:
    """nbdev directives at the top of a cell, and the source without them."""
    lines = source.splitlines(keepends=True)
    directives = []
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _DIRECTIVE.match(line) or _OLD_EXPORT.match(line)
        if match:
            directives.append(match["body"].strip())
            i += 1
        elif not line.strip():
            i += 1
        else:
            break
    if not directives:
        return [], source
    return directives, "".join(lines[i:])


def _has_code(source: str) -> bool:
    """Whether a cell holds more than comments and blank lines."""
    return any(line.strip() and not line.lstrip().startswith("#") for line in source.splitlines())


def select(notebook: dict[str, Any]) -> Selection:
    """Pick the cells to convert from a raw (v3 or v4) notebook dict."""
    selection = Selection(language=kernel_language(notebook))
    cells = notebook_cells(notebook)
    candidates: list[tuple[Cell, bool]] = []  # (cell, marked for export)
    first_markdown: tuple[int, str] | None = None
    for index, raw in enumerate(cells, start=1):
        kind = raw.get("cell_type")
        source = _text(raw.get("source", ""))
        if kind == "markdown":
            if first_markdown is None and source.strip():
                first_markdown = (index, source)
            continue
        if kind != "code":
            continue
        selection.code_cells += 1
        tags = _tags(raw)
        directives, body = _split_directives(source)
        for directive in directives:
            match = _DEFAULT_EXP.match(directive)
            if match:
                selection.default_exp = match["name"]
        if "injected-parameters" in tags:
            continue
        count = raw.get("execution_count")
        cell = Cell(
            index=index,
            kind="parameters" if "parameters" in tags else "code",
            source=body,
            execution_count=count if isinstance(count, int) else None,
        )
        marked = "export" in tags or any(d.split()[0] in _EXPORT_WORDS for d in directives if d.split())
        candidates.append((cell, marked))
    any_marked = any(marked for _, marked in candidates)
    selection.cells = [cell for cell, marked in candidates if cell.kind == "parameters" or marked or not any_marked]
    selection.cells = [cell for cell in selection.cells if cell.source.strip()]
    with_code = [cell for cell in selection.cells if _has_code(cell.source)]  # a licence header does not count
    if first_markdown is not None and (not with_code or first_markdown[0] < with_code[0].index):
        selection.docstring = first_markdown[1]
    return selection


def selection_hash(selection: Selection) -> str:
    """A short SHA-256 of what is converted: the docstring and each selected cell's source."""
    payload = [FORMAT_VERSION, selection.docstring, *[[cell.kind, cell.source] for cell in selection.cells]]
    digest = hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()[:16]
