"""Schema files (pandera's own YAML/JSON format) and data files (CSV, Parquet).

A schema file is read in the API it was written for: ``api: pandas`` (pandera's default) or
``api: polars`` (``schema_type: polars_dataframe``), so its dtypes mean what they meant to
whoever wrote it. Every problem with a file is one line naming the file and what is wrong.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mltest.errors import MltestError
from mltest.schema._backend import Api, pandera_api, schema_api, wrong_type
from mltest.schema._portable import portable_columns
from mltest.schema._text import SchemaFileError, one_line, parse_schema_text

__all__ = ["DataFileError", "SchemaFileError", "cached_schema", "dump_schema", "load_schema", "read_data"]

DATA_SUFFIXES = (".csv", ".parquet", ".pq")


class DataFileError(MltestError, ValueError):
    """A data file is missing, has an unsupported suffix, or cannot be read."""


DataFileError.__module__ = "mltest.schema"  # a traceback names it where users import it from


def _path(value: Any, name: str) -> Path:
    if not isinstance(value, (str, Path)):
        raise wrong_type(name, value, "a path (str or pathlib.Path)")
    return Path(value)


def load_schema(path: str | Path) -> Any:
    """Read a pandera schema from a YAML or JSON file in pandera's serialisation format.

    A ``.json`` file is read as JSON, anything else as YAML. The schema is a pandas schema
    unless the file says ``api: polars`` (``schema_type: polars_dataframe``).
    """
    path = _path(path, "schema")
    where = f"schema file '{path}'"
    if not path.exists():
        raise SchemaFileError(f"{where} does not exist")
    if not path.is_file():
        raise SchemaFileError(f"{where} is not a file")
    serialized = parse_schema_text(path, where)
    if not isinstance(serialized, Mapping) or not isinstance(serialized.get("columns"), (Mapping, list)):
        raise SchemaFileError(
            f"{where} is not a pandera schema: expected a mapping with a 'columns' mapping "
            "(write one with `mltest schema infer DATA -o FILE`)"
        )
    api = _file_api(serialized, where)
    _check_keys(serialized, TOP_KEYS, where, "unknown top-level key {key!r}")
    try:
        if api == "polars":
            pandera_api("polars")
            from pandera.io import polars_io as io
        else:
            pandera_api("pandas")
            from pandera.io import pandas_io as io
        _check_column_keys(serialized["columns"], where)
        serialized = dict(serialized)
        if api == "pandas":
            serialized["columns"] = portable_columns(serialized["columns"])
        return io.deserialize_schema(serialized)
    except SchemaFileError:
        raise
    except ImportError as error:
        raise SchemaFileError(
            f"{where} is a {api} schema, which needs {error.name or api}: {one_line(error)}"
        ) from None
    except Exception as error:  # pandera raises many kinds for a bad schema; report them all alike
        raise SchemaFileError(f"{where} is not a valid pandera schema: {one_line(error)}") from None


# The keys of a column that are not checks (pandera.io._flat_checks.COMPONENT_RESERVED_KEYS).
COLUMN_KEYS = frozenset(
    {
        "title",
        "description",
        "dtype",
        "nullable",
        "checks",
        "name",
        "unique",
        "coerce",
        "required",
        "regex",
        "default",
        "report_duplicates",
        "drop_invalid_rows",
    }
)

# The top-level keys pandera writes or reads (pandera.io.pandas_io and polars_io), and ours.
TOP_KEYS = frozenset(
    {
        "schema_type",
        "version",
        "api",
        "dataframe_library",
        "columns",
        "checks",
        "index",
        "multiindex",
        "dtype",
        "coerce",
        "strict",
        "name",
        "ordered",
        "unique",
        "report_duplicates",
        "unique_column_names",
        "add_missing_columns",
        "title",
        "description",
        "drop_invalid_rows",
        "metadata",
    }
)

_CACHE: dict[tuple[str, int, int], Any] = {}


def cached_schema(path: str | Path) -> Any:
    """:func:`load_schema`, read again only when the file changes (for repeated checks in a session).

    The schema returned is shared between calls: do not modify it.
    """
    path = _path(path, "schema")
    try:
        stat = path.stat()
    except OSError:
        return load_schema(path)  # let load_schema say what is wrong
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        if len(_CACHE) >= 64:
            _CACHE.clear()
        _CACHE[key] = load_schema(path)
    return _CACHE[key]


def _check_column_keys(columns: Mapping[str, Any] | list[Any], where: str) -> None:
    """pandera drops a key it does not know (a misspelt check would vanish): refuse it instead.

    ``columns`` is a mapping of name to column, or (pandera's form for names that are not
    strings) a list of columns that each carry their ``name``.
    """
    from pandera.api.checks import Check

    checks = [k for k in dir(Check) if not k.startswith("_") and callable(getattr(Check, k))]
    known = set(COLUMN_KEYS) | set(checks)
    if isinstance(columns, list):
        named = [(c.get("name") if isinstance(c, Mapping) else i, c) for i, c in enumerate(columns)]
    else:
        named = list(columns.items())
    for name, column in named:
        if column is None:
            continue
        if not isinstance(column, Mapping):
            raise SchemaFileError(
                f"{where} is not a valid pandera schema: column {name!r} must be a mapping of dtype, "
                f"nullable and checks, got {column!r}"
            )
        _check_keys(column, known, where, f"column {name!r} has an unknown key {{key!r}}")


def _check_keys(mapping: Mapping[str, Any], known: Iterable[str], where: str, problem: str) -> None:
    """Refuse the first key of ``mapping`` not in ``known``, with a "did you mean" when one is close."""
    for key in mapping:
        if key not in known:
            close = difflib.get_close_matches(str(key), sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise SchemaFileError(f"{where} is not a valid pandera schema: {problem.format(key=key)}{hint}")


def _file_api(serialized: Mapping[str, Any], where: str) -> Api:
    schema_type = serialized.get("schema_type", "dataframe")
    api = serialized.get("api")
    if schema_type == "polars_dataframe" or api == "polars":
        return "polars"
    if schema_type == "dataframe" and api in (None, "pandas"):
        return "pandas"
    raise SchemaFileError(
        f"{where} has schema_type={schema_type!r}, api={api!r}: expected a pandas schema "
        "(schema_type: dataframe) or a polars schema (schema_type: polars_dataframe)"
    )


HEADER = """\
# A pandera schema{source}, written by `mltest schema infer`.
# Check data against it with mltest.assert_schema(data, "{name}").
# Tighten or loosen it by editing it: widen or narrow an in_range, add or remove isin values,
# set `nullable: true` where missing values are fine. See the mltest docs, "Data schema".
"""


def dump_schema(schema: Any, path: str | Path | None = None, *, source: str | None = None) -> str:
    """Write ``schema`` as YAML (as JSON when ``path`` ends in ``.json``) and return the text.

    Without ``path`` nothing is written. ``source`` names the data the schema came from, for
    the comment at the top of a YAML file.
    """
    api = schema_api(schema)
    if api is None:
        raise wrong_type("schema", schema, "a pandera DataFrameSchema (pandas or polars)")
    pandera_api(api)
    if api == "polars":
        from pandera.io import polars_io as io
    else:
        from pandera.io import pandas_io as io
    serialized = io.serialize_schema(schema)
    if path is not None and str(path).lower().endswith(".json"):
        text = json.dumps(serialized, indent=2) + "\n"
    else:
        import yaml

        name = Path(path).name if path is not None else "schema.yaml"
        header = HEADER.format(source=f" inferred from {source}" if source else "", name=name)
        text = header + yaml.safe_dump(serialized, sort_keys=False, allow_unicode=True)
    if path is not None:
        from mltest._io import write_text  # atomic, keeps the mode, never through a symbolic link

        write_text(path, text)
    return text


def read_data(path: str | Path) -> Any:
    """Read a CSV or Parquet file into a pandas DataFrame."""
    path = _path(path, "data")
    where = f"data file '{path}'"
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        raise DataFileError(f"{where} has an unsupported suffix {suffix!r}: expected .csv or .parquet")
    if not path.exists():
        raise DataFileError(f"{where} does not exist")
    if not path.is_file():
        raise DataFileError(f"{where} is not a file")
    import pandas

    try:
        header = _header(path, suffix)
    except pandas.errors.EmptyDataError:
        raise DataFileError(f"{where} is empty") from None
    except (ValueError, UnicodeDecodeError, OSError, ImportError):
        header = []  # reading the whole file says what is wrong
    _refuse_duplicate_names(header, where)  # first: pyarrow refuses a Parquet file with repeated names
    try:
        data = pandas.read_csv(path) if suffix == ".csv" else pandas.read_parquet(path)
    except pandas.errors.EmptyDataError:
        raise DataFileError(f"{where} is empty") from None
    except UnicodeDecodeError as error:  # its position is of pandas' buffer, which differs between versions
        raise DataFileError(
            f"{where} cannot be read as CSV: it is not UTF-8 text (byte 0x{error.object[error.start]:02x}); "
            "save it as UTF-8"
        ) from None
    except (ValueError, OSError, ImportError) as error:
        kind = "CSV" if suffix == ".csv" else "Parquet"
        raise DataFileError(f"{where} cannot be read as {kind}: {one_line(error)}") from None
    if len(data) == 0:
        raise DataFileError(f"{where} has a header but no rows")
    return data


def _header(path: Path, suffix: str) -> list[str]:
    """The column names as the file has them (pandas renames a repeated 'a' to 'a.1')."""
    if suffix == ".csv":
        import pandas

        row = pandas.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False)
        return [name for name in row.iloc[0].tolist() if name != ""]  # empty ones become "Unnamed: i"
    import pyarrow.parquet

    return list(pyarrow.parquet.read_schema(path).names)


def _refuse_duplicate_names(names: list[str], where: str) -> None:
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(names, start=1):
        positions.setdefault(name, []).append(position)
    for name, seen in positions.items():
        if len(seen) > 1:
            listed = ", ".join(map(str, seen[:-1])) + f" and {seen[-1]}"
            raise DataFileError(f"{where} has duplicate column names: {name!r} (columns {listed}); rename them")
