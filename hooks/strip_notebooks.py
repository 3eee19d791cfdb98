"""pre-commit hook ``mltest-strip-notebooks``: commit notebooks without outputs and noisy metadata.

What nbstripout does, without a git filter and without importing nbformat: outputs and
execution counts go, and so does metadata that only records a session (cell timings, collapsed
and scrolled states, widget state, papermill and Colab run records, VS Code and PyCharm
settings, the kernel's exact Python version). Tags, ids, attachments and the kernelspec stay.

A cell tagged ``keep_output`` (or with ``"keep_output": true`` in its metadata, as nbstripout
reads it) keeps its outputs. A notebook that is already clean is not rewritten, byte for byte;
a stripped notebook is written the way Jupyter writes it (one-space indent, sorted keys, UTF-8).
The hook fails when it changed a file, so the change can be reviewed and staged.
"""

from __future__ import annotations

import argparse
import copy
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mltest.hooks import _argv

from mltest import _io
from mltest._cli_boundary import Boundary
from mltest.notebooks._raw import read_json

__all__ = ["CELL_METADATA", "NOTEBOOK_METADATA", "main", "strip"]

CELL_METADATA = (
    "collapsed", "scrolled", "ExecuteTime", "execution", "heading_collapsed", "hidden", "papermill",
    "pycharm", "vscode", "colab", "id", "outputId", "executionInfo",
)  # fmt: skip
NOTEBOOK_METADATA = ("signature", "widgets", "papermill", "vscode", "colab", "accelerator", "gpuClass")


def _cells(notebook: dict[str, Any]) -> list[dict[str, Any]]:
    if notebook.get("nbformat", 4) >= 4:
        return notebook.get("cells", [])
    return [cell for sheet in notebook.get("worksheets", []) for cell in sheet.get("cells", [])]


def strip(notebook: dict[str, Any], *, keep_output: bool = False, keep_count: bool = False) -> dict[str, Any]:
    """A copy of ``notebook`` (v3 or v4 JSON) without outputs and session metadata."""
    notebook = copy.deepcopy(notebook)
    metadata = notebook.get("metadata", {})
    for key in NOTEBOOK_METADATA:
        metadata.pop(key, None)
    language = metadata.get("language_info")
    if isinstance(language, dict) and "name" in language:
        metadata["language_info"] = {"name": language["name"]}
    for cell in _cells(notebook):
        cell_metadata = cell.get("metadata", {})
        keep = keep_output or "keep_output" in (cell_metadata.get("tags") or []) or cell_metadata.get("keep_output")
        for key in CELL_METADATA:
            cell_metadata.pop(key, None)
        if cell.get("cell_type") != "code":
            continue
        if not keep:
            cell["outputs"] = []
        if not keep_count and not keep:
            if "execution_count" in cell:
                cell["execution_count"] = None
            if "prompt_number" in cell:
                del cell["prompt_number"]
    return notebook


def dumps(notebook: dict[str, Any]) -> str:
    """JSON as Jupyter writes it."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mltest-strip-notebooks", description=__doc__.splitlines()[0], allow_abbrev=False
    )
    parser.add_argument("files", nargs="*", help="notebooks (.ipynb)")
    parser.add_argument("--keep-output", action="store_true", help="keep every output (strip metadata only)")
    parser.add_argument("--keep-count", action="store_true", help="keep execution counts")
    args = _argv.parse(parser, argv)
    errors = Boundary("mltest-strip-notebooks")
    changed = 0
    for name in args.files:
        with errors.item():
            path = Path(name)
            notebook = read_json(path)
            stripped = strip(notebook, keep_output=args.keep_output, keep_count=args.keep_count)
            if stripped != notebook:
                _io.write_text(path, dumps(stripped))
                print(f"mltest-strip-notebooks: stripped outputs and metadata from {path}")
                changed += 1
    return 1 if changed or errors.count else 0


if __name__ == "__main__":
    raise SystemExit(main())
