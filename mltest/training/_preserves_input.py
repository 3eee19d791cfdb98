"""assert_fit_preserves_input: fitting does not modify X or y."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from mltest._message import compose
from mltest.report import CheckResult
from mltest.training._common import fail, succeed
from mltest.training._estimators import EXAMPLES, check_estimator, check_xy, estimator_name, fit_clone, scalar

__all__ = ["assert_fit_preserves_input"]


def _changes(argument: str, before: Any, after: Any) -> list[dict[str, Any]]:
    """Rows describing how ``after`` differs from its copy ``before`` (empty when it does not)."""
    import pandas as pd

    if isinstance(before, pd.DataFrame) and isinstance(after, pd.DataFrame):
        rows = []
        if list(before.columns) != list(after.columns):
            added = [c for c in after.columns if c not in before.columns]
            removed = [c for c in before.columns if c not in after.columns]
            rows.append(
                {
                    "argument": argument,
                    "column": "(columns)",
                    "changed": len(added) + len(removed),
                    "example": f"added {added}, removed {removed}",
                }
            )
        if not before.index.equals(after.index):
            rows.append({"argument": argument, "column": "(index)", "changed": "", "example": "the row labels changed"})
        for column in [c for c in before.columns if c in after.columns]:
            rows += _changes(f"{argument}[{column!r}]", before[column], after[column])
        return rows
    if isinstance(before, pd.Series) and isinstance(after, pd.Series):
        rows = []
        if before.dtype != after.dtype:
            rows.append(
                {
                    "argument": argument,
                    "column": "(dtype)",
                    "changed": "",
                    "example": f"{before.dtype} -> {after.dtype}",
                }
            )
        if len(before) != len(after):
            rows.append(
                {
                    "argument": argument,
                    "column": "(length)",
                    "changed": "",
                    "example": f"{len(before)} -> {len(after)} rows",
                }
            )
            return rows
        a, b = before.to_numpy(), after.to_numpy()
        changed = ~((a == b) | (pd.isna(a) & pd.isna(b)))
        if changed.any():
            i = int(np.flatnonzero(changed)[0])
            rows.append(
                {
                    "argument": argument,
                    "column": "",
                    "changed": int(changed.sum()),
                    "example": f"row {before.index[i]!r}: {scalar(a[i])!r} -> {scalar(b[i])!r}",
                }
            )
        return rows
    a, b = np.asarray(before, dtype=object), np.asarray(after, dtype=object)
    if a.shape != b.shape:
        return [{"argument": argument, "column": "(shape)", "changed": "", "example": f"{a.shape} -> {b.shape}"}]
    changed = ~((a == b) | (pd.isna(a) & pd.isna(b)))
    if not changed.any():
        return []
    where = tuple(int(i) for i in np.argwhere(changed)[0])
    return [
        {
            "argument": argument,
            "column": "",
            "changed": int(changed.sum()),
            "example": f"at {where}: {scalar(a[where])!r} -> {scalar(b[where])!r}",
        }
    ]


def assert_fit_preserves_input(estimator: Any, X: Any, y: Any) -> CheckResult:
    """Assert that fitting the estimator does not modify ``X`` or ``y``.

    A clone is fitted on the caller's own objects, then they are compared cell by cell with
    copies taken beforehand (columns, index, dtypes and values; NaN equals NaN). A model that
    scales, fills or encodes its input in place corrupts the data of every later step.
    """
    check_estimator(estimator)
    n, _ = check_xy(X, y)
    X_before, y_before = copy.deepcopy(X), copy.deepcopy(y)
    fit_clone(estimator, X, y)
    table = _changes("X", X_before, X) + _changes("y", y_before, y)
    name = estimator_name(estimator)
    figures = {"rows": n, "changes": len(table)}
    if not table:
        return succeed(
            "assert_fit_preserves_input",
            f"assert_fit_preserves_input: fitting {name} left X and y as they were",
            figures,
        )
    evidence = [
        f"{row['argument']}{' ' + str(row['column']) if row['column'] else ''}: "
        f"{str(row['changed']) + ' cells changed, ' if row['changed'] != '' else ''}{row['example']}"
        for row in table[: 2 * EXAMPLES]
    ]
    message = compose(
        f"assert_fit_preserves_input: fitting {name} modified its input in {len(table)} place"
        f"{'s' if len(table) > 1 else ''}.",
        evidence=evidence,
        causes=[
            "a step writes into the data it was given: X[col] = ..., X.fillna(..., inplace=True), "
            "X -= X.mean(), np.log(X, out=X), X.drop(..., inplace=True)",
            "a FunctionTransformer or custom transformer that returns its input after changing it",
        ],
        fixes=["copy before changing (X = X.copy()) or build a new frame (X.assign(...))"],
        waive="none: there is no threshold. If the change is intended, fit on a copy yourself and "
        "do not call this check.",
    )
    return fail("assert_fit_preserves_input", message, figures, table)
