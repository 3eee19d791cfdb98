"""``assert_no_leakage``: rows (or keys) of the test split that also occur in the training split.

Each row is hashed once (64-bit, vectorised: pandas ``hash_pandas_object``, polars
``hash_rows``) and the test hashes are looked up in a hash table of the training hashes (pandas ``isin``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mltest._validation import number
from mltest.errors import invalid_argument
from mltest.report import CheckResult, conclude
from mltest.schema._backend import frame_api, to_api, wrong_type

if TYPE_CHECKING:
    import numpy

__all__ = ["assert_no_leakage"]

EXAMPLES = 5
SHOWN_COLUMNS = 8


def assert_no_leakage(
    train: Any, test: Any, *, on: str | Sequence[str] | None = None, max_overlap: int = 0
) -> CheckResult:
    """Fail when more than ``max_overlap`` rows of ``test`` also occur in ``train``.

    Rows are compared on every column (``on=None``; both frames need the same columns) or on
    the key column(s) ``on``, e.g. a customer id, so that the same entity in both splits counts.
    ``train`` and ``test`` are pandas or polars DataFrames. The failure gives the count, the
    share of the test split and the first overlapping rows with their positions in both splits.
    """
    api = frame_api(train, "train")
    frame_api(test, "test")
    test = to_api(test, api)
    max_overlap = number("max_overlap", max_overlap, low=0, integer=True)
    columns = _columns(train, test, on)
    for name in columns:
        if train[name].dtype != test[name].dtype:
            raise invalid_argument(
                f"test[{name!r}].dtype",
                str(test[name].dtype),
                f"{train[name].dtype}, the dtype of train[{name!r}]: cast one so that rows can be compared",
            )
    import numpy  # here, not at the top: `mltest schema --help` should not wait for pandas
    import pandas

    train_hash, test_hash = _hash(train, columns, api), _hash(test, columns, api)
    leaked = pandas.Series(test_hash).isin(train_hash).to_numpy()  # a hash table: 15x numpy.isin
    overlap = int(leaked.sum())
    figures: dict[str, Any] = {
        "overlap_rows": overlap,
        "max_overlap": max_overlap,
        "test_rows": len(test),
        "train_rows": len(train),
        "overlap_fraction": overlap / len(test),
        "compared_on": "all columns" if on is None else ", ".join(columns),
    }
    what = f"all {len(columns)} columns" if on is None else f"{'key' if len(columns) == 1 else 'keys'} {columns}"
    if overlap <= max_overlap:
        message = (
            f"{overlap} of {len(test)} test rows also occur in train (max_overlap={max_overlap}), compared on {what}"
        )
        return conclude(CheckResult("schema", "assert_no_leakage", "passed", message, figures))
    distinct = int(pandas.unique(test_hash[leaked]).size)
    figures["distinct_overlapping"] = distinct
    test_positions = numpy.flatnonzero(leaked)[:EXAMPLES]
    first_in_train = _first_positions(train_hash, test_hash[test_positions])
    table = []
    lines = [
        f"{overlap} of {len(test)} test rows ({overlap / len(test):.1%}) also occur in train "
        f"(max_overlap={max_overlap}), compared on {what}; {distinct} distinct "
        f"{'row' if on is None else 'key'}{'s' if distinct != 1 else ''}. First ones:"
    ]
    for position in test_positions:
        train_position = first_in_train[test_hash[position]]
        values = _row(test, columns, int(position), api)
        test_label, train_label = _label(test, int(position), api), _label(train, int(train_position), api)
        table.append({"test row": test_label, "train row": train_label, **values})
        shown = ", ".join(f"{k}={v!r}" for k, v in list(values.items())[:SHOWN_COLUMNS])
        if len(values) > SHOWN_COLUMNS:
            shown += ", ..."
        lines.append(f"  test row {test_label} = train row {train_label}: {shown}")
    lines.append(
        "Likely causes: duplicated records before the split, or the same entity in both splits. "
        "Deduplicate before splitting or split by group on a key (e.g. sklearn GroupShuffleSplit); "
        f"to accept some overlap, pass max_overlap={overlap}."
    )
    return conclude(CheckResult("schema", "assert_no_leakage", "failed", "\n".join(lines), figures, table))


def _columns(train: Any, test: Any, on: str | Sequence[str] | None) -> list[str]:
    train_columns, test_columns = list(train.columns), list(test.columns)
    if on is None:
        only_train = [c for c in train_columns if c not in test_columns]
        only_test = [c for c in test_columns if c not in train_columns]
        if only_train or only_test:
            raise invalid_argument(
                "on",
                None,
                f"key columns when train and test have different columns (only in train: {only_train}, "
                f"only in test: {only_test})",
            )
        return train_columns
    keys = [on] if isinstance(on, str) else on
    if not isinstance(keys, Sequence) or not keys or not all(isinstance(k, str) for k in keys):
        raise wrong_type("on", on, "a column name or a non-empty list of column names")
    for key in keys:
        if key not in train_columns or key not in test_columns:
            frame = "train" if key not in train_columns else "test"
            both = [c for c in train_columns if c in test_columns]
            raise invalid_argument(
                "on", key, f"a column of both train and test ({frame} has none), one of {both}", choices=both
            )
    return list(keys)


def _hash(frame: Any, columns: list[str], api: str) -> numpy.ndarray:
    if api == "pandas":
        import pandas

        return pandas.util.hash_pandas_object(frame[columns], index=False).to_numpy()
    return frame.select(columns).hash_rows(seed=0).to_numpy()


def _first_positions(train_hash: numpy.ndarray, wanted: numpy.ndarray) -> dict[Any, int]:
    import numpy
    import pandas

    positions = numpy.flatnonzero(pandas.Series(train_hash).isin(wanted).to_numpy())
    first: dict[Any, int] = {}
    for position in positions:
        first.setdefault(train_hash[position], int(position))
    return first


def _row(frame: Any, columns: list[str], position: int, api: str) -> dict[str, Any]:
    if api == "pandas":
        values = frame[columns].iloc[position].to_dict()
    else:
        values = frame.select(columns).row(position, named=True)
    return {str(k): (v.item() if hasattr(v, "item") else v) for k, v in values.items()}


def _label(frame: Any, position: int, api: str) -> Any:
    if api == "pandas":
        label = frame.index[position]
        return label.item() if hasattr(label, "item") else label
    return position
