"""``assert_model_fresh``: a model older than ``max_age`` fails, and the message says how its age was known.

Where the training time comes from, best first:

1. metadata written at training: ``trained_at`` (ISO 8601) in ``<model file>.meta.json`` next
   to the model, or in the file passed as ``metadata=``; for a model object, its
   ``trained_at_`` attribute (a ``datetime`` or ISO text);
2. version control: the commit time of the model's ``.dvc`` file, of ``dvc.lock`` when a stage
   writes the model, or of the model file itself when git tracks it;
3. the file's modification time (which a copy or a checkout resets: the weakest evidence).
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from mltest import _settings, _validation
from mltest._message import compose
from mltest.errors import InvalidArgument, invalid_argument, invalid_type
from mltest.report import CheckResult, conclude

__all__ = ["assert_model_fresh", "training_time"]

_UNITS = {"s": 1, "min": 60, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def assert_model_fresh(model: Any, *, max_age: Any = None, metadata: Any = None, now: Any = None) -> CheckResult:
    """Fail when ``model`` (a model file's path, or a model object with ``trained_at_``) is older than ``max_age``.

    ``max_age``: a ``timedelta``, a number of days, or text such as ``"30d"``, ``"36h"``,
    ``"2w"`` (default: ``model_max_age_days`` in ``[tool.mltest]``, 30). ``metadata``: a JSON
    file with ``trained_at`` (default: ``<model>.meta.json`` when it exists). ``now``: the
    time to measure the age at (default: now).
    """
    limit = _max_age(_settings.get("model_max_age_days") if max_age is None else max_age)
    at = datetime.now(timezone.utc) if now is None else _aware("now", now)
    trained, source = training_time(model, metadata=metadata)
    age = at - trained
    name = str(model) if isinstance(model, (str, Path)) else type(model).__name__
    figures = {"age_days": age.total_seconds() / 86400, "max_age_days": limit.total_seconds() / 86400}
    figures |= {"trained_at": trained.isoformat(), "source": source}
    ok = age <= limit
    verdict = (
        f"assert_model_fresh {'passed' if ok else 'failed'}: {name} is {_span(age)} old "
        f"{'<=' if ok else '>'} max_age {_span(limit)} (trained {trained:%Y-%m-%d %H:%M} UTC, from {source})"
    )
    if ok:
        return conclude(CheckResult("monitoring", "assert_model_fresh", "passed", verdict, figures=figures))
    message = compose(
        verdict,
        causes=["the retraining job has not run, has failed, or its model was not promoted"],
        fixes=["retrain (dvc repro) and promote the new model if it is not worse (mltest.assert_no_regression)"],
        waive=f"pass max_age='{_days_ceiling(age)}d' (or set model_max_age_days in [tool.mltest]) "
        "if this age is acceptable.",
    )
    return conclude(CheckResult("monitoring", "assert_model_fresh", "failed", message, figures=figures))


def _days_ceiling(age: timedelta) -> int:
    return int(age.total_seconds() // 86400) + 1


def _span(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    if abs(seconds) >= 2 * 86400:
        return f"{seconds / 86400:.1f} days"
    if abs(seconds) >= 2 * 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 60:.0f} minutes"


def _max_age(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        if value.total_seconds() <= 0:
            raise invalid_argument("max_age", value, "a positive duration")
        return value
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|min|m|h|d|w)\s*", value)
        if not match or float(match.group(1)) <= 0:
            raise invalid_argument("max_age", value, "a timedelta, a number of days or text such as '30d', '36h', '2w'")
        return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
    days = _validation.number("max_age", value, low=0, low_open=True)
    return timedelta(days=days)


def _aware(name: str, value: Any) -> datetime:
    """A timezone-aware datetime from a datetime or ISO 8601 text (naive means UTC)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise invalid_argument(name, value, "an ISO 8601 time such as '2026-12-04T10:00:00+00:00'") from None
    if not isinstance(value, datetime):
        raise invalid_type(name, value, "a datetime or ISO 8601 text")
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def training_time(model: Any, *, metadata: Any = None) -> tuple[datetime, str]:
    """(when the model was trained, where that was read from)."""
    if metadata is not None:
        return _from_metadata(Path(metadata), "metadata")
    if not isinstance(model, (str, Path)):
        stamp = getattr(model, "trained_at_", None)
        if stamp is None:
            raise invalid_argument(
                "model",
                model,
                "a model file's path, or a model with a trained_at_ attribute "
                "(set model.trained_at_ = datetime.now(timezone.utc) when training)",
            )
        return _aware("model.trained_at_", stamp), "the model's trained_at_ attribute"
    path = Path(model)
    if not path.exists():
        raise InvalidArgument(f"model={str(model)!r} is not valid: expected the path of an existing model file")
    sidecar = path.with_name(path.name + ".meta.json")
    if sidecar.is_file():
        return _from_metadata(sidecar, "metadata")
    lock = _dvc_lock(path)
    for tracker, pickaxe in ((path.with_name(path.name + ".dvc"), None), lock or (None, None), (path, None)):
        if tracker is not None:
            committed = _commit_time(tracker, pickaxe)
            if committed is not None:
                what = "the file" if tracker == path else tracker.name
                what += f" that recorded the model's hash {pickaxe[:8]}" if pickaxe else ""
                return committed, f"the git commit time of {what} ({tracker})"
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    return mtime, f"the file's modification time ({path}; a copy or checkout resets it)"


def _from_metadata(file: Path, name: str) -> tuple[datetime, str]:
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        document = None
    if not isinstance(document, dict) or "trained_at" not in document:
        raise InvalidArgument(f'{name}={str(file)!r} is not valid: expected a JSON file with "trained_at" (ISO 8601)')
    return _aware(f"{file}: trained_at", document["trained_at"]), f"{file}"


def _dvc_lock(path: Path) -> tuple[Path, str] | None:
    """(the repository's dvc.lock, the hash it records for ``path``) when one of its stages writes ``path``."""
    for folder in [path.resolve().parent, *path.resolve().parents]:
        lock = folder / "dvc.lock"
        if lock.is_file():
            try:
                relative = path.resolve().relative_to(folder).as_posix()
            except ValueError:
                return None
            found = _out_hash(lock, relative)
            return None if found is None else (lock, found)
        if (folder / ".git").exists():
            return None
    return None


def _out_hash(lock: Path, relative: str) -> str | None:
    """The md5 that ``lock`` records for the stage output ``relative``, or None."""
    import yaml

    try:
        stages = (yaml.safe_load(lock.read_text(encoding="utf-8")) or {}).get("stages", {})
        outs = [out for stage in stages.values() for out in stage.get("outs", [])]
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError, TypeError):
        return None
    for out in outs:
        if isinstance(out, dict) and out.get("path") == relative and isinstance(out.get("md5"), str):
            return out["md5"]
    return None


def _commit_time(file: Path, pickaxe: str | None = None) -> datetime | None:
    """The time of the last commit that changed ``file`` (with ``pickaxe``: of the first commit since which the
    file holds that text, i.e. when a dvc.lock recorded the model's hash), or None outside git or when untracked."""
    search = ["-1"] if pickaxe is None else ["-S", pickaxe]
    try:
        run = subprocess.run(
            ["git", "log", *search, "--format=%cI", "--", file.name],
            cwd=file.resolve().parent,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = run.stdout.split()
    if run.returncode != 0 or not lines:
        return None
    # with pickaxe: the oldest commit that changed how often the hash occurs, i.e. the one that first recorded it
    # (a model retrained back to the very same bytes keeps its first time)
    text = lines[0] if pickaxe is None else lines[-1]
    try:
        return datetime.fromisoformat(text).astimezone(timezone.utc)
    except ValueError:
        raise InvalidArgument(f"git gave an unreadable commit time for {file}: {text!r}") from None
