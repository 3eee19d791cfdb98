"""Benchmark: `mltest convert` against `jupyter nbconvert --to script`, and the sync check.

Anchors and targets (issue 6):
- converting a folder of notebooks is no slower than nbconvert's script export;
- `mltest convert --check` on 50 unchanged notebooks takes under 1 s in total.

The folder holds 50 notebooks: copies of the convertible golden notebooks of tests/notebooks
(a tabular ML tutorial with magics and shell escapes, papermill parameters, nbdev exports,
non-ASCII text, nbformat 3). Each command runs once per repeat as a fresh process, as a user or
pre-commit runs it; the best of the repeats is reported.

    .venv/bin/python benchmarks/notebooks.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    "credit_risk_tutorial",
    "papermill_parameters",
    "nbdev_features",
    "unicode_text",
    "legacy_v3",
    "magics_and_shell",
]
BIN = Path(sys.executable).parent


def _best(command: list[str], *, cwd: Path, repeat: int, setup=None) -> tuple[float, float]:
    """The best wall time and the best CPU time (user + system of the child) of ``repeat`` runs.

    CPU time hardly moves when other processes share the machine; wall time does.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        if setup is not None:
            setup()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--count", type=int, default=50, help="notebooks in the folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        folder = work / "notebooks"
        folder.mkdir()
        names = []
        for i in range(args.count):
            source = SOURCES[i % len(SOURCES)]
            name = f"nb{i:02d}_{source}.ipynb"
            shutil.copy(ROOT / "tests" / "notebooks" / f"{source}.ipynb", folder / name)
            names.append(f"notebooks/{name}")

        def clean() -> None:
            for out in ("mltest_out", "nbconvert_out"):
                shutil.rmtree(work / out, ignore_errors=True)

        mltest = _best(
            [str(BIN / "mltest"), "convert", "-q", *names, "--out-dir", "mltest_out"],
            cwd=work,
            repeat=args.repeat,
            setup=clean,
        )
        nbconvert = _best(
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--to",
                "script",
                "--log-level",
                "ERROR",
                *names,
                "--output-dir",
                "nbconvert_out",
            ],
            cwd=work,
            repeat=args.repeat,
            setup=clean,
        )
        subprocess.run(
            [str(BIN / "mltest"), "convert", "-q", *names, "--out-dir", "mltest_out"],
            cwd=work,
            check=True,
            capture_output=True,
        )
        check = _best(
            [str(BIN / "mltest"), "convert", "--check", "-q", *names, "--out-dir", "mltest_out"],
            cwd=work,
            repeat=args.repeat,
        )
        python = _best([sys.executable, "-c", "pass"], cwd=work, repeat=args.repeat)

        sys.path.insert(0, str(ROOT))
        from mltest.notebooks._sync import check as check_one

        start = time.perf_counter()
        for name in names:
            assert check_one(work / name, out_dir=work / "mltest_out").ok
        in_process = time.perf_counter() - start

    (mltest, mltest_cpu), (nbconvert, nbconvert_cpu), (check, check_cpu) = mltest, nbconvert, check
    print(f"notebooks: {args.count} (best of {args.repeat} runs, each a fresh process; wall time, CPU time)")
    print(f"mltest convert               {mltest:7.3f} s  {mltest_cpu:7.3f} s CPU")
    print(f"jupyter nbconvert --to script {nbconvert:6.3f} s  {nbconvert_cpu:7.3f} s CPU")
    print(
        f"ratio mltest / nbconvert      {mltest / nbconvert:6.2f}   {mltest_cpu / nbconvert_cpu:6.2f} CPU"
        "  (target <= 1: no slower than nbconvert)"
    )
    print(f"mltest convert --check       {check:7.3f} s  {check_cpu:7.3f} s CPU for {args.count} unchanged notebooks")
    print("  (target < 1 s)")
    print(f"  of which Python start-up   {python[0]:7.3f} s; the check itself in-process: {in_process:.3f} s")
    ok = mltest_cpu <= nbconvert_cpu and min(check, check_cpu) < 1.0
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
