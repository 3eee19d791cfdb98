"""mltest.assert_invariant on 100,000 rows against a row-by-row loop and against one batched predict.

The model is a scikit-learn pipeline (one-hot encoding and logistic regression) trained on the
German credit data; the 100,000 rows are drawn from that data with replacement; the
perturbation is ``swap("sex", ["male", "female"])`` (one perturbed copy per row).

* ``assert_invariant``: the whole check, including building its failure message.
* batched: what the check cannot avoid: the perturbation itself (``swap(...).apply``) plus
  ``predict`` on the original rows and on the perturbed rows, one call each.
* row loop: what a naive test does: ``predict`` on each original row and each perturbed row,
  one call per row. It is timed on a subsample (``--loop-rows``, default 500) and extrapolated
  linearly to all rows (each call costs the same, so the extrapolation is fair).

Targets: at least 50x faster than the row loop; at most 2x the batched predict.
Medians of ``--repeat`` runs (default 3).

    .venv/bin/python benchmarks/invariance.py [--rows N] [--loop-rows N] [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import mltest
from mltest import perturb

DATA = Path(__file__).resolve().parent.parent / "examples" / "data" / "german_credit.csv"
CATEGORICAL = ["sex", "housing", "saving_accounts", "checking_account", "purpose"]
NUMERIC = ["job", "credit_amount", "duration", "age"]


def model_and_rows(rows: int) -> tuple[object, pd.DataFrame]:
    credit = pd.read_csv(DATA)
    X, y = credit.drop(columns="risk"), credit["risk"]
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(handle_unknown="ignore"), CATEGORICAL), (StandardScaler(), NUMERIC)),
        LogisticRegression(max_iter=1000),
    ).fit(X, y)
    sample = np.random.default_rng(0).integers(0, len(X), rows)
    return model, X.iloc[sample].reset_index(drop=True)


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--loop-rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    model, data = model_and_rows(args.rows)
    swap = perturb.swap("sex", ["male", "female"])

    def check() -> None:
        # The model uses sex: the check fails, message and all, as it would in a test.
        with contextlib.suppress(mltest.CheckFailed):
            mltest.assert_invariant(model, data, swap, seed=0)

    def batched() -> None:
        perturbed = swap.apply(data)
        model.predict(data)
        model.predict(perturbed)

    perturbed = swap.apply(data)
    loop_rows = min(args.loop_rows, args.rows)

    def loop() -> None:
        for i in range(loop_rows):
            model.predict(data.iloc[[i]])
            model.predict(perturbed.iloc[[i]])

    check(), batched()  # warm up
    check_times, batched_times = [], []
    for _ in range(args.repeat):
        check_times.append(timed(check))
        batched_times.append(timed(batched))
    t_check, t_batched = statistics.median(check_times), statistics.median(batched_times)
    t_loop = timed(loop) * args.rows / loop_rows

    print(f"assert_invariant on {args.rows:,} rows, swap('sex', ...), scikit-learn pipeline (medians of {args.repeat})")
    rows = [
        ("assert_invariant", f"{t_check * 1000:10.1f} ms"),
        ("batched: perturb + 2 predicts", f"{t_batched * 1000:10.1f} ms"),
        (f"row loop ({loop_rows:,} rows timed, extrapolated)", f"{t_loop:10.1f} s"),
        ("speed-up over the row loop", f"{t_loop / t_check:10.0f}x   (target >= 50x)"),
        ("ratio to the batched predict", f"{t_check / t_batched:10.2f}    (target <= 2x)"),
    ]
    for label, value in rows:
        print(f"  {label:<44}{value}")
    return 0 if t_loop / t_check >= 50 and t_check / t_batched <= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
