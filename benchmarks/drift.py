"""Drift: mltest against evidently's DataDriftPreset and against a bare numpy pass.

1,000,000 reference + 1,000,000 current rows, 20 numeric and 5 categorical columns, 5 numeric
columns shifted by 0.1 standard deviations. Timed side by side, best of ``--repeat``:

- mltest from frames: ``assert_no_drift(reference_frame, current_frame)``;
- mltest from a saved profile: ``load_profile`` of the reference's profile, then
  ``assert_no_drift(profile, current_frame)`` (what a monitoring job does every day);
- evidently 0.7 ``Report([DataDriftPreset(num_threshold=0.05)])``, in its own virtual
  environment (it needs pandas < 3; benchmarks/anchors.py), once: it takes minutes;
- the numpy anchor: per numeric column quantile edges of the reference, ``np.searchsorted`` +
  ``np.bincount`` of both sides and the binned Wasserstein distance; per categorical column
  ``pd.factorize`` codes + ``np.bincount``; no input checks, no intervals.

Targets: evidently / mltest >= 50x; mltest / numpy <= 2x; the same 5 columns flagged.

    .venv/bin/python benchmarks/drift.py [--rows 1000000] [--repeat 3] [--no-evidently]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from anchors import anchor_python

import mltest

SHIFTED = [f"n{i}" for i in range(5)]
THRESHOLD = 0.05  # mltest's default for the normalised Wasserstein distance; given to evidently too


def make(rows: int, *, shift: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = {f"n{i}": rng.normal(shift if f"n{i}" in SHIFTED else 0.0, 1.0, rows) for i in range(20)}
    for i in range(5):
        values = np.array([f"v{j}" for j in range(4 + i)])
        data[f"c{i}"] = values[rng.integers(0, len(values), rows)]
    return pd.DataFrame(data)


def numpy_pass(reference: pd.DataFrame, current: pd.DataFrame, *, sample: bool = False) -> list[str]:
    """The bare minimum: bins, counts, one distance per column, a fixed threshold. With ``sample``, the edges are
    quantiles of every 10th reference value (as mltest takes them from at most 100,000 values), not of all."""
    flagged = []
    for column in reference.columns:
        a, b = reference[column].to_numpy(), current[column].to_numpy()
        if a.dtype.kind == "f":
            edges = np.quantile(
                a[:: len(a) // 100_000] if sample and len(a) > 100_000 else a, np.linspace(0, 1, 101)[1:-1]
            )
            pa = np.bincount(np.searchsorted(edges, a), minlength=100) / len(a)
            pb = np.bincount(np.searchsorted(edges, b), minlength=100) / len(b)
            cdf_gap = np.cumsum(pa - pb)[:-1]  # at each edge
            distance = np.abs(cdf_gap[:-1] + cdf_gap[1:]) / 2 @ np.diff(edges)
            if distance / a.std() > THRESHOLD:
                flagged.append(column)
        else:
            codes, values = pd.factorize(np.concatenate([a, b]))  # hashing: far faster than np.unique on text
            pa = np.bincount(codes[: len(a)], minlength=len(values)) / len(a)
            pb = np.bincount(codes[len(a) :], minlength=len(values)) / len(b)
            m = (pa + pb) / 2
            js = np.sqrt(0.5 * np.sum(pa * np.log(pa / m)) + 0.5 * np.sum(pb * np.log(pb / m)))
            if js > THRESHOLD:
                flagged.append(column)
    return flagged


def drifted(result: mltest.report.CheckResult) -> list[str]:
    return sorted(row["column"] for row in result.table if row["verdict"] == "drift")


def run_mltest(reference: object, current: pd.DataFrame) -> mltest.report.CheckResult:
    try:
        return mltest.assert_no_drift(reference, current)
    except mltest.CheckFailed as failure:
        return failure.result


EVIDENTLY = r"""
import json, re, sys, time, warnings
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset
warnings.simplefilter("ignore")
reference, current = pd.read_parquet(sys.argv[1]), pd.read_parquet(sys.argv[2])
start, cpu = time.perf_counter(), time.process_time()
report = Report([DataDriftPreset(num_threshold=float(sys.argv[3]))])
snapshot = report.run(current_data=current, reference_data=reference)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
flagged = []
for metric in snapshot.dict()["metrics"]:
    name = metric.get("metric_name", "")  # ValueDrift(column=n0,method=Wasserstein distance (normed),threshold=0.05)
    if name.startswith("ValueDrift("):
        column = re.search(r"column=([^,)]+)", name).group(1)
        threshold = float(re.search(r"threshold=([0-9.eE+-]+)", name).group(1))
        if metric["value"] >= threshold:
            flagged.append(column)
