"""`make monitor`: is the model in production still fit to serve? (the `monitor` command)

Reads the predictions logged in the last `monitoring.period` (see prediction_log.py) and checks,
against the reference the `train` stage wrote (reference.py):
- feature drift: the logged inputs against the training rows (`mltest.assert_no_drift`);
- prediction drift: the logged outputs against the predictions on the test rows;
- model age: younger than `monitoring.max_model_age_days` (`mltest.assert_model_fresh`);
- estimated performance (a classifier, binary or multiclass): the accuracy its probabilities
  promise on the logged rows, without labels (CBPE, `mltest.assert_estimated_performance`), may
  fall below the test accuracy (reports/metrics.json) by `monitoring.max_accuracy_drop` at most.
  The estimate holds while the probabilities stay calibrated (no concept shift): confirm with
  labels. A regressor's performance cannot be estimated without labels: the report says so.

Writes reports/monitoring.md and exits 0 when no action is needed, 1 when it is (a check failed:
retrain, see DEPLOYMENT.md), and 2 when there is nothing to judge (no predictions logged in the
period, or no reference: run `make repro`). A check that cannot decide (too few rows for the
drift it looks for) is reported as inconclusive and needs no action yet.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from {{ cookiecutter.package_name }}.config import is_classification
from {{ cookiecutter.package_name }}.metadata import metadata_path, read_metadata
from {{ cookiecutter.package_name }}.prediction_log import LogSettings, read_records
from {{ cookiecutter.package_name }}.reference import REFERENCE_DIR, reference_paths

REPORT_PATH = Path("reports/monitoring.md")
REGRESSION_SKIP = (
    "data.task is regression: a regressor's performance cannot be estimated without labels "
    "(CBPE needs a classifier's probabilities); the drift checks above stand in for it, and "
    "the error is measured when the labels of the logged rows arrive (retrain and compare)"
)
NO_ACTION, ACTION, NOTHING_TO_JUDGE = 0, 1, 2
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_period(text: str) -> float:
    """`30m`, `36h`, `7d` or `2w` in seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*", str(text))
    if not match:
        raise ValueError(f"period={text!r} is not valid: expected a number and m, h, d or w (7d)")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _utc(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))


@dataclass
class Check:
    """One check's verdict, for the report."""

    name: str
    outcome: str  # passed, failed, inconclusive, skipped
    message: str
    table: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Logged:
    """The predictions logged in the period."""

    location: str
    since: float  # seconds since the epoch
    inputs: pd.DataFrame
    outputs: pd.DataFrame
    versions: Counter[str]


def read_logged(location: str, since: float) -> Logged:
    inputs, outputs, versions = [], [], Counter[str]()
    for record in read_records(location, since):
        inputs.append(record.get("inputs") or {})
        outputs.append(record.get("outputs") or {})
        versions[str(record.get("model_version"))] += 1
    frames = pd.DataFrame.from_records(inputs), pd.DataFrame.from_records(outputs)
    return Logged(location, since, *frames, versions)


def run_check(name: str, check: Any, *args: Any, **kwargs: Any) -> Check:
    """Call an mltest check; its result (passed, failed or inconclusive) becomes a Check."""
    import mltest

    with mltest.report.recording() as recorded, contextlib.suppress(mltest.CheckFailed):
        check(*args, **kwargs)
    (result,) = recorded.results
    return Check(name, result.outcome, result.message, list(result.table or []))


def drift_check(name: str, reference: Path, current: pd.DataFrame, left_out: set[str]) -> Check:
    """assert_no_drift on the columns of the reference that the logs hold values for."""
    import mltest

    known = list(mltest.load_profile(reference).columns)
    columns = [
        c for c in known if c in current.columns and c not in left_out and current[c].notna().any()
    ]
    if current.empty or not columns:
        return Check(name, "skipped", f"no logged values of {', '.join(known)}")
    return run_check(name, mltest.assert_no_drift, reference, current[columns])


def age_check(model_path: Path, max_age_days: float) -> Check:
    import mltest

    meta = metadata_path(model_path)
    if not meta.exists() and not model_path.exists():
        return Check("model age", "skipped", f"neither {model_path} nor {meta} exists")
    metadata = meta if meta.exists() else None
    return run_check(
        "model age",
        mltest.assert_model_fresh,
        model_path,
        max_age=f"{max_age_days:g}d",
        metadata=metadata,
    )


