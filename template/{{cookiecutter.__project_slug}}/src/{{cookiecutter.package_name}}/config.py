"""The pipeline's parameters, read from params.yaml (the file DVC tracks)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

PARAMS_FILE = Path("params.yaml")
# What the model predicts (params.yaml's data.task): the pipeline, the service and the tests read
# it at run time, so changing this one setting (and the target) switches the whole project.
TASKS = ("binary", "multiclass", "regression")


class ParamsError(ValueError):
    """params.yaml does not fit the data: the message names the setting and what to change."""


def load_params(path: Path | str = PARAMS_FILE) -> dict[str, Any]:
    """Read params.yaml into a dict."""
    with open(path, encoding="utf-8") as file:
        return yaml.safe_load(file)


def task(params: dict[str, Any]) -> str:
    """params.yaml's data.task: binary, multiclass or regression (ParamsError for anything else)."""
    value = (params.get("data") or {}).get("task", "binary")
    if value in TASKS:
        return value
    close = difflib.get_close_matches(str(value).strip().lower(), TASKS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ParamsError(
        f"params.yaml: data.task {value!r} is not a task{hint}; expected one of {', '.join(TASKS)}."
    )


def is_classification(params: dict[str, Any]) -> bool:
    """True when the model predicts classes (data.task binary or multiclass)."""
    return task(params) != "regression"


def named_columns(params: dict[str, Any]) -> list[tuple[str, str]]:
    """(setting, column) for every column params.yaml names."""
    checks = params.get("checks") or {}
    return [
        ("data.target", params["data"]["target"]),
        *(("features.sensitive", column) for column in params["features"]["sensitive"]),
        *(("features.drop", column) for column in params["features"]["drop"]),
        *(("checks.noise", column) for column in checks.get("noise") or {}),
        *(("checks.directional", entry["column"]) for entry in checks.get("directional") or []),
    ]


def check_columns(params: dict[str, Any], columns: Iterable[str], source: Path | str) -> None:
    """Raise ParamsError when params.yaml names a column that `source` does not have."""
    columns = [str(column) for column in columns]
    for setting, column in named_columns(params):
        if column not in columns:
            close = difflib.get_close_matches(str(column), columns, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ParamsError(
                f"params.yaml: {setting} names the column {column!r}, which {source} does not "
                f"have{hint}. Its columns: {', '.join(columns)}."
            )
