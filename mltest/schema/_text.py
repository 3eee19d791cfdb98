"""The text of a schema file, parsed safely: UTF-8, bounded nesting, no alias bombs.

Whatever the bytes, the result is the parsed mapping or a :class:`SchemaFileError` of one line:
a binary or latin-1 file, JSON nested 100,000 deep, or YAML aliases that expand to a billion
values ("billion laughs") are refused before pandera or mltest walks them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mltest.errors import MltestError

__all__ = ["MAX_VALUES", "SchemaFileError", "parse_schema_text"]

# A YAML file may expand through aliases to at most this many values (or its own length, if
# larger: without aliases a file cannot hold more values than it has characters).
MAX_VALUES = 100_000


class SchemaFileError(MltestError, ValueError):
    """A schema file is missing, is not YAML or JSON, or does not describe a pandera schema."""


SchemaFileError.__module__ = "mltest.schema"  # a traceback names it where users import it from


def one_line(error: BaseException) -> str:
    """An exception as one line of at most 300 characters (YAML errors with their position)."""
    mark = getattr(error, "problem_mark", None)  # YAML errors carry a position
    if mark is not None and getattr(error, "problem", None):
        return f"{error.problem} at line {mark.line + 1}, column {mark.column + 1}"
    text = " ".join(str(error).split())
    text = text or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def parse_schema_text(path: Path, where: str) -> Any:
    """The parsed content of ``path``: JSON for a ``.json`` file, YAML for anything else."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SchemaFileError(
            f"{where} is not UTF-8 text (byte 0x{raw[error.start]:02x} at position {error.start}): save it as UTF-8"
        ) from None
    too_deep = SchemaFileError(f"{where} is nested too deeply to be a schema")
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise SchemaFileError(f"{where} is not valid JSON: {one_line(error)}") from None
        except RecursionError:
            raise too_deep from None
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster
    try:
        parsed = yaml.load(text, Loader=loader)
    except yaml.YAMLError as error:
        raise SchemaFileError(f"{where} is not valid YAML: {one_line(error)}") from None
    except RecursionError:
        raise too_deep from None
    try:
        size = _expanded_size(parsed, where)
    except RecursionError:
        raise too_deep from None
    if size > max(MAX_VALUES, len(text)):
        raise SchemaFileError(
            f"{where} expands to more than {MAX_VALUES} values through YAML aliases: write the values out"
        )
    return parsed


def _expanded_size(value: Any, where: str) -> int:
    """How many values ``value`` holds once every alias is written out, counted without doing so.

    YAML aliases make the parsed lists and mappings share objects: each one is counted once
    and its size reused, so a billion-value bomb is measured in microseconds.
    """
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(item: Any) -> int:
        if not isinstance(item, (list, dict)):
            return 1
        key = id(item)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise SchemaFileError(f"{where} refers to itself through a YAML alias")
        open_.add(key)
        children = item.values() if isinstance(item, dict) else item
        total = 1 + sum(size(child) for child in children)
        open_.discard(key)
        sizes[key] = total
        return total

    return size(value)
