"""The pipeline's parameters, read from params.yaml (the file DVC tracks)."""

from __future__ import annotations

import contextlib
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


def model_setting(
    params: dict[str, Any], name: str, default: float, *, low: float, strict: bool = False
) -> Any:
    """params.yaml's model.<name> (`default` when absent): a number at least `low` (more than
    `low` when `strict`; a whole number when `default` is one), else a ParamsError that names
    the setting, its value and what is allowed."""
    value = (params.get("model") or {}).get(name, default)
    whole = isinstance(default, int)
    number = isinstance(value, int if whole else int | float) and not isinstance(value, bool)
    if number and (value > low or (value == low and not strict)):
        return value
    kind = "a whole number" if whole else "a number"
    hint = ""
    with contextlib.suppress(TypeError, ValueError):
        if isinstance(value, str) and float(value) == float(value):
            hint = f" (YAML reads {value} as text: write it with a dot, such as 1.0e6)"
    raise ParamsError(
        f"params.yaml: model.{name} {value!r} is not valid: expected {kind} "
        f"{'>' if strict else '>='} {low:g}{hint}."
    )


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
