"""Set values in params.yaml by editing its text, so that every comment and blank line stays.

A round trip through a YAML library would drop the comments that explain each setting. Here a
setting `section.key` is found by its indentation and only its value changes; a new key goes
after a named sibling. Values are written in YAML's flow style (`[sex]`, `{age: 0.1}`), which
yaml.safe_load reads back as the same value (`set_values` checks that it does).
"""

from __future__ import annotations

import re
from typing import Any

import yaml


class EditError(ValueError):
    """params.yaml is laid out in a way the text edit does not follow: set the value by hand."""


def flow(value: Any) -> str:
    """`value` as one line of YAML (a string that YAML would read otherwise is quoted)."""
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10_000)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def set_values(text: str, settings: dict[tuple[str, str], Any], after: dict[str, str]) -> str:
    """`text` with each (section, key) of `settings` set; a missing key goes after `after[key]`."""
    for (section, key), value in settings.items():
        text = _set(text, section, key, flow(value), after.get(key))
    data = yaml.safe_load(text)
    for (section, key), value in settings.items():
        if (data.get(section) or {}).get(key) != value:
            raise EditError(f"{section}.{key}: set it to {flow(value)}")
    return text


def _set(text: str, section: str, key: str, rendered: str, after: str | None) -> str:
    lines = text.splitlines(keepends=True)
    start, end = _section(lines, section)
    indent = _child_indent(lines, start, end)
    line = _key_line(lines, start, end, indent, key)
    if line is None:
        anchor = _key_line(lines, start, end, indent, after) if after else None
        if anchor is None:
            raise EditError(f"{section}.{key}: add `{key}: {rendered}` under `{section}:`")
        position = anchor + 1 + len(_block_lines(lines, anchor, indent, comments=True))
        lines.insert(position, f"{' ' * indent}{key}: {rendered}\n")
        return "".join(lines)
    head, value, comment = _split(lines[line], indent, key)
    if value == rendered:
        return text
    new = head + " " + rendered
    if comment:
        column = lines[line].index(comment)
        new = new.ljust(max(column, len(new) + 2)) + comment
    old_block = [] if value else _block_lines(lines, line, indent, comments=True)
    lines[line : line + 1 + len(old_block)] = [new + "\n"]
    return "".join(lines)


def _section(lines: list[str], section: str) -> tuple[int, int]:
    """The body of a top-level mapping `section:`: (first line, line after the last)."""
    for index, line in enumerate(lines):
        if re.match(rf"{re.escape(section)}:\s*(#.*)?$", line.rstrip("\n")):
            end = index + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t"):
                end += 1
            return index + 1, end
    raise EditError(f"{section}: the section is not there; add it")


def _child_indent(lines: list[str], start: int, end: int) -> int:
    for line in lines[start:end]:
        if line.strip() and not line.lstrip().startswith("#"):
            return len(line) - len(line.lstrip(" "))
    return 2


def _key_line(lines: list[str], start: int, end: int, indent: int, key: str) -> int | None:
    pattern = re.compile("^" + " " * indent + re.escape(key) + r":(\s|$)")
    return next((i for i in range(start, end) if pattern.match(lines[i])), None)


def _block_lines(lines: list[str], line: int, indent: int, *, comments: bool) -> list[str]:
    """The lines after `line` indented deeper than `indent` (its block value, or its comments)."""
    block = []
    for following in lines[line + 1 :]:
        depth = len(following) - len(following.lstrip(" "))
        if not following.strip() or depth <= indent:
            break
        if not comments and following.lstrip().startswith("#"):
            break
        block.append(following)
    return block


def _split(line: str, indent: int, key: str) -> tuple[str, str, str]:
    """(`  key:`, the value, the comment with its '#') of a key's line."""
    head = f"{' ' * indent}{key}:"
    rest = line[len(head) :].rstrip("\n")
    quote = None
    for index, char in enumerate(rest):
        if char in "'\"" and quote in (None, char):
            quote = None if quote else char
        elif char == "#" and quote is None and (index == 0 or rest[index - 1] in " \t"):
            return head, rest[:index].strip(), rest[index:]
    return head, rest.strip(), ""
