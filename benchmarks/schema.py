"""mltest.assert_schema against calling pandera directly, on a 1,000,000-row frame.

Both validate the same frame against the same schema with ``lazy=True`` (assert_schema
collects every failure, so that is the call it makes); runs alternate and the medians are
compared. Target: ratio under 1.10. Also times a schema file, a polars frame, the portable
text dtype of schema files against pandera's own ``str``, and assert_no_leakage.

    .venv/bin/python benchmarks/schema.py [--rows N] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy
import pandas

import mltest
from mltest.schema import dump_schema, infer_schema
from mltest.schema._backend import pandera_api, quiet


def frame(rows: int) -> pandas.DataFrame:
    rng = numpy.random.default_rng(0)
    return pandas.DataFrame(
        {
            "age": rng.integers(18, 90, rows),
            "income": rng.lognormal(10, 1, rows),
            "score": rng.normal(0, 1, rows),
            "housing": rng.choice(["own", "rent", "free"], rows),
            "purpose": rng.choice(["car", "education", "business", "repairs", "radio/TV"], rows),
            "label": rng.integers(0, 2, rows),
        }
    )


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def compare(name: str, direct: Callable[[], object], ours: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Print and return the ratios of the medians and of the best runs (the least disturbed by other load)."""
    with quiet():  # warm up: imports, pandera's backend registration (which imports pyspark if present)
        direct(), ours()
    direct_times, our_times = [], []
    for _ in range(repeat):
        direct_times.append(timed(direct))
        our_times.append(timed(ours))
    d, o = statistics.median(direct_times), statistics.median(our_times)
    best = min(our_times) / min(direct_times)
    print(
        f"  {name:<46} pandera {d * 1000:7.1f} ms   assert_schema {o * 1000:7.1f} ms   "
        f"ratio {o / d:.3f} (best runs {best:.3f})"
    )
    return o / d, best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    data = frame(args.rows)
    schema = infer_schema(data)
    print(
        f"assert_schema vs pandera's validate(lazy=True), {args.rows:,} rows x {data.shape[1]} columns, "
        f"median of {args.repeat} alternating runs"
    )
    ratio = compare(
        "pandas, schema object",
        lambda: schema.validate(data, lazy=True),
        lambda: mltest.assert_schema(data, schema),
        args.repeat,
    )
    # the portable text kind (one dtype check, the same under pandas 2 and 3) against pandera's
    # own `str` (under pandas 2 a per-value isinstance test)
    text = [name for name in schema.columns if str(schema.columns[name].dtype) == "str"]
    native = schema.update_columns({name: {"dtype": "str"} for name in text})
    compare(
        "pandas, text columns: pandera's str vs mltest's",
        lambda: native.validate(data, lazy=True),
        lambda: schema.validate(data, lazy=True),
        args.repeat,
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "schema.yaml"
        dump_schema(schema, path)
        compare(
            "pandas, schema file (cached after first read)",
            lambda: schema.validate(data, lazy=True),
            lambda: mltest.assert_schema(data, path),
            args.repeat,
        )
    try:
        import polars
    except ImportError:
        print("  (polars not installed: skipped)")
    else:
        polars_data = polars.from_pandas(data)
        polars_schema = infer_schema(polars_data)
        pandera_api("polars")
        compare(
            "polars, schema object",
            lambda: polars_schema.validate(polars_data, lazy=True),
            lambda: mltest.assert_schema(polars_data, polars_schema),
            args.repeat,
        )
    test = data.iloc[: args.rows // 5].assign(age=lambda f: f["age"] + 1000)  # no row in common
    seconds = statistics.median(timed(lambda: mltest.assert_no_leakage(data, test)) for _ in range(3))
    print(f"  assert_no_leakage, {len(data):,} train rows vs {len(test):,} test rows: {seconds * 1000:.1f} ms")
    print(f"ratio (pandas, schema object): median {ratio[0]:.3f}, best runs {ratio[1]:.3f} (target < 1.10)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
