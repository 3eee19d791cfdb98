"""pre-commit hook ``mltest-validate-data``: staged data samples still match their schema.

Which schema: ``--schema PATH`` for every file given, else ``--schema-dir DIR``/``<name>.schema.yaml``,
else the file next to the data: ``data/train.csv`` is checked against ``data/train.schema.yaml``
(or ``.schema.yml``, ``.schema.json``). A data file without a schema is skipped, unless
``--require-schema``. A staged schema file is checked against the sample next to it, so tightening a
schema that the committed sample breaks is caught too. Validation is ``mltest.assert_schema``:
the failure lists every failing column and check with counts and failure cases.
"""

from __future__ import annotations

import argparse
import glob
from collections.abc import Sequence
from pathlib import Path

from mltest.hooks import _argv

from mltest._cli_boundary import Boundary

__all__ = ["DATA_SUFFIXES", "SCHEMA_SUFFIXES", "main", "pairs", "schema_for"]

PROGRAM = "mltest-validate-data"

DATA_SUFFIXES = (".csv", ".parquet", ".pq")  # any case: data/train.CSV is a sample too
SCHEMA_SUFFIXES = (".schema.yaml", ".schema.yml", ".schema.json")


def _stem(path: Path) -> str:
    name = path.name
    for suffix in SCHEMA_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def schema_for(data: Path, *, schema: Path | None = None, schema_dir: Path | None = None) -> Path | None:
    """The schema file that ``data`` is checked against, or None when it has none."""
    if schema is not None:
        return schema
    folder = schema_dir if schema_dir is not None else data.parent
    for suffix in SCHEMA_SUFFIXES:
        candidate = folder / (_stem(data) + suffix)
        if candidate.is_file():
            return candidate
    return None


def pairs(
    files: Sequence[str], *, schema: Path | None = None, schema_dir: Path | None = None
) -> list[tuple[Path, Path | None]]:
    """``(data file, schema file or None)`` for every staged data file and every staged schema's sample."""
    found: dict[Path, Path | None] = {}
    for name in files:
        path = Path(name)
        if path.name.endswith(SCHEMA_SUFFIXES):
            if schema is None and schema_dir is None:  # the sample sits next to its schema
                for data in sorted(path.parent.glob(glob.escape(_stem(path)) + ".*")):
                    if data.suffix.lower() in DATA_SUFFIXES and data.stem == _stem(path) and data.is_file():
                        found[data] = path
        elif path.suffix.lower() in DATA_SUFFIXES:
            found[path] = schema_for(path, schema=schema, schema_dir=schema_dir)
    return list(found.items())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mltest-validate-data", description=__doc__.splitlines()[0], allow_abbrev=False
    )
    parser.add_argument("files", nargs="*", help="staged data files (.csv, .parquet) and schema files")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--schema", type=Path, help="one schema file for every data file given")
    where.add_argument("--schema-dir", type=Path, help="folder holding <name>.schema.yaml for data/<name>.csv")
    parser.add_argument("--require-schema", action="store_true", help="fail on a data file without a schema")
    args = _argv.parse(parser, argv)
    todo = pairs(args.files, schema=args.schema, schema_dir=args.schema_dir)
    if not todo:
        return 0
    from mltest.errors import CheckFailed
    from mltest.report import recording
    from mltest.schema import assert_schema, read_data

    errors = Boundary(PROGRAM)
    failed = 0
    with recording():  # a hook reports here, not in the report of a pytest run that calls it
        for data, schema in todo:
            if schema is None:
                if args.require_schema:
                    print(f"{PROGRAM}: {data}: no schema file (expected {data.with_suffix('.schema.yaml')})")
                    failed += 1
                continue
            with errors.item():
                try:
                    assert_schema(read_data(data), schema)
                except CheckFailed as failure:
                    print(f"{PROGRAM}: {data} does not match {schema}:\n{failure}\n")
                    failed += 1
    return 1 if failed or errors.count else 0


if __name__ == "__main__":
    raise SystemExit(main())
