"""What a repository's files say about how it is built, tested, shipped and watched.

Each fact is read from files a reviewer would look at (CI configuration, ``dvc.yaml``, the
pre-commit configuration, the tests, the docs), by plain text search: the score must work on
any repository, including one it does not understand, and say what it looked for.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

__all__ = ["Repository"]

_MAIN_CI_STEMS = {"ci", ".gitlab-ci", "test", "tests"}
_CI_FILES = (".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml", ".gitlab/**/*.yml")
_DOC_FILES = ("README*", "DEPLOYMENT*", "MODEL_CARD*", "docs/**/*.md")
_SKIP_DIRS = {"venv", "node_modules", "site", "__pycache__", "data", "models", "dvclive", "mlruns"}
_DOT_DIRS = {".github", ".gitlab"}  # the only hidden folders that hold evidence
_MAX_BYTES = 1_000_000  # a file larger than this is data, not configuration


def _glob_to_regex(pattern: str) -> str:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return out


@dataclass
class Repository:
    """The files of the repository at ``root``, read on demand."""

    root: Path
    _texts: dict[str, str] = field(default_factory=dict, repr=False)

    @cached_property
    def _all(self) -> list[str]:
        """Every file's path relative to the root, walking around tool, cache and data folders."""
        out = []
        for folder, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and (not d.startswith(".") or d in _DOT_DIRS))
            base = Path(folder).relative_to(self.root).as_posix()
            out += [name if base == "." else f"{base}/{name}" for name in sorted(names)]
        return out

    def files(self, *patterns: str) -> list[Path]:
        """Files matching any glob pattern (``**/`` is any depth), in walking order."""
        compiled = [re.compile(_glob_to_regex(p)) for p in patterns]
        return [self.root / f for f in self._all if any(c.fullmatch(f) for c in compiled)]

    def text(self, path: Path) -> str:
        key = str(path)
        if key not in self._texts:
            try:
                data = path.read_bytes()[:_MAX_BYTES]
            except OSError:
                data = b""
            self._texts[key] = data.decode("utf-8", errors="replace")
        return self._texts[key]

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def search(self, patterns: tuple[str, ...], regex: str) -> str | None:
        """The first file (relative path) whose text matches ``regex``, or None."""
        compiled = re.compile(regex, re.IGNORECASE | re.MULTILINE)
        for path in self.files(*patterns):
            if compiled.search(self.text(path)):
                return self.relative(path)
        return None

    # -- CI ------------------------------------------------------------------------------------
    @cached_property
    def ci_files(self) -> list[Path]:
        """The CI files, the ones named for CI or tests first (the evidence names the likeliest file)."""
        files = self.files(*_CI_FILES)
        return sorted(files, key=lambda path: path.stem.lower() not in _MAIN_CI_STEMS)

    def ci_runs(self, regex: str) -> str | None:
        """A CI file that runs a command matching ``regex``."""
        compiled = re.compile(regex, re.IGNORECASE | re.MULTILINE)
        return next((self.relative(p) for p in self.ci_files if compiled.search(self.text(p))), None)

    @cached_property
    def ci_runs_tests(self) -> str | None:
        return self.ci_runs(r"\b(pytest|make test|nox|tox)\b")

    @cached_property
    def ci_on_review(self) -> str | None:
        """A CI file triggered by pull or merge requests."""
        return self.ci_runs(r"^\s*pull_request\b|merge_request_event|\$CI_MERGE_REQUEST")

    def scheduled_ci_runs(self, regex: str) -> str | None:
        """A CI file with a schedule that runs a command matching ``regex``."""
        for path in self.ci_files:
            text = self.text(path)
            scheduled = re.search(r"^\s*schedule:|\"schedule\"|'schedule'|== \"schedule\"", text, re.MULTILINE)
            if scheduled and re.search(regex, text, re.IGNORECASE):
                return self.relative(path)
        return None

    # -- pipeline, hooks, dependencies ----------------------------------------------------------
    @cached_property
    def dvc_stages(self) -> dict[str, dict]:
        stages: dict[str, dict] = {}
        for path in self.files("dvc.yaml", "**/dvc.yaml"):
            try:
                loaded = yaml.safe_load(self.text(path)) or {}
            except yaml.YAMLError:
                continue
            if isinstance(loaded, dict) and isinstance(loaded.get("stages"), dict):
                stages.update(loaded["stages"])
        return stages

    @cached_property
    def precommit_hooks(self) -> set[str]:
        ids: set[str] = set()
        for path in self.files(".pre-commit-config.yaml"):
            try:
                config = yaml.safe_load(self.text(path)) or {}
            except yaml.YAMLError:
                continue
            for repo in config.get("repos", []) if isinstance(config, dict) else []:
                ids.update(str(h.get("id")) for h in repo.get("hooks", []) if isinstance(h, dict))
        return ids

    @cached_property
    def dependency_updates(self) -> str | None:
        """Dependabot or Renovate configuration."""
        found = self.files(".github/dependabot.y*ml", "renovate.json*", ".renovaterc*", ".github/renovate.json*",
                           ".gitlab/renovate.json*")  # fmt: skip
        return self.relative(found[0]) if found else None

    def tests_mention(self, regex: str) -> str | None:
        return self.search(("tests/**/*.py", "test/**/*.py", "**/test_*.py"), regex)

    def docs_mention(self, regex: str) -> str | None:
        return self.search(_DOC_FILES, regex)

    def code_mentions(self, regex: str) -> str | None:
        """The first source file (not a test) whose text matches ``regex``."""
        compiled = re.compile(regex, re.IGNORECASE | re.MULTILINE)
        for path in self.files("src/**/*.py", "scripts/**/*.py", "*.py", "*/**/*.py"):
            relative = self.relative(path)
            if path.name.startswith("test_") or relative.startswith(("tests/", "test/")):
                continue
            if compiled.search(self.text(path)):
                return relative
        return None
