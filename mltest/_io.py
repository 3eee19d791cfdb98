"""Writing the files the command line produces (modules, schemas, notebooks): atomically and safely.

:func:`write_text` writes to a new temporary file in the target's folder and renames it over the
target, so a reader never sees half a file and a failed write (a full disk, a character the
encoding cannot hold) leaves the old file as it was. The file keeps the mode of the file it
replaces; a new file gets the mode any program would give it (``0o666`` less the umask, usually
``0o644``; a temporary file's ``0o600`` would hide it from a group or a container's other user).
A target that is a symbolic link is refused: writing through it would change a file somewhere
else, and renaming over it would silently turn the link into a copy.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from mltest.errors import MltestError

__all__ = ["UnsafeWrite", "write_bytes", "write_text"]


class UnsafeWrite(MltestError, OSError):
    """The target of a write is not a plain file path that mltest may replace (a symbolic link)."""


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8", newline: str = "\n") -> None:
    """Write ``text`` to ``path`` atomically, with ``\\n`` line endings unless ``newline`` says otherwise."""
    data = text.replace("\n", newline) if newline != "\n" else text
    write_bytes(path, data.encode(encoding))


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see the module docstring)."""
    path = Path(path)
    if path.is_symlink():
        raise UnsafeWrite(
            f"{path} is a symbolic link (to {os.readlink(path)}): not written through it; "
            "write to the file itself, or remove the link"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    # O_EXCL: never open a file someone else placed there; 0o666 lets the umask decide, as for any new file.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        with os.fdopen(handle, "wb") as file:  # no fsync: a rename is atomic for readers, and 50 fsyncs cost seconds
            file.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
