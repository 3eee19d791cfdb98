"""assert_no_weak_slices on every one- and two-feature slice of a 50,000-row, 14-feature table.

The table is ``_planted.table(50_000, seed=0, columns=14)`` (7 numeric and 7 categorical
columns, a planted weak slice); the same work is timed three ways:

* mltest: the whole check (encoding, both halves of every slice family by bincount, the
  confirmation, the message).
* a pandas groupby per slice: what a hand-written search does: for each of the same slices, a
  boolean mask and a groupby of the rows by half for the slice's accuracy, and the rest's.
* deepchecks 0.19's ``WeakSegmentsPerformance`` (all 14 features), in its own venv
  (``benchmarks/_planted.py`` makes it on first use; ``--no-deepchecks`` skips it).

Targets: mltest at least 10x faster than the anchor (deepchecks where it runs, else the pandas
loop) and under 2 s. Best of ``--repeat`` runs (default 3; deepchecks once).

    .venv/bin/python benchmarks/slices.py [--rows N] [--repeat N] [--no-deepchecks]
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Callable, Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from _planted import Planted, run_deepchecks, table

import mltest
from mltest.errors import CheckFailed


def best(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def run_mltest(sample: Planted) -> None:
    with contextlib.suppress(CheckFailed):
        mltest.assert_no_weak_slices(sample.pred, sample.X, sample.y, seed=0)


def run_pandas(sample: Planted) -> int:
    """Every one- and two-feature slice, one mask and one groupby each; returns the number of slices."""
    levels = {}
    for name in sample.X.columns:
        column = sample.X[name]
        numeric = column.dtype.kind in "if" and column.nunique() > 10
        levels[name] = pd.qcut(column, 5, duplicates="drop") if numeric else column
    frame = pd.DataFrame(levels)
    right = pd.Series(sample.pred == sample.y)
    half = pd.Series(np.random.default_rng(0).permutation(len(frame)) >= len(frame) // 2)
    families = [(c,) for c in frame.columns] + list(combinations(frame.columns, 2))
    slices = 0
    for family in families:
        for values in frame[list(family)].drop_duplicates().itertuples(index=False):
            mask = np.ones(len(frame), dtype=bool)
            for name, value in zip(family, values, strict=True):
                mask &= (frame[name] == value).to_numpy()
            inside = right[mask].groupby(half[mask]).agg(["mean", "size"])
            outside = right[~mask].groupby(half[~mask]).agg(["mean", "size"])
            slices += int(len(inside) > 0 and len(outside) > 0)
    return slices


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-deepchecks", action="store_true")
    args = parser.parse_args(argv)
    sample = table(args.rows, 0, columns=14)
    ours = best(lambda: run_mltest(sample), args.repeat)
    start = time.perf_counter()
    slices = run_pandas(sample)
    loop = time.perf_counter() - start
    print(f"{args.rows:,} rows x 14 features, {slices:,} one- and two-feature slices")
    print(f"  mltest.assert_no_weak_slices       {ours:8.3f} s   (target: < 2 s)")
    print(f"  pandas groupby per slice           {loop:8.3f} s   ratio {loop / ours:6.1f}x")
    if not args.no_deepchecks:
        (result,) = run_deepchecks({"bench": sample})
        seconds = result["seconds"]
        print(f"  deepchecks WeakSegmentsPerformance {seconds:8.3f} s   ratio {seconds / ours:6.1f}x (target: >= 10x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
