"""What a file is, for the data guard: a model, data, or neither; by its suffixes, then by its content.

Suffixes are read from the end, compression first: ``train.csv.gz`` is data, ``model.pkl.gz`` a
model, ``archive.tar.gz`` data. A file whose suffix says nothing (none at all, or one this module
does not know) is judged by its first bytes: a pickle, a zip archive (what ``torch.save``
writes), a numpy array, Parquet, HDF5, Arrow, SQLite, safetensors or GGUF, and, for a file with
no suffix or ``.txt``, a table of text (lines with the same number of commas, tabs, semicolons
or bars). A known text suffix (``.py``, ``.md``, ``.json``, ...) is taken at its word.
"""

from __future__ import annotations

import posixpath

__all__ = ["DATA_SUFFIXES", "MODEL_SUFFIXES", "kind"]

MODEL_SUFFIXES = {
    ".pkl", ".pickle", ".joblib", ".pt", ".pth", ".ckpt", ".onnx", ".safetensors", ".h5", ".hdf5", ".keras",
    ".pb", ".tflite", ".mlmodel", ".cbm", ".xgb", ".lgb", ".gguf", ".sav", ".bin", ".model", ".msgpack", ".ubj",
    ".params", ".weights", ".caffemodel", ".pdparams", ".pmml", ".mar", ".engine", ".ggml",
}  # fmt: skip
DATA_SUFFIXES = {
    ".csv", ".tsv", ".parquet", ".pq", ".feather", ".arrow", ".ipc", ".orc", ".avro", ".npy", ".npz", ".jsonl",
    ".ndjson", ".xlsx", ".xls", ".sqlite", ".sqlite3", ".db", ".duckdb", ".tfrecord", ".tfrecords", ".zarr", ".nc",
    ".mat", ".dta", ".sas7bdat", ".xpt", ".rds", ".rdata", ".data", ".dat", ".arff", ".libsvm", ".lance",
    ".zip", ".tar", ".tgz", ".7z", ".rar",
}  # fmt: skip
COMPRESSION_SUFFIXES = {".gz", ".bz2", ".xz", ".zst", ".zstd", ".lz4", ".br", ".lzma"}
TEXT_SUFFIXES = {
    ".py", ".pyi", ".ipynb", ".md", ".rst", ".txt", ".json", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".lock",
    ".dvc", ".sh", ".r", ".sql", ".html", ".css", ".js", ".ts", ".jinja", ".j2", ".tex", ".bib", ".xml", ".svg",
}  # fmt: skip
# (first bytes, category, description): judged for any file whose suffix says nothing.
_MAGIC = [
    (b"\x93NUMPY", "data", "a numpy array"),
    (b"PAR1", "data", "a Parquet file"),
    (b"ARROW1", "data", "an Arrow file"),
    (b"FEA1", "data", "a Feather file"),
    (b"SQLite format 3\x00", "data", "an SQLite database"),
    (b"Obj\x01", "data", "an Avro file"),
    (b"ORC", "data", "an ORC file"),
    (b"\x89HDF\r\n\x1a\n", "model", "an HDF5 file"),
    (b"GGUF", "model", "a GGUF model"),
    (b"tree\nversion=v", "model", "a LightGBM model"),
]
# Containers that other files use too (a .docx or a .whl is a zip): judged only without a suffix.
_MAGIC_WITHOUT_SUFFIX = [
    (b"PK\x03\x04", "model", "a zip archive"),
    (b"\x1f\x8b", "data", "a gzip file"),
]
_DELIMITERS = ",\t;|"


def suffixes(name: str) -> tuple[str, str]:
    """``(the compound suffix, the suffix under the compression)`` of ``name``, lower case."""
    base = posixpath.basename(name).lower()
    stem, suffix = posixpath.splitext(base)
    compound = suffix
    while suffix in COMPRESSION_SUFFIXES:
        stem, inner = posixpath.splitext(stem)
        if not inner:
            break
        compound = inner + compound
        suffix = inner
    if suffix == ".tar" and compound != suffix:
        return compound, ".tar"
    return compound, suffix


def _pickle(head: bytes) -> bool:
    return len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def _safetensors(head: bytes) -> bool:
    """An 8-byte little-endian header length, then the JSON header."""
    return len(head) >= 10 and head[8:10] == b'{"' and 0 < int.from_bytes(head[:8], "little") < 100_000_000


def _table(head: bytes) -> bool:
    """At least five lines, each holding the same number (one or more) of one delimiter."""
    if b"\0" in head:
        return False
    lines = head.decode("utf-8", errors="replace").splitlines()[:21]
    lines = lines[:-1] if len(lines) > 1 else lines  # the last line may be cut
    if len(lines) < 5:
        return False
    return any(
        lines[0].count(d) >= 1 and all(line.count(d) == lines[0].count(d) for line in lines) for d in _DELIMITERS
    )


def kind(name: str, head: bytes = b"") -> tuple[str, str] | None:
    """``("model" | "data", what it is)`` for the file ``name`` starting with ``head``, or None."""
    compound, suffix = suffixes(name)
    if suffix in MODEL_SUFFIXES:
        return "model", compound
    if suffix in DATA_SUFFIXES or suffix in COMPRESSION_SUFFIXES:
        return "data", compound
    if suffix in TEXT_SUFFIXES and suffix != ".txt":
        return None
    if suffix != ".txt":
        if _pickle(head):
            return "model", "a pickle"
        if _safetensors(head):
            return "model", "a safetensors file"
        for magic, category, description in _MAGIC + (_MAGIC_WITHOUT_SUFFIX if not suffix else []):
            if head.startswith(magic):
                return category, description
    if suffix in ("", ".txt") and _table(head):
        return "data", "a table of text"
    return None
