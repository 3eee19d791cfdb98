"""A notebook's raw JSON, checked enough that nothing downstream trips over its shape.

``read_json`` is what ``mltest convert``, ``--check`` and the hooks read: it imports the
standard library only. A file that is not a notebook mltest can read (not UTF-8, invalid JSON,
JSON nested deeper than Python can follow, a list, an unknown ``nbformat``, ``null`` where
Jupyter writes an object or a list, a cell that is not an object, a ``source`` that is not
text) is a :class:`NotebookError` naming the file and what is wrong, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mltest.errors import MltestError

__all__ = ["NotebookError", "read_json"]


class NotebookError(MltestError):
    """A file is not a notebook mltest can read (invalid JSON, unknown nbformat, a malformed cell)."""


def _kind(value: Any) -> str:
    return "null" if value is None else repr(value) if len(repr(value)) <= 40 else type(value).__name__


def _expect(where: str, value: Any, kind: type, expected: str) -> None:
    if not isinstance(value, kind):
        raise ValueError(f"{where} is {_kind(value)}: expected {expected}")


def _check_cell(label: str, cell: Any) -> None:
    _expect(label, cell, dict, "an object")
    for key in ("metadata",):
        if key in cell:
            _expect(f"{label}: {key!r}", cell[key], dict, "an object")
    for key in ("source", "input"):
        value = cell.get(key, "")
        if not isinstance(value, str) and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ValueError(f"{label}: {key!r} is {_kind(value)}: expected text or a list of lines")
        try:
            "".join(value).encode("utf-8")
        except UnicodeEncodeError as error:  # a lone surrogate, such as "\ud800" in the JSON
            character = error.object[error.start]
            raise ValueError(f"{label}: {key!r} holds {character!r}, which is not a character") from None
    if "outputs" in cell:
        _expect(f"{label}: 'outputs'", cell["outputs"], list, "a list")
    if "cell_type" in cell:
        _expect(f"{label}: 'cell_type'", cell["cell_type"], str, "text")


def _check(notebook: dict[str, Any]) -> None:
    """Raise ValueError describing the first part of ``notebook`` that has the wrong shape."""
    if "metadata" in notebook:
        _expect("'metadata'", notebook["metadata"], dict, "an object")
    if notebook["nbformat"] == 4:
        _expect("'cells'", notebook.get("cells", []), list, "a list")
        for number, cell in enumerate(notebook.get("cells", []), start=1):
            _check_cell(f"cell {number}", cell)
        return
    _expect("'worksheets'", notebook.get("worksheets", []), list, "a list")
    number = 0
    for index, sheet in enumerate(notebook.get("worksheets", []), start=1):
        _expect(f"worksheet {index}", sheet, dict, "an object")
        _expect(f"worksheet {index}: 'cells'", sheet.get("cells", []), list, "a list")
        for cell in sheet.get("cells", []):
            number += 1
            _check_cell(f"cell {number}", cell)


def read_json(path: Path) -> dict[str, Any]:
    """The raw JSON of a notebook, with an error naming the file when it is not one."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a byte-order mark from a Windows editor is fine
    except UnicodeDecodeError as error:
        raise NotebookError(f"{path}: not a notebook: not UTF-8 text ({error.reason})") from None
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"{path}: not a notebook: invalid JSON at line {error.lineno} column {error.colno} ({error.msg})"
        ) from None
    except RecursionError:
        raise NotebookError(f"{path}: not a notebook: its JSON is nested too deeply") from None
    if not isinstance(notebook, dict) or "nbformat" not in notebook:
        raise NotebookError(f"{path}: not a notebook: no 'nbformat' field")
    version = notebook["nbformat"]
    if version not in (3, 4) or isinstance(version, bool):
        raise NotebookError(f"{path}: nbformat={version!r} is not supported: expected 3 or 4")
    try:
        _check(notebook)
    except ValueError as error:
        raise NotebookError(f"{path}: not a notebook: {error}") from None
    return notebook
