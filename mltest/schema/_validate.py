"""``assert_schema``: check a frame against a pandera schema and report every failure at once."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mltest._message import compose
from mltest.report import CheckResult, conclude
from mltest.schema._backend import pandera_api, quiet, schema_api, to_api, wrong_type
from mltest.schema._files import cached_schema

__all__ = ["assert_schema"]

EXAMPLES = 5  # distinct failure cases shown per failing check


@dataclass
class _Failure:
    column: str | None  # None for a check on the whole frame
    check: str
    reason: str  # pandera's reason code, e.g. "dataframe_check", "wrong_dtype"
    rows: int | None  # failing rows, None when the whole column fails (dtype, missing column)
    examples: list[Any]
    detail: str  # for whole-column failures: what pandera said


def assert_schema(data: Any, schema: Any) -> CheckResult:
    """Check ``data`` against a pandera ``schema``; fail listing every failing column and check.

    ``data`` is a pandas or polars DataFrame. ``schema`` is a pandera ``DataFrameSchema``
    (pandas or polars API), a ``DataFrameModel`` class, or the path of a YAML or JSON file in
    pandera's serialisation format (``DataFrameSchema.to_yaml()``, ``mltest schema infer``).
    Data from the other library than the schema's is converted to the schema's first.

    Raises :class:`~mltest.CheckFailed` naming, for each failing check, the column, the check,
    how many rows fail and a few failure cases. Returns the :class:`~mltest.report.CheckResult`.
    """
    source = None
    if isinstance(schema, (str, Path)):
        source = str(schema)
        schema = cached_schema(schema)
    elif isinstance(schema, type) and hasattr(schema, "to_schema"):  # a DataFrameModel class
        with quiet():
            schema = schema.to_schema()
    api = schema_api(schema)
    if api is None:
        raise wrong_type(
            "schema", schema, "a pandera DataFrameSchema or DataFrameModel (pandas or polars), or a schema file path"
        )
    data = to_api(data, api)
    errors = pandera_api(api).errors
    try:
        with quiet():
            schema.validate(data, lazy=True)
    except errors.SchemaErrors as error:
        failures = [_failure(e, data) for e in error.schema_errors]
        failing_rows = _failing_rows(error.failure_cases)
    except errors.SchemaError as error:  # raised even with lazy=True by a few whole-frame checks
        failures = [_failure(error, data)]
        failing_rows = None
    else:
        return conclude(CheckResult("schema", "assert_schema", "passed", _passed(data, source), _figures(data, source)))
    failures = _without_errors_of_wrong_dtypes(failures)
    figures = _figures(data, source)
    figures.update(
        failed_checks=len(failures),
        failing_columns=len({f.column for f in failures if f.column is not None}),
    )
    if failing_rows is not None:
        figures["failing_rows"] = failing_rows
    table = [
        {
            "column": f.column if f.column is not None else "(frame)",
            "check": f.check,
            "failing rows": f.rows if f.rows is not None else "all",
            "failure cases": ", ".join(_show(v) for v in f.examples) if f.examples else f.detail,
        }
        for f in failures
    ]
    return conclude(CheckResult("schema", "assert_schema", "failed", _message(failures, figures), figures, table))


def _without_errors_of_wrong_dtypes(failures: list[_Failure]) -> list[_Failure]:
    """A check that could not run on a column of the wrong dtype is said by the dtype failure.

    (Its error is pandas' own, "Invalid comparison between dtype=str and int" under pandas 3,
    another under pandas 2, and adds nothing.)
    """
    wrong = {f.column for f in failures if f.reason == "wrong_dtype"}
    return [f for f in failures if not (f.column in wrong and f.reason == "check_error")]


def _figures(data: Any, source: str | None) -> dict[str, Any]:
    figures: dict[str, Any] = {"rows": len(data), "columns": len(data.columns)}
    if source is not None:
        figures["schema"] = source
    return figures


def _passed(data: Any, source: str | None) -> str:
    where = f" {source}" if source else ""
    return f"{len(data)} rows x {len(data.columns)} columns match the schema{where}"


def _failure(error: Any, data: Any) -> _Failure:
    reason = getattr(error.reason_code, "value", str(error.reason_code))
    check = error.check
    check_name = (getattr(check, "error", None) or getattr(check, "name", None) or str(check)) if check else reason
    if len(check_name) > 60:
        check_name = check_name[:52] + " ...)" if check_name.endswith(")") else check_name[:56] + " ..."
    cases = error.failure_cases
    column = getattr(error.schema, "name", None) if type(error.schema).__name__ != "DataFrameSchema" else None
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else reason
    if len(first_line) > 120:
        first_line = first_line[:117] + "..."
    if reason == "column_not_in_dataframe":
        return _Failure(str(cases), "column_in_dataframe", reason, None, [], "column is missing")
    if reason == "column_not_in_schema":
        return _Failure(str(cases), "column_in_schema", reason, None, [], "column is not in the schema (strict)")
    if reason == "wrong_dtype":
        return _Failure(column, "dtype", reason, None, [], _dtype_detail(error, data) or first_line)
    if isinstance(cases, str) or not hasattr(cases, "columns"):
        return _Failure(column, check_name, reason, None, [], first_line)
    return _Failure(column, check_name, reason, len(cases), _examples(cases), first_line)


def _dtype_detail(error: Any, data: Any) -> str:
    """``expected int64, got str``: a text column is ``str`` under pandas 2 (object) and 3 alike."""
    expected = getattr(error.schema, "dtype", None)
    name = getattr(error.schema, "name", None)
    if expected is None or name not in getattr(data, "columns", ()):
        return ""
    column = data[name]
    if type(data).__module__.split(".")[0] == "pandas":
        from mltest._dtypes import dtype_name

        got = dtype_name(column)
    else:
        got = str(column.dtype)
    return f"expected {expected}, got {got}"


def _examples(cases: Any) -> list[Any]:
    """The first few distinct failure cases (pandas: column failure_case; polars: the column)."""
    columns = list(cases.columns)
    name = "failure_case" if "failure_case" in columns else columns[0] if columns else None
    if name is None:
        return []
    seen: list[Any] = []
    for value in cases[name][: max(1000, EXAMPLES)].to_list():
        if not any(_same(value, s) for s in seen):
            seen.append(value)
            if len(seen) == EXAMPLES:
                break
    return seen


def _same(a: Any, b: Any) -> bool:
    return a is b or a == b or (a != a and b != b)  # NaN equals NaN here


def _failing_rows(cases: Any) -> int | None:
    """Distinct rows with a failure (pandas reports the index of each failure case)."""
    if cases is None or not hasattr(cases, "columns") or "index" not in cases.columns:
        return None
    index = cases["index"]
    if hasattr(index, "dropna"):
        index = index.dropna()
        if len(index) == 0:
            return None
        return int(index.nunique())
    return None


def _show(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "null"
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        with contextlib.suppress(TypeError, ValueError):
            value = value.item()
    return repr(value)


def _message(failures: list[_Failure], figures: dict[str, Any]) -> str:
    n = len(failures)
    columns = figures["failing_columns"]
    verdict = f"{n} schema check{'s' if n != 1 else ''} failed"
    if columns:
        verdict += f" in {columns} column{'s' if columns != 1 else ''}"
    if "failing_rows" in figures:
        verdict += f" ({figures['failing_rows']} of {figures['rows']} rows fail)"
    elif figures["rows"]:
        verdict += f" ({figures['rows']} rows checked)"
    if "schema" in figures:
        verdict += f"; schema {figures['schema']}"
    evidence = []
    for f in failures:
        where = f"column {f.column!r}" if f.column is not None else "frame"
        if f.rows is None:
            evidence.append(f"{where}: {f.check}: {f.detail}")
        else:
            cases = ", ".join(_show(v) for v in f.examples)
            more = ", ..." if len(f.examples) == EXAMPLES and f.rows > EXAMPLES else ""
            evidence.append(f"{where}: {f.check} fails for {f.rows} row{'s' if f.rows != 1 else ''}: {cases}{more}")
    return compose(
        verdict,
        evidence=evidence,
        causes=(
            "the data changed: a new source or extract, a bug upstream, a unit or encoding change",
            "the schema was inferred from data that did not show every valid value",
        ),
        fixes=(
            "if the values are wrong, fix the data where it is made",
            "if the data is right and the schema too strict, loosen the check in the schema "
            "(e.g. widen in_range, add isin values, set nullable: true) or infer it again "
            "with `mltest schema infer DATA -o SCHEMA`",
        ),
        waive="delete the check from the schema file (one line under its column).",
    )
