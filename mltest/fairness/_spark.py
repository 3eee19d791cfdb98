"""PySpark DataFrames: the per-group confusion matrices are counted on Spark.

One ``groupBy(sensitive columns, true class, predicted class).agg(...)`` job returns the row
and weight totals of every cell of every group's confusion matrix; those few rows are
collected and everything else (rates, disparities, bootstrap, verdicts) runs locally on the
same :class:`~mltest.fairness._counts.Counts` as pandas input. So a dataset too large for one
machine can be checked on a cluster. pyspark is imported only here, when the data is Spark's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest import _validation
from mltest.errors import InvalidArgument, invalid_argument, invalid_type
from mltest.fairness._counts import Counts, require_two_groups
from mltest.fairness._labels import require_every_class
from mltest.fairness._options import Inputs, Options

__all__ = ["count"]

_BAD = -1  # the code of a missing or unexpected label
_MINUS_ONE = 2  # the code of -1 in binary labels (0 and -1 must not both occur in one column)
_BINARY = "expected binary labels (0/1, -1/1 or booleans; 1 is the positive label) for a binary metric"


def _name(argument: str, value: Any, columns: list[str]) -> str:
    if not isinstance(value, str):
        raise invalid_type(argument, value, "a column name of the Spark DataFrame passed as data=")
    return _validation.columns(argument, value, columns)[0]


def _sort_key(label: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((0, v) if isinstance(v, (int, float)) else (1, str(v)) for v in label)


def _code(column: Any, options: Options) -> Any:
    """The class code of each row as a Spark expression (``_BAD`` for a missing or unknown label)."""
    from pyspark.sql import functions as F

    if options.labels is not None:
        expression = F
        for code, label in enumerate(options.labels):
            expression = expression.when(column == F.lit(label), code)
        return expression.otherwise(_BAD)
    if options.pos_label is not None:
        return F.when(column.isNull(), _BAD).when(column == F.lit(options.pos_label), 1).otherwise(0)
    value = column.try_cast("double")  # text is not a number: null (_BAD), not an ANSI cast error
    return F.when(value == 1.0, 1).when(value == 0.0, 0).when(value == -1.0, _MINUS_ONE).otherwise(_BAD)


def count(inputs: Inputs, options: Options, *, need_y_true: bool) -> Counts:
    """The confusion matrix of every group, aggregated on Spark."""
    from pyspark.sql import functions as F

    df = inputs.data
    columns = list(df.columns)
    sf = inputs.sensitive_features
    if not isinstance(sf, (str, list, tuple)) or not sf:
        raise invalid_type("sensitive_features", sf, "a column name or a list of column names")
    names = [_name("sensitive_features", c, columns) for c in ([sf] if isinstance(sf, str) else sf)]
    read_true = need_y_true or inputs.y_true is not None
    pred = F.col(_name("y_pred", inputs.y_pred, columns))
    true = F.col(_name("y_true", inputs.y_true, columns)) if read_true else None
    weight = F.lit(1.0)
    if inputs.sample_weight is not None:
        weight = F.col(_name("sample_weight", inputs.sample_weight, columns)).cast("double")
    keys = [F.col(c) for c in names]
    keys += [_code(pred, options).alias("_p"), (_code(true, options) if read_true else F.lit(0)).alias("_t")]
    aggregates = [F.count(F.lit(1)).alias("_n"), F.sum(weight).alias("_w")]
    aggregates.append(F.sum(F.when(weight.isNull() | (weight < 0), 1).otherwise(0)).alias("_bad_w"))
    if options.pos_label is not None and options.labels is None:  # the one other class of each column
        for prefix, raw in (("p", pred), ("t", true)):
            if raw is not None:
                other = F.when(raw != F.lit(options.pos_label), raw.cast("string"))
                aggregates += [F.min(other).alias(f"_{prefix}_lo"), F.max(other).alias(f"_{prefix}_hi")]
    rows = df.groupBy(*keys).agg(*aggregates).collect()
    if not rows:
        raise invalid_argument("data", df, "at least one row")
    _check_rows(rows, names, options, read_true=read_true)
    return _counts(rows, names, options, need_y_true=need_y_true)


def _check_rows(rows: list[Any], names: list[str], options: Options, *, read_true: bool) -> None:
    """The errors pandas input would give: bad labels, bad weights, missing sensitive values."""
    for label, key in (("y_pred", "_p"), ("y_true", "_t")) if read_true else (("y_pred", "_p"),):
        codes = {r[key] for r in rows}
        if _BAD in codes or (options.labels is None and options.pos_label is None and {0, _MINUS_ONE} <= codes):
            if options.labels is not None:
                expected = f"every class listed in labels={list(options.labels)}"
                raise InvalidArgument(f"{label} has values that are missing or not in labels: expected {expected}")
            if options.pos_label is not None:
                raise InvalidArgument(f"{label} has missing values (null): drop those rows before the check")
            raise InvalidArgument(
                f"{label} has values other than 0/1 or -1/1 (or missing values): {_BINARY}; for labels of another "
                "type, name the positive class with pos_label="
            )
    if options.labels is not None:
        seen = [np.array(sorted({r[key] for r in rows})) for key in (("_p", "_t") if read_true else ("_p",))]
        require_every_class(options.labels, seen[0], seen[1] if read_true else None)
    if options.pos_label is not None and options.labels is None:
        _check_other_class(rows, options.pos_label)
    if any(r["_bad_w"] for r in rows):
        raise InvalidArgument("sample_weight has negative or missing values: expected finite weights >= 0")
    if not any(r["_w"] for r in rows):
        raise InvalidArgument("sample_weight is 0 in every row: expected at least one positive weight")
    missing = [r for r in rows if any(r[c] is None for c in names)]
    if missing:
        n = sum(r["_n"] for r in missing)
        where = ", ".join(c for c in names if any(r[c] is None for r in missing))
        raise InvalidArgument(
            f"sensitive_features has {n} missing values (null) in {where}: "
            "fill them (e.g. with 'unknown', which becomes a group of its own) or drop those rows"
        )


def _check_other_class(rows: list[Any], pos_label: Any) -> None:
    """With ``pos_label``, the label columns hold it and at most one other class, the same one."""
    found = {r[k] for r in rows for k in ("_p_lo", "_p_hi", "_t_lo", "_t_hi") if k in r and r[k] is not None}
    if not any(r["_p"] == 1 or r["_t"] == 1 for r in rows):
        shown = sorted(found)[:6]
        raise invalid_argument(
            "pos_label", pos_label, f"a class of y_true or y_pred, one of {shown}", choices=[str(v) for v in shown]
        )
    if len(found) > 1:
        raise InvalidArgument(
            f"y_true and y_pred have {len(found)} classes besides pos_label={pos_label!r} "
            f"({', '.join(repr(v) for v in sorted(found)[:6])}): expected two classes, pos_label={pos_label!r} "
            "and one other"
        )


def _counts(rows: list[Any], names: list[str], options: Options, *, need_y_true: bool) -> Counts:
    """The collected cells as :class:`Counts` (groups sorted by their values)."""
    labels = tuple(sorted({tuple(r[c] for c in names) for r in rows}, key=_sort_key))
    position = {label: i for i, label in enumerate(labels)}
    n_classes = len(options.labels) if options.labels is not None else 2
    n_true = n_classes if need_y_true else 1
    cell_rows = np.zeros((len(labels), n_true, n_classes), dtype=np.int64)
    cells = np.zeros((len(labels), n_true, n_classes))
    standard = options.labels is None and options.pos_label is None  # 0/1 or -1/1: -1 is a negative

    def code(value: int) -> int:
        return 0 if standard and value == _MINUS_ONE else value

    for r in rows:
        t = code(r["_t"]) if need_y_true else 0
        p = code(r["_p"])
        g = position[tuple(r[c] for c in names)]
        cell_rows[g, t, p] += r["_n"]
        cells[g, t, p] += r["_w"]
    rows_per_group = cell_rows.sum(axis=(1, 2))
    require_two_groups(list(labels), int(rows_per_group.sum()))
    if options.labels is not None:
        classes, binary = options.labels, False
        measured = (classes.index(options.pos_label),) if options.pos_label is not None else tuple(range(n_classes))
    else:
        classes, measured, binary = (0, 1) if options.pos_label is None else (None, options.pos_label), (1,), True
    return Counts(
        columns=tuple(names),
        groups=list(labels),
        rows=rows_per_group,
        cells=cells,
        cell_rows=cell_rows,
        classes=classes,
        measured=measured,
        binary=binary,
    )