def performance_check(
    outputs: pd.DataFrame, metrics_path: Path, max_drop: float, params: dict[str, Any]
) -> Check:
    """assert_estimated_performance (CBPE): the accuracy a classifier's logged probabilities
    promise, against the test accuracy. Binary: the probability of data.positive_class;
    multiclass: the probability of the predicted class (calibrated, it is the chance that the
    prediction is right). A regressor gives no probabilities: skipped, saying so."""
    import mltest

    name = "estimated performance"
    if not is_classification(params):
        return Check(name, "skipped", REGRESSION_SKIP)
    probabilities = [c for c in outputs.columns if str(c).startswith("probability_")]
    if len(probabilities) < 2 or "prediction" not in outputs.columns:
        return Check(name, "skipped", "CBPE needs a classifier's logged probabilities")
    try:
        offline = float(json.loads(metrics_path.read_text(encoding="utf-8"))["accuracy"])
    except (OSError, ValueError, KeyError, TypeError):
        return Check(name, "skipped", f"no test accuracy in {metrics_path}: run `make repro`")
    rows = outputs.dropna(subset=[*probabilities, "prediction"])
    positive = (params.get("data") or {}).get("positive_class")
    if len(probabilities) == 2 and f"probability_{positive}" in probabilities:
        score = rows[f"probability_{positive}"]
        predicted = (rows["prediction"].astype(str) == str(positive)).astype(int)
    else:  # multiclass (or a binary log without data.positive_class's column)
        score = rows[probabilities].max(axis=1)  # the predicted class's probability
        predicted = pd.Series(1, index=rows.index)  # "the prediction is right"
    return run_check(
        name,
        mltest.assert_estimated_performance,
        score,
        y_pred=predicted,
        metric="accuracy",
        min_value=round(offline - max_drop, 4),
    )


def monitor(
    params: dict[str, Any],
    *,
    location: str | None = None,
    period: str | None = None,
    model_path: Path | str = Path("models/model.joblib"),
    reference_dir: Path | str = REFERENCE_DIR,
    metrics_path: Path | str = Path("reports/metrics.json"),
    report_path: Path | str = REPORT_PATH,
    now: float | None = None,
) -> int:
    """Check the logged predictions and the model's age; write the report; the exit code."""
    section = params.get("monitoring") or {}
    settings = LogSettings.from_params(params)
    location = location or settings.location
    period_seconds = parse_period(period or section.get("period", "7d"))
    since = (time.time() if now is None else now) - period_seconds
    inputs_ref, predictions_ref = reference_paths(reference_dir)
    report_path = Path(report_path)
    if not inputs_ref.exists() or not predictions_ref.exists():
        problem = f"no reference profiles in {reference_dir}: run `make repro` (the train stage)"
        write_report(report_path, None, [], problem)
        return NOTHING_TO_JUDGE
    logged = read_logged(location, since)
    if logged.inputs.empty:
        problem = f"no predictions were logged at {location} since {_utc(since)}"
        write_report(report_path, logged, [], problem)
        return NOTHING_TO_JUDGE
    left_out = {*settings.drop, *settings.hash}
    checks = [
        drift_check("feature drift", inputs_ref, logged.inputs, left_out),
        drift_check("prediction drift", predictions_ref, logged.outputs, set()),
        age_check(Path(model_path), float(section.get("max_model_age_days", 30))),
        performance_check(
            logged.outputs,
            Path(metrics_path),
            float(section.get("max_accuracy_drop", 0.05)),
            params,
        ),
    ]
    write_report(report_path, logged, checks, None, model_path=Path(model_path))
    return ACTION if any(check.outcome == "failed" for check in checks) else NO_ACTION


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|")


def finding(check: Check) -> str:
    """What a failed check found, in a few words: `feature drift in 'duration'`."""
    drifted = [str(row["column"]) for row in check.table if row.get("verdict") == "drift"]
    return f"{check.name} in {', '.join(map(repr, drifted))}" if drifted else check.name


def write_report(
    path: Path,
    logged: Logged | None,
    checks: list[Check],
    problem: str | None,
    model_path: Path | None = None,
) -> None:
    """reports/monitoring.md: the verdict first, then each check's full message."""
    lines = ["# Monitoring report", ""]
    if logged is not None:
        versions = ", ".join(f"{v} ({n} rows)" for v, n in logged.versions.most_common())
        lines.append(
            f"Predictions logged at `{logged.location}` since {_utc(logged.since)}: "
            f"{len(logged.inputs)} rows, from the model versions {versions}."
        )
    meta = read_metadata(model_path) if model_path is not None else {}
    if meta:
        commit = str(meta.get("git_commit") or "not in git")[:12]
        trained = f"the model {meta.get('version')} trained {meta.get('trained_at')}"
        lines.append(f"Reference: {trained} (commit {commit}).")
    failed = [finding(check) for check in checks if check.outcome == "failed"]
    if problem:
        lines += ["", f"**Nothing to judge**: {problem}."]
    elif failed:
        lines += [
            "",
            f"**Action needed**: {'; '.join(failed)}. Retrain the model on recent data (the "
            'continuous-training workflow; see DEPLOYMENT.md, "When monitoring fires").',
        ]
    else:
        lines += ["", "**No action needed.**"]
    if checks:
        lines += ["", "| check | outcome | verdict |", "| --- | --- | --- |"]
        for check in checks:
            verdict = _cell(check.message.splitlines()[0])
            lines.append(f"| {check.name} | {check.outcome} | {verdict} |")
    for check in checks:
        lines += ["", f"## {check.name.capitalize()}", "", "```text", check.message, "```"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
