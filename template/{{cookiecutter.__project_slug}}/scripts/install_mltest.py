"""Install the pytest-mltest that matches this project's template (`make setup` runs this).

Where it comes from, first found first:
1. MLTEST_SOURCE, when set: a checkout, a wheel or a pip requirement URL (git+https://...);
2. the package index, at the version the template was tagged with (`_commit: v1.2.0` in
   .copier-answers.yml gives pytest-mltest==1.2.0);
3. the template's source at the recorded commit: a git URL (`gh:org/pytest-mltest`, https, SSH)
   gives `git+<url>@<commit>`; a local checkout is installed from its folder;
4. the package index, any version.

Nothing is installed when a matching pytest-mltest is there already (the version wanted, or any
version when the template recorded none), unless it was installed from git at another commit than
the one recorded (after a `copier update`): pip keeps an installed version of the same number,
so it is replaced explicitly. Standard library only: it runs before anything else is installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

ANSWERS = Path(".copier-answers.yml")
NAME = "pytest-mltest"
RELEASE = re.compile(r"^v?(\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?)$")
DESCRIBED = re.compile(r"-g([0-9a-f]{7,40})$")  # git describe: v1.2.0-3-gabc1234
HOSTS = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}


def answers(text: str) -> dict[str, str]:
    """`key: value` lines of .copier-answers.yml (enough of YAML for _src_path and _commit)."""
    found = {}
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        if colon and key.startswith("_") and not key.startswith(" "):
            found[key.strip()] = value.strip().strip("'\"")
    return found


def git_url(source: str) -> str | None:
    """`source` as a pip VCS URL (without the @ref), or None when it is not a git URL."""
    for short, base in HOSTS.items():
        if source.startswith(short):
            return "git+" + base + source[len(short) :]
    if source.startswith("git+"):
        return source
    if source.startswith(("https://", "http://", "ssh://", "file://")):
        return "git+" + source
    user_host = re.match(r"^([\w.-]+@[\w.-]+):(.+)$", source)  # git@github.com:org/repo.git
    if user_host:
        return f"git+ssh://{user_host.group(1)}/{user_host.group(2)}"
    return None


def is_checkout(folder: Path) -> bool:
    """Whether `folder` holds pytest-mltest's source (a local copy of the template's repository)."""
    pyproject = folder / "pyproject.toml"
    return pyproject.is_file() and f'name = "{NAME}"' in pyproject.read_text(encoding="utf-8")


def candidates(recorded: dict[str, str], environ: dict[str, str]) -> list[str]:
    """What to give `pip install`, in order (see the module docstring)."""
    if environ.get("MLTEST_SOURCE"):
        return [environ["MLTEST_SOURCE"]]
    source, commit = recorded.get("_src_path", ""), recorded.get("_commit", "")
    found = []
    release = RELEASE.match(commit)
    if release:
        found.append(f"{NAME}=={release.group(1)}")
    url = git_url(source) if source else None
    if url and commit:
        described = DESCRIBED.search(commit)
        found.append(f"{url}@{described.group(1) if described else commit}")
    elif source and not url and is_checkout(Path(source)):
        found.append(source)
    found.append(NAME)
    return found


def wanted_version(recorded: dict[str, str]) -> str | None:
    """The release the template was tagged with, if it was."""
    release = RELEASE.match(recorded.get("_commit", ""))
    return release.group(1) if release else None


def installed_version() -> str | None:
    try:
        return metadata.version(NAME)
    except metadata.PackageNotFoundError:
        return None


def recorded_ref(recorded: dict[str, str]) -> str | None:
    """The git ref the template was copied or updated at (a described commit by its hash)."""
    commit = recorded.get("_commit", "")
    described = DESCRIBED.search(commit)
    return described.group(1) if described else commit or None


def installed_from_another_commit(recorded: dict[str, str]) -> bool:
    """Whether pytest-mltest was installed from git (pip's direct_url.json) at another ref."""
    ref = recorded_ref(recorded)
    try:
        text = metadata.distribution(NAME).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return False
    vcs = (json.loads(text) if text else {}).get("vcs_info")
    if not ref or not vcs:
        return False
    return ref != vcs.get("requested_revision") and not vcs.get("commit_id", "").startswith(ref)


def install(requirements: list[str], *, replace: bool = False) -> str | None:
    """pip install the first of `requirements` that installs; None when none does. `replace`:
    a git URL or a folder replaces an installed pytest-mltest even of the same version number."""
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    for requirement in requirements:
        print(f"Installing {NAME} from {requirement}", flush=True)
        commands = [[*pip, requirement]]
        if replace and not requirement.startswith(NAME):
            commands.insert(0, [*pip, "--force-reinstall", "--no-deps", requirement])
        for command in commands:
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                break
        if result.returncode == 0:
            return requirement
        print(f"  not there: {(result.stderr.strip().splitlines() or ['?'])[-1]}", flush=True)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    del argv
    recorded = answers(ANSWERS.read_text(encoding="utf-8")) if ANSWERS.is_file() else {}
    environ = dict(os.environ)
    have, want = installed_version(), wanted_version(recorded)
    options = candidates(recorded, environ)
    if have and not environ.get("MLTEST_SOURCE"):
        stale = installed_from_another_commit(recorded)
        if want in (None, have) and not stale:
            print(f"{NAME} {have} is installed")
            return 0
        # Another version or commit than the template's: match it if possible, else keep this one.
        if install(options[:-1], replace=True) is None:
            made_for = want or recorded_ref(recorded)
            print(f"{NAME} {have} is installed; the template wants {made_for}, not found: kept")
        return 0
    if install(options) is not None:
        return 0
    print(
        f"make setup: could not install {NAME} from {', '.join(options)}. Set MLTEST_SOURCE to a "
        "checkout or a git URL of it (MLTEST_SOURCE=git+https://github.com/<org>/pytest-mltest "
        "make setup; see README.md)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
