"""Check a release tag: `vX.Y.Z` where X.Y.Z is pyproject.toml's version, a PEP 440 release.

The same tag is the template's version for Copier, which orders tags by PEP 440 and skips what
it cannot parse: a tag that is not a version would leave `copier update` nothing to update to.

    python .github/release_version.py v0.2.0      exit 0, or 1 with the reason
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

import tomllib

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# PEP 440 public versions (canonical form): 1.2.3, 1.2.3rc1, 1.2.3.post1, 1.2.3.dev4
VERSION = re.compile(r"^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$")


def problem(tag: str, version: str) -> str | None:
    """Why ``tag`` cannot release ``version``, or None."""
    if not tag.startswith("v") or not VERSION.match(tag[1:]):
        return f"tag {tag!r} is not v followed by a PEP 440 version (v1.2.3, v1.2.3rc1)"
    if tag[1:] != version:
        return f"tag {tag!r} does not match pyproject.toml's version {version!r}: set the version first"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1:
        print("usage: release_version.py TAG", file=sys.stderr)
        return 2
    version = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    reason = problem(args[0], version)
    if reason:
        print(f"release: {reason}", file=sys.stderr)
        return 1
    print(f"release {args[0]}: pytest-mltest {version} and the template at the same tag")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
