"""pytest start-up with and without the mltest plugin, on the same small suite.

Runs `python -m pytest` on a 30-test suite in a scratch folder, alternating with the plugin
(as installed, through its pytest11 entry point) and without it (`-p no:mltest`), and prints
the median wall-clock and CPU time of each and their ratio. Target: overhead under 5%.
CPU time (user + system of the child) is less disturbed by other work on the machine.

    .venv/bin/python benchmarks/startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

SUITE = """
import pytest

@pytest.mark.parametrize("n", range(10))
def test_arithmetic(n):
    assert n + n == 2 * n

@pytest.mark.parametrize("word", ["alpha", "beta", "gamma", "delta", "epsilon"] * 2)
def test_strings(word):
    assert word.upper().lower() == word

class TestThings:
    @pytest.mark.parametrize("k", range(10))
    def test_sorted(self, k):
        assert sorted(range(k, 0, -1)) == list(range(1, k + 1))
"""


def run(folder: Path, extra: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one pytest run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", *extra],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0 or "30 passed" not in result.stdout:
        raise SystemExit(f"pytest failed:\n{result.stdout}\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


IMPORT_COST = """
import time, pytest
start = time.perf_counter()
import mltest.plugin
print((time.perf_counter() - start) * 1000)
"""


def import_cost() -> float:
    """Milliseconds to import the plugin module once pytest itself is imported (median of 5)."""
    runs = [float(subprocess.check_output([sys.executable, "-c", IMPORT_COST], text=True)) for _ in range(5)]
    return statistics.median(runs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs of each variant (default: 15)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "pytest.ini").write_text("[pytest]\n")  # keep this repository's config out
        (folder / "test_small.py").write_text(SUITE)
        variants = {"with mltest": [], "without (-p no:mltest)": ["-p", "no:mltest"]}
        for extra in variants.values():  # warm the file system cache and .pyc files
            run(folder, extra)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        for _ in range(args.repeat):
            for name, extra in variants.items():  # alternate, so drifts in load hit both alike
                times[name].append(run(folder, extra))
    medians = {
        name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in times.items()
    }
    print(f"pytest start-up on a 30-test suite, median of {args.repeat} alternating runs each")
    for name, (wall, cpu) in medians.items():
        print(f"  {name:<24} wall {wall * 1000:7.1f} ms   cpu {cpu * 1000:7.1f} ms")
    (with_wall, with_cpu), (without_wall, without_cpu) = medians.values()
    print(f"  import mltest.plugin after pytest: {import_cost():.1f} ms")
    print(f"ratio with/without: wall {with_wall / without_wall:.3f}, cpu {with_cpu / without_cpu:.3f} (target < 1.05)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
