"""`make demo` until the project template exists: run the example mltest suite and show its report.

Runs pytest on examples/ (the German credit data, its schema, a split) with --mltest-report
into .mltest-demo/, then prints the report and where it is.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: Sequence[str] | None = None) -> int:
    scratch = ROOT / ".mltest-demo"
    scratch.mkdir(exist_ok=True)
    report = scratch / "report.md"
    command = [sys.executable, "-m", "pytest", "examples", f"--mltest-report={report}", *(argv or [])]
    print("$", " ".join(command[2:]), flush=True)
    code = subprocess.call(command, cwd=ROOT)
    if report.is_file():
        print(f"\n{report.read_text(encoding='utf-8')}")
        print(f"mltest report written to {report}")
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
