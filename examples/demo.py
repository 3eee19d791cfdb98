"""`make demo`: scaffold a project from the template, run its setup, pipeline and tests.

1. `copier copy --defaults` of this repository (its working tree) into .mltest-demo/my-ml-project;
2. the project's `make setup`, `make repro` (the DVC pipeline on the bundled German credit data),
   `make test` (its mltest suite) and `make lint` (ruff and its pre-commit hooks);
3. prints the mltest report and where the project and the report are.

By default the project's environment reuses this repository's .venv (a small virtual environment
whose site-packages point at it), so nothing big is installed twice. With --fresh, the project
gets its own .venv and installs everything from the package index, pytest-mltest from this
checkout (MLTEST_SOURCE), exactly as a new user's `make setup` does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".mltest-demo"


def shared_venv(path: Path) -> Path:
    """A virtual environment that sees the packages of the environment running this script."""
    if not (path / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    purelib = subprocess.run(
        [str(path / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    shared = sysconfig.get_paths()["purelib"]
    Path(purelib, "_mltest_shared.pth").write_text(f"import site; site.addsitedir({shared!r})\n", encoding="utf-8")
    return path


def step(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    print(f"\n$ {' '.join(command)}", flush=True)
    subprocess.run(command, cwd=cwd, env=env, check=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="give the project its own .venv, from the index")
    args = parser.parse_args(argv)

    import copier

    project = SCRATCH / "my-ml-project"
    if project.exists():
        shutil.rmtree(project)
    SCRATCH.mkdir(exist_ok=True)
    print(f"$ copier copy --defaults {ROOT} {project}", flush=True)
    copier.run_copy(str(ROOT), str(project), defaults=True, vcs_ref="HEAD", quiet=True)

    env = {key: value for key, value in os.environ.items() if key not in {"VIRTUAL_ENV", "MLTEST_SOURCE"}}
    env["DVC_NO_ANALYTICS"] = "1"
    make = ["make"]
    if args.fresh:
        env["MLTEST_SOURCE"] = str(ROOT)
    else:
        venv = shared_venv(SCRATCH / "venv")
        env["PATH"] = os.pathsep.join([str(venv / "bin"), str(Path(sys.executable).parent), env["PATH"]])
        env["PIP_NO_BUILD_ISOLATION"] = "0"  # i.e. --no-build-isolation: setuptools is already there
        make.append(f"VENV={venv}")
    try:
        for target in ("setup", "repro", "test"):
            step([*make, target], project, env)
        step(["git", "add", "-A"], project, env)
        step([*make, "lint"], project, env)  # ruff and every pre-commit hook on every file
    except subprocess.CalledProcessError as error:
        print(f"\nmake demo: `{' '.join(error.cmd)}` failed in {project}", file=sys.stderr)
        return 1
    report = project / "reports" / "mltest.md"
    print(f"\n{report.read_text(encoding='utf-8')}")
    print(f"The project:        {project}")
    print(f"Its mltest report:  {report}")
    print(f"Its metrics:        {project / 'reports' / 'metrics.json'}")
    if not args.fresh:
        print(f"Its environment:    {SCRATCH / 'venv'} (shared with this repository's .venv; with --fresh the")
        print("                    project gets its own .venv from the package index, as `make setup` does)")
    print("Next: read its README.md.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
