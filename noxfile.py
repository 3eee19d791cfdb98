"""The support matrix: Python 3.10 and 3.13 x pandas 2 and 3, in virtual environments made by uv.

    make test-compat                      the pandas-2 / Python-3.10 leg (the oldest stack we support)
    nox -s "compat-3.13(pandas='3')"      one leg
    nox -s compat                         every leg (pandas 3 needs Python 3.11+: 3.10 x pandas 3 is skipped)

Each leg runs the schema, fairness and invariance suites and the sklearn training checks;
`make test` (the whole suite) runs on the development environment's own stack. The legs pin
the lower bounds README.md declares (pandas 2.2, numpy 1.26) on Python 3.10 and the newest
releases on 3.13, so both ends of the declared range are tested.

An interpreter that is not on PATH is looked for in pyenv's versions; failing that, uv installs
it (that needs a network that reaches uv's Python builds).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["compat"]
nox.options.reuse_venv = "yes"

PYTHONS = ["3.10", "3.13"]
# pandas line -> the pins of that leg, by Python version (the oldest supported stack on 3.10)
STACKS = {
    ("3.10", "2"): ["pandas>=2.2,<2.3", "numpy>=1.26,<2"],
    ("3.13", "2"): ["pandas>=2.3,<3"],
    ("3.13", "3"): ["pandas>=3,<4"],
}
SUITES = [
    "tests/test_schema_assert.py",
    "tests/test_schema_cli.py",
    "tests/test_schema_files.py",
    "tests/test_schema_infer.py",
    "tests/test_schema_leakage.py",
    "tests/test_schema_portable.py",
    "tests/test_fairness_api.py",
    "tests/test_fairness_assertions.py",
    "tests/test_fairness_fairlearn.py",
    "tests/test_fairness_inputs.py",
    "tests/test_fairness_report.py",
    "tests/test_invariance_checks.py",
    "tests/test_invariance_perturb.py",
    "tests/test_invariance_strategies.py",
    "tests/test_training_sklearn.py",
]
VERSIONS = (
    "import sys, numpy, pandas; "
    "print('Python', sys.version.split()[0], 'pandas', pandas.__version__, 'numpy', numpy.__version__)"
)
PYTHON_DIR = Path(__file__).parent / ".nox" / "pythons"


def _usable(interpreter: str | None) -> bool:
    return bool(interpreter) and subprocess.run([interpreter, "-c", ""], capture_output=True).returncode == 0


def _find_pythons() -> None:
    """Link pythonX.Y of each version into .nox/pythons and put that folder first on PATH."""
    PYTHON_DIR.mkdir(parents=True, exist_ok=True)
    for version in PYTHONS:
        name = f"python{version}"
        pyenv = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/{name}")))
        found = next((c for c in [shutil.which(name), *reversed(pyenv)] if _usable(c)), None)
        link = PYTHON_DIR / name
        if found and not link.exists():
            link.symlink_to(found)
    os.environ["PATH"] = f"{PYTHON_DIR}{os.pathsep}{os.environ['PATH']}"


_find_pythons()


@nox.session(python=PYTHONS)
@nox.parametrize("pandas", ["2", "3"])
def compat(session: nox.Session, pandas: str) -> None:
    """One leg of the matrix: the family suites on one Python and one pandas line."""
    pins = STACKS.get((str(session.python), pandas))
    if pins is None:
        session.skip(f"pandas {pandas} does not support Python {session.python}")
    session.install("-e", ".[polars,sklearn,plot]", "pytest-xdist", "fairlearn", *pins)
    session.run("python", "-c", VERSIONS)
    session.run("python", "-m", "pytest", "-q", "-p", "no:randomly", "-m", "not spark", *SUITES, *session.posargs)
