"""Convert one notebook into its module file, safely.

A module edited by hand after conversion (or a file mltest did not write) is never overwritten
unless ``force=True``. The module is written atomically by :mod:`mltest._io`: an error never
leaves a partial module behind, the module keeps its mode, and a symbolic link is not written through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mltest import _io
from mltest.notebooks._module import ConversionError, build_module
from mltest.notebooks._read import read_notebook
from mltest.notebooks._select import select, selection_hash
from mltest.notebooks._sync import (
    body_untouched,
    fix_command,
    header,
    module_path,
    read_module,
    source_reference,
    split_header,
)

__all__ = ["Conversion", "convert_notebook"]


@dataclass
class Conversion:
    """What happened to one notebook: ``state`` is ``"written"``, ``"unchanged"`` or ``"skipped"``."""

    notebook: Path
    module: Path
    state: str
    message: str
    warnings: list[str] = field(default_factory=list)
    text: str = ""


def convert_notebook(
    notebook: Path, *, to: Path | None = None, out_dir: Path | None = None, force: bool = False, write: bool = True
) -> Conversion:
    """Convert ``notebook`` and write its module (unless ``write=False``)."""
    notebook = Path(notebook)
    selection = select(read_notebook(notebook))
    target = module_path(notebook, to=to, out_dir=out_dir, name=selection.default_exp)
    if not selection.is_python:
        message = f"skipped {notebook}: its kernel language is {selection.language!r}, not Python"
        return Conversion(notebook, target, "skipped", message)
    try:
        module = build_module(selection)
        text = header(source_reference(notebook, target), selection_hash(selection), module.body) + module.body
        compile(text, str(target), "exec", dont_inherit=True)
    except ConversionError as error:
        raise ConversionError(f"{notebook}: {error}") from None
    except SyntaxError as error:  # e.g. `await` outside a function; never write what cannot run
        message = f"{notebook}: the converted module does not compile: {error.msg} (line {error.lineno})"
        raise ConversionError(message) from None
    except (RecursionError, MemoryError):  # `1 + 1 + ...` 20,000 times: deeper than Python's own limits
        raise ConversionError(f"{notebook}: its code is nested too deeply for Python to convert") from None
    warnings = [f"{notebook}: {warning}" for warning in module.warnings]
    if target.exists():
        existing = read_module(target)
        parsed, body = split_header(existing) if existing is not None else (None, "")
        if not force and parsed is None:
            why = " (it is not UTF-8 text)" if existing is None else ""
            raise ConversionError(
                f"{target} was not written by `mltest convert`{why}: not overwritten; "
                f"run `{fix_command(notebook, target, force=True)}` to replace it"
            )
        if not force and not body_untouched(body, parsed):
            raise ConversionError(
                f"{target} was edited by hand after conversion: not overwritten; move the edits into {notebook}, "
                f"or run `{fix_command(notebook, target, force=True)}` to discard them"
            )
        if existing == text:
            return Conversion(notebook, target, "unchanged", f"{target} is up to date with {notebook}", warnings, text)
    if write:
        _io.write_text(target, text)
    return Conversion(
        notebook, target, "written", f"converted {notebook} -> {target} ({len(selection.cells)} cells)", warnings, text
    )
