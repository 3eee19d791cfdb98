"""Fairness metrics: mltest against fairlearn and against a bare numpy bincount pass.

Same data for everyone, in one process: 3 sensitive columns (race 5 values, sex 2, age band 4:
40 intersectional groups) as pandas categoricals, binary y_true and y_pred, and demographic
parity plus equalized odds differences. Prints the times and the ratios:

- fairlearn / mltest (target: >= 50x at 10M rows);
- mltest / anchor, where the anchor is a bare numpy pass per metric over the same arrays
  (group key from the columns' codes, then one np.bincount of the confusion cells; no input
  checks) (target: <= 1.5x);
- a 1,000-resample bootstrap interval on 1M rows (target: < 5 s);
- regression: the mean absolute error by group and its difference, mltest against fairlearn's
  MetricFrame (with scikit-learn's mean_absolute_error) and against a bare numpy pass.

    python benchmarks/fairness.py            # 1M and 10M rows (fairlearn takes minutes at 10M)
    python benchmarks/fairness.py --quick    # 1M rows only
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from mltest import fairness as mf


def make_data(n: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    race = pd.Categorical.from_codes(rng.integers(0, 5, n, dtype=np.int8), ["a", "b", "c", "d", "e"])
    sex = pd.Categorical.from_codes(rng.integers(0, 2, n, dtype=np.int8), ["female", "male"])
    age = pd.Categorical.from_codes(rng.integers(0, 4, n, dtype=np.int8), ["<=25", "26-35", "36-50", ">50"])
    y_true = rng.integers(0, 2, n)
    # a mildly unfair model: its selection rate drifts with the race code
    y_pred = (rng.random(n) < 0.35 + 0.05 * race.codes + 0.2 * y_true).astype(np.int64)
    return {
        "y_true": y_true,
        "y_pred": y_pred,
        "sensitive": pd.DataFrame({"race": race, "sex": sex, "age": age}),
    }


def run_mltest(d: dict) -> tuple[float, float]:
    sf = d["sensitive"]
    dp = mf.demographic_parity_difference(d["y_true"], d["y_pred"], sensitive_features=sf)
    eo = mf.equalized_odds_difference(d["y_true"], d["y_pred"], sensitive_features=sf)
    return dp, eo


def run_fairlearn(d: dict) -> tuple[float, float]:
    import fairlearn.metrics as fl

    sf = d["sensitive"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dp = fl.demographic_parity_difference(d["y_true"], d["y_pred"], sensitive_features=sf)
        eo = fl.equalized_odds_difference(d["y_true"], d["y_pred"], sensitive_features=sf)
    return float(dp), float(eo)


def run_anchor(d: dict) -> tuple[float, float]:
    """The least numpy can do: per metric, a group key and one bincount of the cells it needs."""
    sf = d["sensitive"]
    y_true, y_pred = d["y_true"], d["y_pred"]

    def group_key() -> np.ndarray:
        key = sf["race"].cat.codes.to_numpy().astype(np.intp)
        key *= 2
        key += sf["sex"].cat.codes.to_numpy()
        key *= 4
        key += sf["age"].cat.codes.to_numpy()
        return key

    key = group_key()  # demographic parity: (group, y_pred) cells only
    key <<= 1
    key += y_pred
    c = np.bincount(key, minlength=80).reshape(40, 2).astype(float)
    c = c[c.sum(axis=1) > 0]
    selection = c[:, 1] / c.sum(axis=1)
    dp = selection.max() - selection.min()
    key = group_key()  # equalized odds: (group, y_true, y_pred) cells
    key <<= 2
    key += y_true << 1
    key += y_pred
    c = np.bincount(key, minlength=160).reshape(40, 4).astype(float)
    c = c[c.sum(axis=1) > 0]
    tpr = c[:, 3] / (c[:, 3] + c[:, 2])
    fpr = c[:, 1] / (c[:, 1] + c[:, 0])
    eo = max(tpr.max() - tpr.min(), fpr.max() - fpr.min())
    return float(dp), float(eo)


def make_regression(n: int, seed: int = 0) -> dict:
    """A regression whose errors grow with the race code, same sensitive columns as make_data."""
    d = make_data(n, seed)
    rng = np.random.default_rng(seed + 1)
    y_true = rng.normal(100.0, 20.0, n)
    y_pred = y_true + rng.normal(0.0, 1.0, n) * (5.0 + d["sensitive"]["race"].cat.codes.to_numpy())
    return {"y_true": y_true, "y_pred": y_pred, "sensitive": d["sensitive"]}


def run_mltest_mae(d: dict) -> float:
    gm = mf.group_metrics(d["y_true"], d["y_pred"], sensitive_features=d["sensitive"], metric="mean_absolute_error")
    return gm.difference


def run_fairlearn_mae(d: dict) -> float:
    import fairlearn.metrics as fl
    from sklearn.metrics import mean_absolute_error

    frame = fl.MetricFrame(
        metrics=mean_absolute_error, y_true=d["y_true"], y_pred=d["y_pred"], sensitive_features=d["sensitive"]
    )
    return float(frame.difference())


def run_anchor_mae(d: dict) -> float:
    """The least numpy can do: a group key, the absolute errors, two bincounts."""
    sf = d["sensitive"]
    key = sf["race"].cat.codes.to_numpy().astype(np.intp)
    key *= 2
    key += sf["sex"].cat.codes.to_numpy()
    key *= 4
    key += sf["age"].cat.codes.to_numpy()
    error = np.abs(d["y_true"] - d["y_pred"])
    mae = np.bincount(key, weights=error, minlength=40) / np.bincount(key, minlength=40)
    return float(mae.max() - mae.min())


def compare(title: str, sizes: list[int], make: Callable[[int], dict], runners: tuple, *, reference: str) -> None:
    """One table: for each size, the reference (None: skipped), mltest and the anchor, and the ratios.

    ``runners`` are (mltest, anchor, reference) functions of the data; their values must agree.
    """
    print(title)
    print("times: best wall clock (best CPU time)")
    header = ["rows", reference, "mltest", "anchor", f"{reference}/mltest", "mltest/anchor"]
    widths = [11, 17, 15, 15, len(header[4]) + 2, 13]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    run_mltest, run_anchor, run_reference = runners
    for n in sizes:
        d = make(n)
        run_mltest(d)  # warm up imports
        t_mltest, c_mltest, v_mltest = best_of(lambda d=d: run_mltest(d), 7)
        t_anchor, c_anchor, v_anchor = best_of(lambda d=d: run_anchor(d), 7)
        t_ref = c_ref = float("nan")
        values = [v_anchor]
        if run_reference is not None:
            t_ref, c_ref, v_ref = best_of(lambda d=d: run_reference(d), 1)
            values.append(v_ref)
        for other in values:
            assert np.allclose(v_mltest, other, rtol=1e-9, atol=1e-9), (v_mltest, other)
        ratio = f"{t_ref / t_mltest:.0f}x ({c_ref / c_mltest:.0f}x)"
        print(
            f"{n:>11,}  {t_ref:>7.2f}s ({c_ref:>6.2f}s)  {t_mltest:>6.3f}s ({c_mltest:.3f}s)  "
            f"{t_anchor:>6.3f}s ({c_anchor:.3f}s)  {ratio:>{widths[4]}}  "
            f"{t_mltest / t_anchor:>5.2f}x ({c_mltest / c_anchor:.2f}x)"
        )


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Best wall-clock and best CPU (process) time of ``repeat`` runs, and the last value.

    The CPU time is the fairer figure on a shared machine: everything here is single-threaded.
    """
    walls, cpus, value = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        value = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1M rows only")
    parser.add_argument("--no-fairlearn", action="store_true", help="skip fairlearn (mltest and the anchor only)")
    parser.add_argument("--regression-only", action="store_true", help="only the regression (MAE by group) table")
    args = parser.parse_args(argv)
    regression = (
        "regression: mean absolute error by group and its difference, 3 sensitive columns, 40 groups",
        [1_000_000] if args.quick else [1_000_000, 10_000_000],
        make_regression,
        (run_mltest_mae, run_anchor_mae, None if args.no_fairlearn else run_fairlearn_mae),
    )
    if args.regression_only:
        compare(*regression, reference="MetricFrame")
        regression_bootstrap(regression[1][-1])
        return 0
    sizes = [1_000_000] if args.quick else [1_000_000, 10_000_000]
    compare(
        "demographic parity + equalized odds differences, 3 sensitive columns, 40 groups",
        sizes,
        make_data,
        (run_mltest, run_anchor, None if args.no_fairlearn else run_fairlearn),
        reference="fairlearn",
    )
    d = make_data(1_000_000)
    t_boot, c_boot, gm = best_of(
        lambda: mf.group_metrics(d["y_true"], d["y_pred"], sensitive_features=d["sensitive"], confidence=0.95, seed=0),
        3,
    )
    lo, hi = gm.difference_interval
    print(
        f"bootstrap: 1,000 resamples, 1M rows, 40 groups: {t_boot:.3f}s (CPU {c_boot:.3f}s; target < 5 s); "
        f"selection-rate difference {gm.difference:.4f}, 95% interval [{lo:.4f}, {hi:.4f}]"
    )
    compare(*regression, reference="MetricFrame")
    regression_bootstrap(regression[1][-1])
    return 0


def regression_bootstrap(n: int) -> None:
    """MAE by group with a 1,000-resample interval (large groups drawn from the normal limit)."""
    d = make_regression(n)
    options = {"metric": "mean_absolute_error", "confidence": 0.95, "seed": 0}
    t, c, gm = best_of(
        lambda: mf.group_metrics(d["y_true"], d["y_pred"], sensitive_features=d["sensitive"], **options), 1
    )
    lo, hi = gm.difference_interval
    print(
        f"regression bootstrap: MAE by group, 1,000 resamples, {n:,} rows, 40 groups: {t:.3f}s (CPU {c:.3f}s); "
        f"difference {gm.difference:.4f}, 95% interval [{lo:.4f}, {hi:.4f}]"
    )


if __name__ == "__main__":
    raise SystemExit(main())
