"""Turn a cell's IPython syntax into plain Python: magics, shell escapes, help.

Why not IPython's own ``TransformerManager``: IPython is not a dependency of mltest (it would
pull in a dozen packages for a pre-commit hook), and it only rewrites magics into
``get_ipython().run_line_magic(...)`` calls, which crash under plain Python. What we need is a
decision per construct: keep the code a magic wraps, rewrite what has a plain-Python meaning,
drop what only mattered in the notebook.

How: a cell that parses as Python is left alone (most cells). Otherwise the cell is walked one
*logical* line at a time; Python's own tokenizer decides where a logical line ends (so a ``%``
or ``!`` inside a multi-line string or an open bracket is never mistaken for a magic), and each
line that starts with an IPython escape is rewritten:

* ``%%time``, ``%%capture``, ``%%prun``, ``%%python``: the body is kept; ``%%timeit`` drops
  the cell (IPython runs it in a function of its own, so it never defines anything); any
  other cell magic (``%%bash``, ``%%writefile``, ``%%file``, ``%%html``, ...) drops the cell, with a
  note (the converter refuses a notebook whose converted cells import the module such a cell writes);
* ``%time stmt``, ``%prun stmt``: the statement is kept; ``%timeit stmt`` is dropped; ``%env NAME=value`` becomes
  ``os.environ[...]``; ``%run``, ``%cd``, ``%store``, ``%load`` are dropped with a note; other
  line magics (``%matplotlib``, ``%load_ext``, ``%pip``, ...) are dropped;
* ``x = !cmd`` becomes ``subprocess.run(...)`` whose output lines are assigned; a bare ``!cmd``
  runs through ``subprocess.run(..., check=True)`` unless it only installs packages or shows
  something (``pip``, ``ls``, ``head``, ``nvidia-smi``, ...), which is dropped;
  ``{expr}`` and ``$name`` in a command become f-string fields (``$UPPER`` is left to the shell);
* ``obj?``, ``?obj``, ``obj??``: dropped.

Each output line remembers the line of the cell it came from, for error messages.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field

__all__ = ["Transformed", "transform_cell"]

KEEP_BODY_CELL_MAGICS = {"time", "capture", "prun", "python", "python3", "debug"}
KEEP_STATEMENT_LINE_MAGICS = {"time", "prun"}
# IPython runs these in a function of their own: what they assign never reaches the notebook.
DROPPED_CELL_MAGICS = {"timeit", "memit"}
NOTED_LINE_MAGICS = {
    "run": "it runs another script: import what the module needs from it instead",
    "cd": "the module does not change directory: use paths relative to the project",
    "store": "stored variables are not restored outside IPython",
    "load": "the loaded code is not part of the notebook",
    "sx": "shell output is not captured here",
    "pylab": "import numpy and matplotlib explicitly instead",
}
# Shell commands that install packages or only show something: dropped from a module.
DROPPED_PROGRAMS = {
    "pip", "pip3", "conda", "mamba", "micromamba", "uv", "apt", "apt-get", "brew", "poetry",
    "ls", "ll", "dir", "cat", "head", "tail", "less", "more", "pwd", "echo", "nvidia-smi", "which",
    "du", "df", "wc", "tree", "file", "free", "top", "ps", "whoami", "date", "env", "printenv",
}  # fmt: skip

_ASSIGN = re.compile(r"^(?P<indent>\s*)(?P<targets>[^=!%]+?)\s*=\s*(?P<escape>!|%(?!%))(?P<rest>.*)$", re.DOTALL)
_HELP = re.compile(r"^\s*(\?{1,2}.*|.*?\?{1,2})\s*$", re.DOTALL)
_PRUN_OPTIONS = re.compile(r"^(?:-[slTD]\s*\S+\s+|-[rq]\s+)*")
_DOLLAR = re.compile(r"\$(\$|[A-Za-z_]\w*)")


@dataclass
class Transformed:
    """The plain-Python text of a cell, the cell line of each output line, and notes."""

    text: str
    origin: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    writes: str | None = None  # the file a %%writefile / %%file cell writes


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def transform_cell(source: str) -> Transformed:
    """Rewrite the IPython syntax of one cell; see the module docstring for the rules."""
    lines = source.splitlines()
    if _parses(source):
        return Transformed(source, list(range(1, len(lines) + 1)))
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        name, _, args = lines[first].lstrip()[2:].partition(" ")
        if name in DROPPED_CELL_MAGICS:
            return Transformed("", [])
        if name not in KEEP_BODY_CELL_MAGICS:
            note = f"%%{name} cell not converted: it is not Python"
            if name in ("writefile", "file"):
                target = next((word for word in args.split() if not word.startswith("-")), None)
                note = f"%%{name} cell not converted: the module does not write {target or 'the file'}"
                return Transformed("", [], [note], writes=target)
            return Transformed("", [], [note])
        body = _transform_lines(lines[first + 1 :], offset=first + 1)
        if name == "capture" and args.split():
            body.notes.append(f"%%capture {args.split()[0]}: the captured output {args.split()[0]!r} is not defined")
        return body
    return _transform_lines(lines, offset=0)


def _logical_end(lines: list[str], start: int) -> int:
    """The index after the last physical line of the Python logical line starting at ``start``."""
    end = start + 1
    while True:
        text = "\n".join(lines[start:end]) + "\n"
        try:
            for _ in tokenize.generate_tokens(io.StringIO(text).readline):
                pass
            return end
        except tokenize.TokenError:  # an open bracket or string: the line goes on
            if end >= len(lines):
                return end
            end += 1
        except SyntaxError:
            return end


def _escape_end(lines: list[str], start: int) -> int:
    """Magics and shell escapes continue onto the next line with a trailing backslash."""
    end = start
    while end < len(lines) - 1 and lines[end].rstrip().endswith("\\"):
        end += 1
    return end + 1


def _transform_lines(lines: list[str], *, offset: int) -> Transformed:
    out = Transformed("", [])
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        assign = _ASSIGN.match(line) if stripped[:1] not in ("%", "!", "?", "#") else None
        if assign and not _parses(f"{assign['targets']} = None"):
            assign = None
        if stripped.startswith(("%", "!")) or assign:
            end = _escape_end(lines, i)
            text = " ".join(part.rstrip().removesuffix("\\").strip() for part in lines[i:end])
            if assign:
                text = text[text.index(assign["escape"], len(assign["targets"])) :]
            replacement = _rewrite_escape(text, assign["targets"].strip() if assign else None, out)
            if replacement is None and indent:
                replacement = "pass"
            if replacement is not None:
                for part in replacement.split("\n"):
                    out.text += indent + part + "\n"
                    out.origin.append(offset + i + 1)
            i = end
            continue
        end = _logical_end(lines, i)
        chunk = "\n".join(lines[i:end])
        if stripped.startswith("?") or (not _parses(chunk.strip()) and _is_help(chunk)):
            if indent:
                out.text += indent + "pass\n"
                out.origin.append(offset + i + 1)
            i = end
            continue
        for j in range(i, end):
            out.text += lines[j] + "\n"
            out.origin.append(offset + j + 1)
        i = end
    return out


def _is_help(chunk: str) -> bool:
    """``obj?`` or ``obj??``: what is left once the question marks go must parse."""
    text = chunk.strip()
    return bool(_HELP.match(text)) and text.endswith("?") and _parses(text.rstrip("?"))


def _rewrite_escape(text: str, target: str | None, out: Transformed) -> str | None:
    """The plain-Python line for one magic or shell escape, or None to drop it."""
    if text.startswith("!"):
        return _rewrite_shell(text.lstrip("!").strip(), target, out, display=text.startswith("!!"))
    name, _, args = text.lstrip("%").partition(" ")
    args = args.strip()
    if name in ("sx", "system") and target is not None:
        return _rewrite_shell(args, target, out, display=False)
    if name in KEEP_STATEMENT_LINE_MAGICS and target is None:
        statement = (_PRUN_OPTIONS.sub("", args + " ") if name == "prun" else args).strip()
        if statement and _parses(statement):
            return statement
        return None
    if name == "env" and target is None:
        match = re.match(r"^(?P<key>[A-Za-z_]\w*)\s*[= ]\s*(?P<value>.+)$", args)
        if match:
            out.imports.add("os")
            return f"os.environ[{_quote(match['key'])}] = {_quote(match['value'].strip())}"
        return None
    if name in NOTED_LINE_MAGICS:
        out.notes.append(f"%{name} {args} dropped: {NOTED_LINE_MAGICS[name]}".replace("  ", " "))
    if target is not None:
        out.notes.append(f"{target} = %{name} dropped: {target!r} is not defined")
    return None


def _command_expression(command: str) -> str:
    """The Python expression for a shell command with IPython's ``{expr}``/``$name`` fields."""
    fields = "{" in command or _DOLLAR.search(command)

    def dollar(match: re.Match[str]) -> str:
        name = match[1]
        if name == "$":
            return "$"
        return match[0] if name.isupper() else "{" + name + "}"

    if not fields:
        return _quote(command)
    converted = _DOLLAR.sub(dollar, command)
    if "{" not in converted:
        return _quote(converted)
    candidate = "f" + _quote(converted)
    return candidate if _parses(candidate) else _quote(command)


def _quote(text: str) -> str:
    """A string literal, double-quoted where that needs no escape (as ruff format writes it)."""
    if '"' not in text and "\\" not in text and text.isprintable():
        return f'"{text}"'
    return repr(text)


def _rewrite_shell(command: str, target: str | None, out: Transformed, *, display: bool) -> str | None:
    if not command:
        return None
    if target is not None:
        out.imports.add("subprocess")
        arguments = f"{_command_expression(command)}, shell=True, check=True, capture_output=True, text=True"
        line = f"{target} = subprocess.run({arguments}).stdout.splitlines()"
        if len(line) <= 100:
            return line
        return f"{target} = subprocess.run(\n    {arguments}\n).stdout.splitlines()"
    program = command.split()[0].rsplit("/", 1)[-1]
    if display or program in DROPPED_PROGRAMS or command.startswith(("python -m pip", "python3 -m pip")):
        return None
    out.imports.add("subprocess")
    arguments = f"{_command_expression(command)}, shell=True, check=True"
    line = f"subprocess.run({arguments})"
    return line if len(line) <= 100 else f"subprocess.run(\n    {arguments}\n)"
