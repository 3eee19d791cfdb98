"""The ML Test Score of a repository (Breck et al., 2017), computed from evidence.

``mltest score [PATH] [--report report.json] [--min N]`` reads the repository's files (CI
configuration, pipeline, hooks, dependency bots, docs) and, when given, the JSON report of a
pytest run (which mltest checks ran and passed), and scores each of the rubric's 28 tests: 1
point when automated, 0.5 when manual or documented, 0 when absent. The score is the lowest
section sum. ``docs/score.md`` maps each test to its evidence.
"""

from __future__ import annotations

from mltest.score._markdown import render_scorecard
from mltest.score._rubric import RUBRIC, SECTIONS, Item
from mltest.score._scoring import Mark, Scorecard, load_results, score_repository

__all__ = ["RUBRIC", "SECTIONS", "Item", "Mark", "Scorecard", "load_results", "render_scorecard", "score_repository"]
