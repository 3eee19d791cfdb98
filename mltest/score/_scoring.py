"""Score a repository against the rubric, from its files and a run's results."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mltest.errors import MltestError
from mltest.score._repository import Repository
from mltest.score._rubric import RUBRIC, SECTIONS, Item

__all__ = ["Mark", "Scorecard", "load_results", "score_repository"]


@dataclass(frozen=True)
class Mark:
    """The points one rubric test earned, and the evidence (or what is missing)."""

    item: Item
    points: float
    evidence: str


@dataclass(frozen=True)
class Scorecard:
    """Every test's mark; ``sections`` sums them; ``score`` is the lowest section sum."""

    marks: tuple[Mark, ...]
    report: str | None  # where the results came from, if any

    @property
    def sections(self) -> dict[str, float]:
        return {s: sum(m.points for m in self.marks if m.item.section == s) for s in SECTIONS}

    @property
    def score(self) -> float:
        return min(self.sections.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "sections": self.sections,
            "report": self.report,
            "tests": [
                {"id": m.item.id, "section": m.item.section, "title": m.item.title, "points": m.points,
                 "evidence": m.evidence}
                for m in self.marks
            ],
        }  # fmt: skip


def load_results(path: Path) -> list[dict[str, Any]]:
    """The results of an mltest JSON report (``pytest --mltest-report=report.json``)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise MltestError(f"--report={str(path)!r}: cannot read an mltest JSON report: {error}") from None
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list) or not all(isinstance(r, dict) and "check" in r for r in results):
        raise MltestError(
            f"--report={str(path)!r} is not an mltest JSON report: write one with pytest --mltest-report=report.json"
        )
    return results


def _from_checks(item: Item, repo: Repository, results: Sequence[dict[str, Any]] | None) -> Mark | None:
    if not item.checks:
        return None
    if results is None:  # no report: the tests may call the check, but nothing shows that it ran
        where = next((w for c in item.checks if (w := repo.tests_mention(rf"\b{c}\b"))), None)
        return Mark(item, 0.5, f"{where} calls it, but no report shows it ran (pass --report)") if where else None
    ran = [r for r in results if r.get("check") in item.checks]
    if not ran:
        return None
    passed = [r for r in ran if r.get("outcome") == "passed"]
    if not passed:
        return Mark(item, 0.5, f"{ran[0]['check']} ran but did not pass in `{ran[0].get('test', '')}`")
    first = passed[0]
    shown = f"{first['check']} passed in `{first.get('test', '')}`" + (
        f" (+{len(passed) - 1} more)" if len(passed) > 1 else ""
    )
    if repo.ci_runs_tests:
        return Mark(item, 1.0, f"{shown}; CI runs the tests ({repo.ci_runs_tests})")
    return Mark(item, 0.5, f"{shown}, but no CI configuration runs the tests")


def _mark(item: Item, repo: Repository, results: Sequence[dict[str, Any]] | None) -> Mark:
    candidates = [_from_checks(item, repo, results)]
    if item.automated is not None and (where := item.automated(repo)):
        candidates.append(Mark(item, 1.0, f"{item.automated_what}: {where}"))
    if item.documented is not None and (where := item.documented(repo)):
        candidates.append(Mark(item, 0.5, f"{item.documented_what} ({where}); not automated: {item.missing}"))
    found = [c for c in candidates if c is not None]
    if not found:
        return Mark(item, 0.0, f"missing: {item.missing}")
    return max(found, key=lambda m: m.points)  # the first of the best: checks, then automation, then docs


def score_repository(
    root: str | Path, results: Sequence[dict[str, Any]] | None = None, *, report: str | None = None
) -> Scorecard:
    """The ML Test Score of the repository at ``root``; ``results`` from a run make checks count."""
    folder = Path(root)
    if not folder.is_dir():
        raise MltestError(f"PATH={str(root)!r} is not a directory: expected the root of a repository")
    repo = Repository(folder.resolve())
    return Scorecard(tuple(_mark(item, repo, results) for item in RUBRIC), report)
