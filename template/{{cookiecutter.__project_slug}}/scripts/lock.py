"""Write requirements.lock: the exact versions, with their hashes, that the image and CI install.

`make lock` runs this (and `make setup` when there is no lock yet). It resolves the dependencies
of pyproject.toml{{ " and its `serve` extra" if cookiecutter.serving != "none" else "" }} for Linux and Python {{ cookiecutter.python_version }} with
`uv pip compile --generate-hashes`; pip then installs them with `--require-hashes`, so a package
whose files changed on the index is refused. Versions already in the lock are kept: give
`--upgrade` (`make lock LOCK_ARGS=--upgrade`) to move to the newest ones.
{% if cookiecutter.framework == "pytorch" %}

torch comes from PyTorch's CPU index, for torch only (`[tool.uv.sources]` in pyproject.toml):
its lines go to requirements-torch.lock, installed with `--index-url` of that index and
`--no-deps`; everything else to requirements.lock, installed from the package index.
{% endif %}
"""

from __future__ import annotations

import subprocess
import sys
{% if cookiecutter.framework == "pytorch" %}
import tempfile
{% endif %}
from collections.abc import Sequence
from pathlib import Path

LOCK = Path("requirements.lock")
{% if cookiecutter.framework == "pytorch" %}
TORCH_LOCK = Path("requirements-torch.lock")
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
{% endif %}
COMMAND = [
    "uv",
    "pip",
    "compile",
    "pyproject.toml",
{% if cookiecutter.serving != "none" %}
    "--extra",
    "serve",
{% endif %}
    "--generate-hashes",
    "--python-version",
    "{{ cookiecutter.python_version }}",
    "--python-platform",
    "linux",
    "--quiet",
]


{% if cookiecutter.framework == "pytorch" %}
def blocks(text: str) -> list[str]:
    """The requirement blocks of a lock file: a `name==version \\` line and its indented lines."""
    found: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith(" ") and found:
            found[-1] += line
        elif line.strip() and not line.startswith("#"):
            found.append(line)
    return found


def header(what: str) -> str:
    return (
        f"# {what}: written by `make lock` (scripts/lock.py, uv pip compile --generate-hashes).\n"
        "# Do not edit: change pyproject.toml and run `make lock` again.\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    extra = list(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "requirements.txt"
        # The pins already locked are the resolver's preferences.
        locks = [path for path in (LOCK, TORCH_LOCK) if path.exists()]
        previous = [path.read_text(encoding="utf-8") for path in locks]
        output.write_text("".join(previous), encoding="utf-8")
        command = [sys.executable, "-m", *COMMAND, *extra, "--output-file", str(output)]
        if subprocess.run(command, check=False).returncode != 0:
            print("make lock: uv could not resolve the dependencies (see above)", file=sys.stderr)
            return 1
        resolved = blocks(output.read_text(encoding="utf-8"))
    torch = [block for block in resolved if block.startswith("torch==")]
    others = [block for block in resolved if not block.startswith("torch==")]
    what = f"torch's CPU build, installed with --index-url {TORCH_INDEX} --no-deps"
    TORCH_LOCK.write_text(header(what) + "".join(torch), encoding="utf-8")
    LOCK.write_text(header("The run-time packages") + "".join(others), encoding="utf-8")
    print(f"wrote {LOCK} ({len(others)} packages) and {TORCH_LOCK} (torch)")
    return 0
{% else %}
def main(argv: Sequence[str] | None = None) -> int:
    extra = list(sys.argv[1:] if argv is None else argv)
    # uv keeps the versions already in the output file, and writes its command on top of it
    # (Renovate regenerates the lock with that command).
    command = [sys.executable, "-m", *COMMAND, *extra, "--output-file", str(LOCK)]
    if subprocess.run(command, check=False).returncode != 0:
        print("make lock: uv could not resolve the dependencies (see above)", file=sys.stderr)
        return 1
    print(f"wrote {LOCK}")
    return 0
{% endif %}


if __name__ == "__main__":
    raise SystemExit(main())