print(json.dumps({"seconds": seconds, "cpu": cpu, "flagged": sorted(flagged)}))
"""


def run_evidently(reference: pd.DataFrame, current: pd.DataFrame) -> dict:
    python = anchor_python("evidently", ["evidently>=0.7,<0.8", "pandas<3", "pyarrow"])
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / "reference.parquet", Path(folder) / "current.parquet"]
        reference.to_parquet(paths[0])
        current.to_parquet(paths[1])
        run = subprocess.run(
            [python, "-c", EVIDENTLY, *map(str, paths), str(THRESHOLD)], capture_output=True, text=True
        )
    if run.returncode != 0:
        raise SystemExit(f"evidently failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def best(function, repeat: int) -> tuple[float, float, object]:
    """(best wall-clock seconds, best CPU seconds of this process, the value) over ``repeat`` runs."""
    walls, cpus, value = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        value = function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-evidently", action="store_true", help="skip evidently (minutes at 1M rows)")
    args = parser.parse_args(argv)
    reference, current = make(args.rows, shift=0.0, seed=1), make(args.rows, shift=0.1, seed=2)
    with tempfile.TemporaryDirectory() as folder:
        saved = mltest.profile(reference).save(Path(folder) / "reference.json")
        frames = best(lambda: run_mltest(reference, current), args.repeat)
        profile = best(lambda: run_mltest(mltest.load_profile(saved), current), args.repeat)
    anchor = best(lambda: numpy_pass(reference, current), args.repeat)
    sampled = best(lambda: numpy_pass(reference, current, sample=True), args.repeat)
    print(f"{args.rows:,} + {args.rows:,} rows, 20 numeric + 5 categorical columns, {SHIFTED} shifted by 0.1 sd")
    print("  (CPU seconds of the process, which a busy machine changes least; wall-clock seconds in brackets)")
    for label, (wall, cpu, value) in (("mltest from frames", frames), ("mltest from a profile", profile)):
        print(f"  {label:<26}{cpu:8.2f} s ({wall:.2f})   flagged {drifted(value)}")
    wall, cpu, flagged = anchor
    print(f"  {'numpy pass (anchor)':<26}{cpu:8.2f} s ({wall:.2f})   flagged {sorted(flagged)}")
    wall, cpu, flagged = sampled
    print(f"  {'numpy, edges of a sample':<26}{cpu:8.2f} s ({wall:.2f})   flagged {sorted(flagged)}")
    ratios = f"{frames[1] / anchor[1]:8.2f}x (from frames), {profile[1] / anchor[1]:.2f}x (profile)"
    print(f"  mltest / numpy            {ratios}")
    ratios = f"{frames[1] / sampled[1]:8.2f}x (from frames), {profile[1] / sampled[1]:.2f}x (profile)"
    print(f"  mltest / numpy (sampled)  {ratios}")
    if not args.no_evidently:
        evidently = run_evidently(reference, current)
        print(
            f"  {'evidently DataDriftPreset':<26}{evidently['cpu']:8.2f} s ({evidently['seconds']:.2f})   "
            f"flagged {evidently['flagged']}"
        )
        print(
            f"  evidently / mltest        {evidently['cpu'] / frames[1]:8.1f}x (from frames), "
            f"{evidently['cpu'] / profile[1]:.1f}x (profile)"
        )
    from_frames, from_profile = frames[2], profile[2]
    same = drifted(from_frames) == drifted(from_profile) == sorted(SHIFTED)
    print(f"  the 5 shifted columns and no other flagged by mltest: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
