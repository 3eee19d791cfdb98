"""The project template: `copier copy --defaults` and a generated project's `make test`.

Times, as a user would run them, in a scratch folder:

* `copier copy --defaults <this repository> DIR` (the copier command line; --vcs-ref HEAD so the
  working tree is what is copied), the median of --repeat runs. Target: under 2 s.
* the generated project's `make test`, after `make setup` installed its dependencies (into a
  small environment whose site-packages point at this repository's .venv, as the tests do).
  Target: under 60 s on 2 cores.

Wall-clock and CPU time (user + system of the children) are printed with their ratio to the
target; CPU time is less disturbed by other work on the machine.

    .venv/bin/python benchmarks/template.py [--repeat N]
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
from demo import shared_venv  # noqa: E402  (one helper for the demo, this benchmark and the tests)

BIN = Path(sys.executable).parent
COPY_TARGET = 2.0
TEST_TARGET = 60.0


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run of `command` (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def line(what: str, runs: list[tuple[float, float]], target: float) -> None:
    wall = statistics.median(run[0] for run in runs)
    cpu = statistics.median(run[1] for run in runs)
    print(
        f"  {what}: wall {wall:.2f} s, cpu {cpu:.2f} s (median of {len(runs)}); "
        f"target < {target:g} s: ratio wall {wall / target:.3f}, cpu {cpu / target:.3f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (default 3)")
    args = parser.parse_args(argv)
    env = {key: value for key, value in os.environ.items() if key not in {"VIRTUAL_ENV", "MLTEST_SOURCE"}}
    env["DVC_NO_ANALYTICS"] = "1"
    print("template: copier copy --defaults, then the generated project's make test")
    with tempfile.TemporaryDirectory(prefix="mltest-bench-template-") as scratch:
        scratch_dir = Path(scratch)
        copies = []
        for run in range(args.repeat):
            destination = scratch_dir / f"copy-{run}"
            command = [str(BIN / "copier"), "copy", "--defaults", "--quiet", "--vcs-ref", "HEAD", str(ROOT)]
            copies.append(timed([*command, str(destination)], scratch_dir, env))
        line("copier copy --defaults", copies, COPY_TARGET)

        project = scratch_dir / "copy-0"
        venv = shared_venv(scratch_dir / "venv")
        env["PATH"] = os.pathsep.join([str(venv / "bin"), str(BIN), env["PATH"]])
        env["PIP_NO_BUILD_ISOLATION"] = "0"
        make = ["make", f"VENV={venv}"]
        timed([*make, "setup"], project, env)
        tests = [timed([*make, "test"], project, env) for _ in range(args.repeat)]
        line("generated project's make test", tests, TEST_TARGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
