"""assert_model_fresh: the training time from metadata, git or the file, said which; an old model fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import mltest

pytestmark = pytest.mark.monitoring

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


def test_metadata_written_at_training_decides(tmp_path: Path) -> None:
    model = tmp_path / "model.joblib"
    model.write_bytes(b"model")
    (tmp_path / "model.joblib.meta.json").write_text(json.dumps({"trained_at": "2026-11-20T12:00:00Z"}))
    result = mltest.assert_model_fresh(model, max_age="30d", now=NOW)
    assert result.message == (
        f"assert_model_fresh passed: {model} is 14.0 days old <= max_age 30.0 days "
        f"(trained 2026-11-20 12:00 UTC, from {tmp_path / 'model.joblib.meta.json'})"
    )
    with pytest.raises(mltest.CheckFailed) as info:
        mltest.assert_model_fresh(model, max_age=timedelta(days=7), now=NOW)
    assert str(info.value).splitlines()[0] == (
        f"assert_model_fresh failed: {model} is 14.0 days old > max_age 7.0 days "
        f"(trained 2026-11-20 12:00 UTC, from {tmp_path / 'model.joblib.meta.json'})"
    )
    assert "To waive this check: pass max_age='15d'" in str(info.value)


def test_git_commit_time_then_modification_time(tmp_path: Path) -> None:
    model = tmp_path / "model.pkl"
    model.write_bytes(b"model")
    os.utime(model, (NOW.timestamp() - 3 * 86400,) * 2)
    assert "from the file's modification time" in mltest.assert_model_fresh(model, now=NOW).message
    env = {**os.environ, "GIT_COMMITTER_DATE": "2026-10-01T00:00:00+00:00", "GIT_AUTHOR_DATE": "2026-10-01T00:00:00"}
    for args in (
        ["init", "-q"],
        ["add", "model.pkl"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "m"],
    ):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, env=env)
    with pytest.raises(mltest.CheckFailed, match=r"is 64.5 days old > max_age 30.0 days .*from the git commit time"):
        mltest.assert_model_fresh(model, now=NOW)


def test_a_model_object_carries_its_training_time() -> None:
    class Model:
        trained_at_ = NOW - timedelta(hours=5)

    assert mltest.assert_model_fresh(Model(), max_age="1d", now=NOW).message.startswith(
        "assert_model_fresh passed: Model is 5.0 hours old <= max_age 24.0 hours"
    )
    with pytest.raises(mltest.InvalidArgument, match=r"^model=.* is not valid: expected a model file's path, or a"):
        mltest.assert_model_fresh(object())


@pytest.mark.parametrize(
    ("max_age", "message"),
    [
        ("30 days", r"^max_age='30 days' is not valid: expected a timedelta, a number of days or text such as"),
        (-1, r"^max_age=-1 is not valid: expected a number > 0$"),
    ],
)
def test_bad_arguments_are_named(tmp_path: Path, max_age: object, message: str) -> None:
    (tmp_path / "m").write_bytes(b"")
    with pytest.raises(mltest.InvalidArgument, match=message):
        mltest.assert_model_fresh(tmp_path / "m", max_age=max_age)
    with pytest.raises(mltest.InvalidArgument, match=r"^model='.*missing' is not valid: expected the path of an"):
        mltest.assert_model_fresh(tmp_path / "missing")


def _git(folder: Path, *args: str, when: str | None = None) -> None:
    env = dict(os.environ)
    if when is not None:
        env |= {"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when}
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=folder, check=True, env=env)


def _dvc(folder: Path, *args: str) -> None:
    dvc = Path(sys.executable).with_name("dvc")
    subprocess.run([str(dvc), *args], cwd=folder, check=True, capture_output=True)


def test_dvc_tracked_models_take_the_time_their_hash_was_committed(tmp_path: Path) -> None:
    """A model written by a DVC stage is as old as the commit that recorded its hash in dvc.lock, not as old
    as the last commit of dvc.lock (re-running only the evaluation changes dvc.lock, not the model)."""
    _git(tmp_path, "init", "-q")
    _dvc(tmp_path, "init", "-q")
    _dvc(tmp_path, "config", "core.analytics", "false")
    (tmp_path / "dvc.yaml").write_text(
        "stages:\n"
        "  train:\n    cmd: python -c \"open('model.pkl', 'w').write('weights')\"\n    outs: [model.pkl]\n"
        "  evaluate:\n    cmd: python -c \"open('score.json', 'w').write('1')\"\n    deps: [model.pkl]\n"
        "    outs: [score.json]\n"
    )
    _dvc(tmp_path, "repro", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "train", when="2026-11-01T00:00:00+00:00")
    yaml = (tmp_path / "dvc.yaml").read_text().replace("write('1')", "write('2')")
    (tmp_path / "dvc.yaml").write_text(yaml)
    _dvc(tmp_path, "repro", "-q")  # only the evaluation runs again
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "evaluate again", when="2026-12-01T00:00:00+00:00")
    result = mltest.assert_model_fresh(tmp_path / "model.pkl", max_age="60d", now=NOW)
    assert " is 33.5 days old <= max_age 60.0 days (trained 2026-11-01 00:00 UTC, from the git commit time " in (
        result.message
    )
    assert "dvc.lock that recorded the model's hash " in result.message
    (tmp_path / "data.csv").write_text("a\n1\n")
    _dvc(tmp_path, "add", "-q", "data.csv")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "data", when="2026-11-20T12:00:00+00:00")
    result = mltest.assert_model_fresh(tmp_path / "data.csv", max_age="30d", now=NOW)
    assert "is 14.0 days old" in result.message and "data.csv.dvc" in result.message
