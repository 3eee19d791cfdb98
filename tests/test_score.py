"""mltest score: the ML Test Score of a repository, from its files and a run's report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT

from mltest.cli import main
from mltest.score import RUBRIC, score_repository

CI = """name: CI
on:
  pull_request:
  push:
    tags: ["v*"]
jobs:
  test:
    steps:
      - run: pre-commit run --all-files
      - run: dvc repro
      - run: python -m pytest --mltest-report=reports/mltest.json
      - run: curl --fail http://127.0.0.1:8000/health
"""
MONITOR = """name: Monitor
on:
  schedule:
    - cron: "0 6 * * *"
jobs:
  monitor:
    steps:
      - run: python -m project monitor
"""
FILES = {
    ".github/workflows/ci.yml": CI,
    ".github/workflows/monitor.yml": MONITOR,
    ".github/dependabot.yml": "version: 2\n",
    ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks:\n      - id: mltest-data-guard\n",
    "dvc.yaml": "stages:\n  train:\n    cmd: python -m project train\n    deps: [src/project/features.py]\n",
    "params.yaml": "features:\n  sensitive: [sex]\n  drop: []\n",
    "Dockerfile": "FROM python:3.12-slim\nHEALTHCHECK CMD curl -f http://localhost/health\n",
    "src/project/serve.py": "from prometheus_client import Histogram  # latency\n",
    "README.md": "# project\n\nRoll back by deploying the previous tag.\n",
}
CHECKS = [
    "assert_schema", "assert_no_proxies", "assert_no_skew", "assert_estimated_performance", "assert_model_fresh",
    "assert_learns", "assert_no_weak_slices", "assert_demographic_parity", "assert_deterministic",
    "assert_can_overfit", "assert_no_regression", "assert_cases", "assert_no_drift", "assert_valid_predictions",
]  # fmt: skip


def _repository(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _results(checks: list[str]) -> list[dict]:
    return [{"family": "x", "check": c, "outcome": "passed", "test": f"tests/test_x.py::test_{c}"} for c in checks]


def _points(root: Path, checks: list[str]) -> dict[str, float]:
    return {m.item.id: m.points for m in score_repository(root, _results(checks)).marks}


def test_a_complete_repository_scores_in_every_section(tmp_path: Path) -> None:
    card = score_repository(_repository(tmp_path, FILES), _results(CHECKS))
    assert card.sections == {"Data": 5.5, "Model": 6, "Infrastructure": 7, "Monitoring": 6.5}
    assert card.score == 5.5
    missing = {m.item.id for m in card.marks if m.points < 1}
    assert missing == {"data-2", "data-3", "model-3", "monitor-6"}  # no automated evidence exists for these


@pytest.mark.parametrize(
    ("piece", "change", "lowered"),
    [
        ("the monitoring job", lambda f, c: f.pop(".github/workflows/monitor.yml"), set()),
        ("the monitoring job and the drift and age tests",
         lambda f, c: (f.pop(".github/workflows/monitor.yml"), c.remove("assert_no_drift"),
                       c.remove("assert_model_fresh")),
         {"monitor-2", "monitor-4", "model-4"}),
        ("the fairness tests", lambda f, c: c.remove("assert_demographic_parity"), {"model-7"}),
        ("the data guard", lambda f, c: f.pop(".pre-commit-config.yaml"), {"data-5"}),
        ("the dependency bot", lambda f, c: f.pop(".github/dependabot.yml"), {"monitor-1"}),
        ("the skew test", lambda f, c: c.remove("assert_no_skew"), {"data-7", "monitor-3"}),
        ("the pipeline", lambda f, c: f.pop("dvc.yaml"), {"data-6"}),
        ("the regression gate", lambda f, c: c.remove("assert_no_regression"), {"infra-4"}),
    ],
)  # fmt: skip
def test_removing_a_piece_lowers_exactly_the_tests_that_rest_on_it(tmp_path, piece, change, lowered) -> None:
    before = _points(_repository(tmp_path / "before", FILES), CHECKS)
    files, checks = dict(FILES), list(CHECKS)
    change(files, checks)
    after = _points(_repository(tmp_path / "after", files), checks)
    assert {i for i in before if after[i] < before[i]} == lowered, piece


def test_without_ci_running_the_tests_a_passed_check_is_manual(tmp_path: Path) -> None:
    files = dict(FILES, **{".github/workflows/ci.yml": CI.replace("python -m pytest", "echo")})
    card = score_repository(_repository(tmp_path, files), _results(CHECKS))
    mark = next(m for m in card.marks if m.item.id == "model-7")
    assert (mark.points, mark.evidence) == (
        0.5,
        "assert_demographic_parity passed in `tests/test_x.py::test_assert_demographic_parity`, "
        "but no CI configuration runs the tests",
    )


# A bare cookiecutter-data-science (v2) layout: no CI, no tests of the model, no pipeline.
CCDS = {
    "README.md": "# project\n\nA short description.\n",
    "Makefile": "requirements:\n\tpip install -r requirements.txt\n",
    "requirements.txt": "pandas\nscikit-learn\n",
    "pyproject.toml": "[project]\nname = 'project'\n",
    "data/raw/.gitkeep": "",
    "notebooks/.gitkeep": "",
    "models/.gitkeep": "",
    "project/dataset.py": "def main():\n    pass\n",
    "project/features.py": "def main():\n    pass\n",
    "project/modeling/train.py": "def main():\n    pass\n",
    "project/modeling/predict.py": "def predict(model, X):\n    return model.predict(X)\n",
    "tests/test_data.py": "def test_code_is_tested():\n    assert False\n",
}


def test_another_templates_repository_gets_a_low_score_with_what_is_missing(tmp_path, capsys) -> None:
    root = _repository(tmp_path, CCDS)
    assert main(["score", str(root), "--min", "5"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("# ML Test Score: 0\n")
    assert (
        "| data-1 Feature expectations are captured in a schema | 0 | missing: a data schema checked by a test" in out
    )
    assert "| monitor-1 Dependency changes result in notification | 0.5 | pinned dependencies (a lock file)" in out
    assert err == ("mltest score: 0 is below --min 5 (weakest section: Data); each 0 above says what is missing\n")


def test_report_and_output_options(tmp_path: Path, capsys) -> None:
    root = _repository(tmp_path / "repo", FILES)
    report = root / "reports" / "mltest.json"
    report.parent.mkdir()
    report.write_text(json.dumps({"seed": 0, "counts": {}, "results": _results(CHECKS)}))
    assert main(["score", str(root), "--min", "5.5", "-o", str(tmp_path / "score.md")]) == 0  # the default report
    out = capsys.readouterr().out
    assert out.startswith("# ML Test Score: 5.5\n")
    assert (tmp_path / "score.md").read_text() == out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "missing-folder"], "mltest score: error: PATH='missing-folder' is not a directory: "
         "expected the root of a repository\n"),
        (["score", ".", "--report", "report.json"], "mltest score: error: --report='report.json' is not an mltest "
         "JSON report: write one with pytest --mltest-report=report.json\n"),
        (["score", ".", "--report", "binary.json"], "mltest score: error: --report='binary.json': cannot read an "
         "mltest JSON report: "),
    ],
)  # fmt: skip
def test_bad_input_is_one_line(tmp_path, monkeypatch, capsys, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.json").write_text("[1, 2]")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_min_out_of_range_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["score", ".", "--min", "9"])
    assert exit_info.value.code == 2
    assert "argument --min: '9' is not a number from 0 to 7" in capsys.readouterr().err


def test_docs_table_is_the_rubric() -> None:
    page = (ROOT / "docs" / "score.md").read_text()
    rows = re.findall(r"^\| ((?:data|model|infra|monitor)-\d) (.+?) \|", page, flags=re.M)
    assert rows == [(item.id, item.title) for item in RUBRIC]
    assert len(RUBRIC) == 28


def test_the_evidence_that_ci_runs_the_tests_names_the_ci_workflow(tmp_path: Path) -> None:
    deploy = "on: push\njobs:\n  deploy:\n    steps:\n      - run: make test && docker build .\n"
    files = dict(FILES, **{".github/workflows/cd.yml": deploy})  # sorts before ci.yml and runs tests too
    card = score_repository(_repository(tmp_path, files), _results(CHECKS))
    mark = next(m for m in card.marks if m.item.id == "model-7")
    assert mark.evidence.endswith("CI runs the tests (.github/workflows/ci.yml)"), mark.evidence
