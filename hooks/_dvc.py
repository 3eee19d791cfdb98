"""What DVC tracks in a repository, read from its files: for the data guard.

* ``.dvc`` files: each ``outs`` entry, with its md5 (DVC 3 hashes the bytes; a file from DVC 2,
  without ``hash: md5``, hashed text with Windows line ends turned into Unix ones);
* ``dvc.yaml`` files: each stage's ``outs``, ``metrics`` and ``plots``, relative to the stage's
  ``wdir``, with ``${...}`` filled in from ``params.yaml`` and ``vars`` and ``foreach``/``matrix``
  stages expanded as DVC names them (``train@lr``, ``train@lr-1``); a path whose ``${...}`` cannot
  be filled in becomes a pattern (``${model_dir}/model.pkl`` matches ``*/model.pkl``);
* ``dvc.lock`` files: the outputs as DVC last wrote them, with their md5;
* the ``.dir`` manifests in the local cache, for the md5 of every file of a tracked folder.

A file DVC itself would refuse to read is not skipped: :class:`DvcFileError` says which, so the
guard fails closed instead of letting tracked data through unnoticed.
"""

from __future__ import annotations

import configparser
import fnmatch
import hashlib
import itertools
import json
import posixpath
import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mltest.errors import MltestError

__all__ = ["DvcFileError", "Index", "Output", "dvc_files", "md5_of", "read_index", "read_text"]

MIN_COPY_BYTES = 1024  # a smaller file equal to tracked data is a coincidence, not a copy
_FIELD = re.compile(r"\$\{\s*([^}]*?)\s*\}")
_CHUNK = 1 << 20
_PATTERNS = ("*.dvc", "*dvc.yaml", "*dvc.lock")


class DvcFileError(MltestError):
    """A ``.dvc``, ``dvc.yaml`` or ``dvc.lock`` file cannot be read: the guard cannot tell what DVC tracks."""

    def __init__(self, name: str, problem: str) -> None:
        check = "`dvc stage list`" if posixpath.basename(name) == "dvc.yaml" else "`dvc status`"
        separator = " " if problem.startswith(("is ", "expands ")) else ": "
        super().__init__(
            f"{name}{separator}{problem}: the data guard cannot tell which files DVC tracks; "
            f"fix it first ({check} checks it)"
        )


@dataclass
class Output:
    """A path DVC writes or tracks; ``cache=False`` means it is kept in git on purpose."""

    where: str
    cache: bool = True


@dataclass
class Index:
    """Outputs by path (or pattern), and the md5 of tracked contents with the path and file declaring them."""

    outputs: dict[str, Output] = field(default_factory=dict)
    hashes: dict[str, tuple[str, str]] = field(default_factory=dict)
    sizes: set[int] = field(default_factory=set)
    unknown_sizes: bool = False
    legacy: bool = False  # some md5 is DVC 2's, of text with Unix line ends
    folders: list[tuple[str, str, str]] = field(default_factory=list)  # (out path, .dir md5, where)

    def declared(self, path: str) -> Output | None:
        """The output ``path`` is, or is inside of; None when no DVC file declares it."""
        for out, output in self.outputs.items():
            if path == out or path.startswith(out.rstrip("/") + "/"):
                return output
            if "*" in out and (fnmatch.fnmatchcase(path, out) or fnmatch.fnmatchcase(path, out.rstrip("/") + "/*")):
                return output
        return None

    def might_be_copy(self, size: int) -> bool:
        return bool(self.hashes) and size >= MIN_COPY_BYTES and (size in self.sizes or self.unknown_sizes)

    def add(self, path: str, where: str, entry: dict[str, Any]) -> None:
        """Record the md5 (and size) of an ``outs`` entry of a ``.dvc`` file or ``dvc.lock``."""
        md5 = entry.get("md5")
        if not isinstance(md5, str):
            return
        if entry.get("hash") != "md5":
            self.legacy = True
        if md5.endswith(".dir"):
            self.folders.append((path, md5, where))
            return
        self.hashes[md5] = (path, where)
        if isinstance(entry.get("size"), int):
            self.sizes.add(entry["size"])
        else:
            self.unknown_sizes = True

    def load_manifests(self, root: Path) -> None:
        """The md5 of each file of each tracked folder, from the ``.dir`` manifests in the local cache."""
        for cache in _caches(root):
            for path, md5, where in self.folders:
                for base in (cache / "files" / "md5", cache):  # DVC 3, then DVC 2
                    manifest = base / md5[:2] / md5[2:]
                    if manifest.is_file():
                        self._add_manifest(manifest, base, path, where)
                        break

    def _add_manifest(self, manifest: Path, base: Path, path: str, where: str) -> None:
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("md5"), str) and isinstance(entry.get("relpath"), str):
                md5 = entry["md5"]
                self.hashes[md5] = (posixpath.join(path, entry["relpath"]), where)
                obj = base / md5[:2] / md5[2:]
                if obj.is_file():
                    self.sizes.add(obj.stat().st_size)
                else:
                    self.unknown_sizes = True


