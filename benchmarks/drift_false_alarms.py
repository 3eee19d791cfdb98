"""The false-alarm table of docs/monitoring.md: how often assert_no_drift passes, fails or cannot decide.

Simulated with fixed seeds, through the public call on pandas frames: reference and current
rows drawn from one normal distribution (no shift: every failure is a false alarm), or the
current shifted by 0.1 standard deviations (real drift above the default threshold of 0.05).
Prints the Markdown table that the docs page shows; a cheap version runs in
tests/test_monitoring_drift.py.

    .venv/bin/python benchmarks/drift_false_alarms.py [--quick]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import mltest
from mltest import _settings
from mltest.report import recording

# (rows per side, columns, repeats); --quick divides the repeats by 10
PLAN = [(100, 1, 1000), (10_000, 1, 400), (1_000_000, 1, 100), (10_000, 10, 200)]


def outcome(n: int, columns: int, shift: float, seed: int) -> str:
    rng = np.random.default_rng([n, columns, int(shift * 1000), seed])
    names = [f"x{i}" for i in range(columns)]
    reference = pd.DataFrame(rng.normal(0.0, 1.0, (n, columns)), columns=names)
    current = pd.DataFrame(rng.normal(shift, 1.0, (n, columns)), columns=names)
    try:
        return mltest.assert_no_drift(reference, current).outcome
    except mltest.CheckFailed as failure:
        return failure.result.outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    _settings.update({"inconclusive": "pass"}, source="simulation")  # count undecided results, do not raise
    print("| rows per side | columns | shift | runs | failed | inconclusive | passed |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, columns, repeats in PLAN:
        runs = max(repeats // 10, 10) if args.quick else repeats
        for shift in (0.0, 0.1):
            if columns > 1 and shift:
                continue
            with recording():
                seen = [outcome(n, columns, shift, seed) for seed in range(runs)]
            shares = {o: seen.count(o) / runs for o in ("failed", "inconclusive", "passed")}
            label = "none" if shift == 0 else f"{shift} sd"
            print(
                f"| {n:,} | {columns} | {label} | {runs} | {shares['failed']:.1%} | {shares['inconclusive']:.1%} "
                f"| {shares['passed']:.1%} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
