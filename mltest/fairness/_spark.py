"""PySpark DataFrames: only the per-group confusion tables are computed on Spark.

One ``groupBy(sensitive columns).agg(...)`` job returns, per group, the row and weight totals
of the four confusion cells plus counts of invalid labels; the few rows it returns (one per
group) are collected and everything else (rates, disparities, bootstrap, verdicts) runs
locally on them. So a dataset too large for one machine can be checked on a cluster.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest.errors import InvalidArgument, invalid_argument, invalid_type
from mltest.fairness._metrics import Counts, check_groups

__all__ = ["count"]


def _name(argument: str, value: Any, columns: list[str]) -> str:
    if not isinstance(value, str):
        raise invalid_type(argument, value, "a column name of the Spark DataFrame passed as data=")
    if value not in columns:
        raise invalid_argument(argument, value, f"a column of data, one of {columns}", choices=columns)
    return value


def _sort_key(label: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((0, v) if isinstance(v, (int, float)) else (1, str(v)) for v in label)


def _check_other_class(rows: list[Any], pos_label: Any) -> None:
    """With ``pos_label``, both label columns hold at most one other class, the same one."""
    found = set()
    for prefix in ("pred", "true"):
        key = f"{prefix}_other_min"
        if key in rows[0]:
            found |= {r[k] for r in rows for k in (key, f"{prefix}_other_max") if r[k] is not None}
    if not any(r["r01"] or r["r11"] or r["r10"] for r in rows):
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


def count(
    df: Any,
    *,
    y_true: Any,
    y_pred: Any,
    sensitive_features: Any,
    sample_weight: Any = None,
    need_y_true: bool = True,
    pos_label: Any = None,
) -> Counts:
    """The confusion table of every group, aggregated on Spark."""
    from pyspark.sql import functions as F

    columns = list(df.columns)
    names = [sensitive_features] if isinstance(sensitive_features, str) else sensitive_features
    if not isinstance(names, (list, tuple)) or not names:
        raise invalid_type("sensitive_features", sensitive_features, "a column name or a list of column names")
    names = [_name("sensitive_features", c, columns) for c in names]
    raw_pred = F.col(_name("y_pred", y_pred, columns))
    raw_true = F.col(_name("y_true", y_true, columns)) if need_y_true else None
    if pos_label is None:
        pred = raw_pred.cast("double")
        true = raw_true.cast("double") if need_y_true else F.lit(0.0)
    else:  # 1.0 for the positive class, 0.0 for the other, null for a missing label

        def positive(raw: Any) -> Any:
            return F.when(raw.isNull(), F.lit(None)).when(raw == F.lit(pos_label), 1.0).otherwise(0.0)

        pred = positive(raw_pred)
        true = positive(raw_true) if need_y_true else F.lit(0.0)
    weight = (
        F.lit(1.0) if sample_weight is None else F.col(_name("sample_weight", sample_weight, columns)).cast("double")
    )

    def bad(label: Any) -> Any:
        return F.sum(F.when(label.isNull() | ~label.isin(0.0, 1.0, -1.0), 1).otherwise(0))

    aggregates = [F.count(F.lit(1)).alias("n"), bad(pred).alias("bad_pred"), bad(true).alias("bad_true")]
    aggregates += [F.sum(F.when(pred == 0.0, 1).otherwise(0)).alias("zero_pred")]
    aggregates += [F.sum(F.when(pred == -1.0, 1).otherwise(0)).alias("minus_pred")]
    aggregates += [F.sum(F.when(true == 0.0, 1).otherwise(0)).alias("zero_true")]
    aggregates += [F.sum(F.when(true == -1.0, 1).otherwise(0)).alias("minus_true")]
    aggregates += [F.sum(F.when(weight.isNull() | (weight < 0), 1).otherwise(0)).alias("bad_weight")]
    if pos_label is not None:  # the other class of each label column, to check that there is one
        for prefix, raw in (("pred", raw_pred), ("true", raw_true)):
            if raw is not None:
                other = F.when(raw != F.lit(pos_label), raw.cast("string"))
                aggregates += [F.min(other).alias(f"{prefix}_other_min"), F.max(other).alias(f"{prefix}_other_max")]
    for t in (0, 1):
        for p in (0, 1):
            cell = ((true == 1.0) if t else (true != 1.0)) & ((pred == 1.0) if p else (pred != 1.0))
            aggregates.append(F.sum(F.when(cell, 1).otherwise(0)).alias(f"r{t}{p}"))
            aggregates.append(F.sum(F.when(cell, weight).otherwise(0.0)).alias(f"w{t}{p}"))
    rows = df.groupBy(*names).agg(*aggregates).collect()
    if not rows:
        raise invalid_argument("data", df, "at least one row")
    checks = ("bad_pred", "bad_true", "zero_pred", "minus_pred", "zero_true", "minus_true", "bad_weight")
    total = {k: sum(r[k] or 0 for r in rows) for k in checks}
    for label, prefix in (("y_pred", "pred"), ("y_true", "true")):
        if total[f"bad_{prefix}"] or (total[f"zero_{prefix}"] and total[f"minus_{prefix}"]):
            raise InvalidArgument(
                f"{label} has values other than 0/1 or -1/1 (or missing values): expected binary labels "
                "(0/1, -1/1 or booleans; 1 is the positive label) for a binary metric"
            )
    if pos_label is not None:
        _check_other_class(rows, pos_label)
    if total["bad_weight"]:
        raise InvalidArgument("sample_weight has negative or missing values: expected finite weights >= 0")
    missing = [r for r in rows if any(r[c] is None for c in names)]
    if missing:
        n = sum(r["n"] for r in missing)
        where = ", ".join(c for c in names if any(r[c] is None for r in missing))
        raise InvalidArgument(
            f"sensitive_features has {n} missing values (null) in {where}: "
            "fill them (e.g. with 'unknown', which becomes a group of its own) or drop those rows"
        )
    rows = sorted(rows, key=lambda r: _sort_key(tuple(r[c] for c in names)))
    cell_rows = np.array([[r["r00"], r["r01"], r["r10"], r["r11"]] for r in rows], dtype=np.int64)
    cells = np.array([[r["w00"], r["w01"], r["w10"], r["w11"]] for r in rows], dtype=float)
    counts = Counts(
        columns=list(names),
        labels=[tuple(r[c] for c in names) for r in rows],
        rows=cell_rows.sum(axis=1),
        cells=cells,
        cell_rows=cell_rows,
        has_y_true=need_y_true,
    )
    check_groups(counts)
    return counts