def _caches(root: Path) -> list[Path]:
    """The local cache folders: ``.dvc/cache``, or ``cache.dir`` of ``.dvc/config(.local)``."""
    found = [root / ".dvc" / "cache"]
    for name in ("config", "config.local"):
        parser = configparser.ConfigParser()
        try:
            parser.read(root / ".dvc" / name, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        folder = parser.get("cache", "dir", fallback=None)
        if folder:
            found.insert(0, (root / ".dvc" / folder.strip("'\"")).resolve())
    return found


def _load(name: str, text: str) -> Any:
    """The parsed YAML of a DVC file; aliases that would expand it beyond its own size are refused."""
    import yaml

    try:
        document = yaml.safe_load(text)
        expanded = _expanded(document, {}, set())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise DvcFileError(name, f"is not valid YAML ({where}{error.problem})") from None
    except yaml.YAMLError as error:
        raise DvcFileError(name, f"is not valid YAML ({error})") from None
    except (RecursionError, ValueError):
        raise DvcFileError(name, "is nested too deeply, or refers to itself through a YAML alias") from None
    limit = max(100_000, len(text))  # without aliases a file holds fewer values than characters
    if expanded > limit:
        raise DvcFileError(name, f"expands to more than {limit} values through YAML aliases")
    return document


def _expanded(value: Any, sizes: dict[int, int], open_: set[int]) -> int:
    """How many values ``value`` holds with its aliases written out, each shared list or mapping counted once."""
    if not isinstance(value, (list, dict)):
        return 1
    if id(value) in sizes:
        return sizes[id(value)]
    if id(value) in open_:
        raise ValueError("a YAML alias refers to itself")
    open_.add(id(value))
    children = value.values() if isinstance(value, dict) else value
    sizes[id(value)] = 1 + sum(_expanded(child, sizes, open_) for child in children)
    return sizes[id(value)]


def _mapping(name: str, value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DvcFileError(
            name, f"{what} is not a mapping of stage names" if what == "'stages'" else f"{what} is not a mapping"
        )
    return value


def _list(name: str, value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DvcFileError(name, f"{what} is not a list")
    return value


def _entries(name: str, values: Any, what: str) -> Iterable[tuple[str, bool]]:
    """``(path, cache)`` of a dvc.yaml ``outs``/``metrics``/``plots`` list (strings or one-key mappings)."""
    for value in _list(name, values, what):
        if isinstance(value, str):
            yield value, True
        elif isinstance(value, dict):
            for key, options in value.items():
                if isinstance(key, str):
                    yield key, not (isinstance(options, dict) and options.get("cache") is False)


# --- interpolation -------------------------------------------------------------------------------


class _Unresolved(Exception):
    pass


def _lookup(context: dict[str, Any], expression: str) -> Any:
    value: Any = context
    for part in re.findall(r"[^.\[\]]+", expression):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise _Unresolved(expression)
    return value


def _fill(text: str, context: dict[str, Any]) -> Any:
    """``text`` with its ``${...}`` fields filled in; the value itself when the text is one field."""
    whole = _FIELD.fullmatch(text)
    if whole:
        return _lookup(context, whole[1])
    return _FIELD.sub(lambda m: str(_lookup(context, m[1])), text)


def _pattern(text: str) -> str:
    return _FIELD.sub("*", text)


def _context(name: str, document: dict[str, Any], read: Callable[[str], str | None]) -> dict[str, Any]:
    """``params.yaml`` next to the dvc.yaml, then each ``vars`` entry (a mapping, or ``file[:keys]``)."""
    folder = posixpath.dirname(name)
    context: dict[str, Any] = {}
    sources: list[Any] = ["params.yaml", *_list(name, document.get("vars"), "'vars'")]
    for source in sources:
        if isinstance(source, dict):
            context.update(source)
            continue
        if not isinstance(source, str):
            continue
        path, _, keys = source.partition(":")
        text = read(posixpath.normpath(posixpath.join(folder, path)))
        if text is None:
            continue
        try:
            values = json.loads(text) if path.endswith(".json") else _load(path, text)
        except (ValueError, DvcFileError):
            continue
        if isinstance(values, dict):
            wanted = [k.strip() for k in keys.split(",") if k.strip()]
            context.update({k: v for k, v in values.items() if not wanted or k in wanted})
    return context


def _expand(stage_name: str, stage: dict[str, Any], context: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``(name, context)`` of each stage a ``foreach``/``matrix`` stage stands for (itself otherwise)."""
    if "foreach" in stage:
        items = stage["foreach"]
        try:
            items = _fill(items, context) if isinstance(items, str) else items
        except _Unresolved:
            return [(stage_name, context)]
        if isinstance(items, dict):
            return [(f"{stage_name}@{key}", {**context, "key": key, "item": value}) for key, value in items.items()]
        if isinstance(items, list):
            return [(f"{stage_name}@{item}", {**context, "item": item}) for item in items]
        return [(stage_name, context)]
    if isinstance(stage.get("matrix"), dict):
        axes: dict[str, list[Any]] = {}
        for axis, values in stage["matrix"].items():
            try:
                values = _fill(values, context) if isinstance(values, str) else values
            except _Unresolved:
                return [(stage_name, context)]
            axes[axis] = values if isinstance(values, list) else [values]
        combos = itertools.product(*axes.values())
        return [
            (f"{stage_name}@{'-'.join(map(str, combo))}", {**context, "item": dict(zip(axes, combo, strict=True))})
            for combo in combos
        ]
    return [(stage_name, context)]


def _resolve(path: str, context: dict[str, Any]) -> str:
    try:
        return str(_fill(path, context))
    except _Unresolved:
        return _pattern(path)


# --- the three kinds of files ------------------------------------------------------------------


def _read_dvc_file(index: Index, name: str, document: Any) -> None:
    folder = posixpath.dirname(name)
    for out in _list(name, _mapping(name, document, "the file").get("outs"), "'outs'"):
        if isinstance(out, dict) and isinstance(out.get("path"), str):
            path = posixpath.normpath(posixpath.join(folder, out["path"]))
            cache = out.get("cache") is not False
            index.outputs[path] = Output(name, cache)
            if cache:
                index.add(path, name, out)


def _read_dvc_yaml(index: Index, name: str, document: Any, read: Callable[[str], str | None]) -> None:
    document = _mapping(name, document, "the file")
    folder = posixpath.dirname(name)
    context = _context(name, document, read)
    for stage_name, stage in _mapping(name, document.get("stages"), "'stages'").items():
        stage = _mapping(name, stage, f"stage {stage_name!r}")
        body = stage.get("do", stage) if "foreach" in stage else stage
        body = _mapping(name, body, f"'do' of stage {stage_name!r}")
        for expanded, scope in _expand(str(stage_name), stage, context):
            base = posixpath.join(folder, _resolve(str(body.get("wdir", ".")), scope))
            for key in ("outs", "metrics", "plots"):
                for path, cache in _entries(name, body.get(key), f"{key!r} of stage {stage_name!r}"):
                    resolved = posixpath.normpath(posixpath.join(base, _resolve(path, scope)))
                    where = f"stage {expanded!r} of {name}"
                    if "*" in resolved:  # one pattern stands for every stage expanded
                        where = f"stage {stage_name!r} of {name}"
                    index.outputs.setdefault(resolved, Output(where, cache))


def _read_dvc_lock(index: Index, name: str, document: Any, yaml_document: Any) -> None:
    folder = posixpath.dirname(name)
    stages = _mapping(name, _mapping(name, document, "the file").get("stages"), "'stages'")
    declared = yaml_document.get("stages") if isinstance(yaml_document, dict) else None
    for stage_name, stage in stages.items():
        stage = _mapping(name, stage, f"stage {stage_name!r}")
        wdir = "."
        if isinstance(declared, dict):
            source = declared.get(str(stage_name).split("@")[0])
            if isinstance(source, dict) and isinstance(source.get("wdir"), str) and "${" not in source["wdir"]:
                wdir = source["wdir"]
        where = f"stage {stage_name!r} of {posixpath.join(folder, 'dvc.yaml')}"
        for out in _list(name, stage.get("outs"), f"'outs' of stage {stage_name!r}"):
            if isinstance(out, dict) and isinstance(out.get("path"), str):
                path = posixpath.normpath(posixpath.join(folder, wdir, out["path"]))
                output = index.outputs.setdefault(path, Output(where))
                if output.cache:
                    index.add(path, output.where, out)


def read_index(files: dict[str, str], read: Callable[[str], str | None] = lambda name: None) -> Index:
    """What DVC tracks, from ``{path of a .dvc file, dvc.yaml or dvc.lock: its text}``.

    ``read(path)`` gives the text of another file (``params.yaml``, a ``vars`` file), or None.
    """
    index = Index()
    documents = {name: _load(name, text) for name, text in files.items()}
    for name, document in documents.items():
        if name.endswith(".dvc"):
            _read_dvc_file(index, name, document)
        elif posixpath.basename(name) == "dvc.yaml":
            _read_dvc_yaml(index, name, document, read)
    for name, document in documents.items():
        if posixpath.basename(name) == "dvc.lock":
            yaml_name = posixpath.join(posixpath.dirname(name), "dvc.yaml")
            _read_dvc_lock(index, name, document, documents.get(yaml_name))
    return index


# --- the file system -----------------------------------------------------------------------------


def read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def dvc_files(root: Path = Path()) -> dict[str, str]:
    """The ``.dvc``, ``dvc.yaml`` and ``dvc.lock`` files of the repository (tracked, staged or new)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", *_PATTERNS],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\0")
    except (OSError, subprocess.CalledProcessError):
        return {}
    found = {}
    for name in dict.fromkeys(listed):
        base = posixpath.basename(name)
        if name and (name.endswith(".dvc") or base in ("dvc.yaml", "dvc.lock")) and (root / name).is_file():
            text = read_text(root / name)
            if text is None:
                raise DvcFileError(name, "is not UTF-8 text")
            found[name] = text
    return found


def md5_of(path: Path, *, legacy: bool = False) -> str:
    """The md5 DVC gives ``path``: of its bytes, or (``legacy``, DVC 2) of a text file with ``\\r\\n`` as ``\\n``."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as file:
        text = legacy and _is_text(file.read(512))
        file.seek(0)
        carry = b""
        while chunk := file.read(_CHUNK):
            if text:
                chunk = carry + chunk
                carry = b"\r" if chunk.endswith(b"\r") else b""
                chunk = (chunk[:-1] if carry else chunk).replace(b"\r\n", b"\n")
            digest.update(chunk)
        digest.update(carry)
    return digest.hexdigest()


def _is_text(head: bytes) -> bool:
    """DVC 2's test: no NUL byte, and at most 30% of the first 512 bytes outside printable text."""
    if not head:
        return True
    if b"\0" in head:
        return False
    control = bytes(range(32, 127)) + b"\n\r\t\f\b"
    binary = head.translate(None, control)
    return len(binary) / len(head) <= 0.30
