"""Read a notebook for conversion: nbformat v4, or v3 upgraded to v4 by nbformat.

Errors name the file: invalid JSON, a missing or unknown ``nbformat``. nbformat is imported
here, on the conversion path only; ``--check`` reads the raw JSON (``_raw.read_json``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mltest.notebooks._raw import NotebookError, read_json

__all__ = ["read_notebook"]


def read_notebook(path: Path) -> dict[str, Any]:
    """The notebook at ``path`` as an nbformat v4 node (a dict)."""
    raw = read_json(path)
    if raw["nbformat"] == 4:
        return raw
    import nbformat

    try:
        return nbformat.reads(Path(path).read_text(encoding="utf-8"), as_version=4)
    except Exception as error:  # nbformat raises plain exceptions on malformed v3 files
        raise NotebookError(f"{path}: nbformat 3 notebook could not be upgraded to 4: {error}") from None
