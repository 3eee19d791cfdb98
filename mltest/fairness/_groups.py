"""Factorise the sensitive columns once into one integer group key per row.

Each column becomes integer codes (small integer columns and pandas categoricals cost next to
nothing; other values go through one hash or sort pass), and the columns combine into a single
key, ``sum(code_i * stride_i)``. Counting per group is then one ``np.bincount`` over that key:
no Python call per group, and the intersectional groups are only those that occur.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mltest.errors import InvalidArgument
from mltest.fairness._inputs import Column

__all__ = ["Groups", "factorise"]

# Integer columns whose range is at most this wide are coded as ``value - min`` directly.
_DIRECT_RANGE = 1 << 16
# Above this many possible combinations the combined key is compacted with np.unique.
_MAX_DENSE = 1 << 22


@dataclass
class Groups:
    """The group of every row as one integer key in ``range(size)``.

    ``uniques[i]`` holds the distinct values of column ``i``; a key maps back to its column
    values through :meth:`labels` (keys that no row has are simply never looked up).
    """

    columns: list[str]
    key: np.ndarray
    size: int
    uniques: list[np.ndarray]
    shape: tuple[int, ...]
    compact: np.ndarray | None = None  # when compacted: the column codes of each key, one row per key
    owned: bool = True  # whether ``key`` is our own array (False: it may be the caller's data)

    def labels(self, keys: np.ndarray) -> list[tuple[Any, ...]]:
        """The column values of each group key, as tuples."""
        if self.compact is not None:
            codes = tuple(self.compact[keys, i] for i in range(len(self.columns)))
        else:
            codes = np.unravel_index(keys, self.shape)
        per_column = [_py(self.uniques[i][codes[i]]) for i in range(len(self.columns))]
        return list(zip(*per_column, strict=True))


def _py(values: np.ndarray) -> list[Any]:
    return [v.item() if isinstance(v, np.generic) else v for v in values]


def _codes(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes in ``range(len(uniques))`` and the uniques of one column."""
    if isinstance(values, pd.Categorical):
        return values.codes, np.asarray(values.categories)
    if isinstance(values, pd.Series):  # strings or objects (see _inputs.sensitive_columns)
        return _factorize(values)
    kind = values.dtype.kind
    if kind == "b":
        return values.view(np.int8), np.array([False, True])
    if kind in "iu":
        lo, hi = int(values.min()), int(values.max())
        if hi - lo < _DIRECT_RANGE:
            codes = values if lo == 0 else np.subtract(values, lo, dtype=np.int64)
            return codes, np.arange(lo, hi + 1, dtype=values.dtype)
    if kind in "iuf":
        uniques, codes = np.unique(values, return_inverse=True)
        return codes, uniques
    return _factorize(values)


def _factorize(values: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # values that do not sort together (e.g. str and int)
        codes, uniques = pd.factorize(values, sort=False)
    return codes, np.asarray(uniques, dtype=object)


def factorise(columns: list[Column]) -> Groups:
    """One group key per row for the intersection of ``columns``."""
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise InvalidArgument(f"sensitive_features has duplicate column names {names}: expected distinct names")
    coded = [_codes(c.values) for c in columns]
    uniques = [u for _, u in coded]
    shape = tuple(max(len(u), 1) for u in uniques)
    size = int(np.prod(shape, dtype=np.float64))
    if len(coded) == 1:
        codes = coded[0][0]
        key = codes if codes.dtype == np.intp else codes.astype(np.intp)
        source = columns[0].values
        if isinstance(source, pd.Series):
            owned = True  # codes fresh from pd.factorize
        else:
            source = source.codes if isinstance(source, pd.Categorical) else source
            owned = not np.may_share_memory(key, source)
        return Groups(names, key, shape[0], uniques, shape, owned=owned)
    if size <= _MAX_DENSE:
        key = coded[0][0].astype(np.intp)
        for (codes, _), width in zip(coded[1:], shape[1:], strict=True):
            key *= width
            key += codes
        return Groups(names, key, size, uniques, shape)
    # Too many possible combinations for a dense table: compact the ones that occur as we go.
    key = np.zeros(len(coded[0][0]), dtype=np.int64)
    for (codes, _), width in zip(coded, shape, strict=True):
        key *= width
        key += codes
        key = np.unique(key, return_inverse=True)[1].astype(np.int64).reshape(-1)
    size = int(key.max()) + 1
    first_row = np.zeros(size, dtype=np.int64)
    first_row[key[::-1]] = np.arange(len(key))[::-1]
    table = np.stack([np.asarray(codes)[first_row] for codes, _ in coded], axis=1)
    return Groups(names, key.astype(np.intp), size, uniques, shape, compact=table)
