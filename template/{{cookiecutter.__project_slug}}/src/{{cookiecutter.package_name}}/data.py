"""Load the raw data and split it into train and test sets (the `prepare` stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.model_selection import train_test_split

from {{ cookiecutter.package_name }}.config import (
    ParamsError,
    check_columns,
    is_classification,
    task,
)

PREPARED_DIR = Path("data/prepared")


def load_raw(path: Path | str) -> pd.DataFrame:
    """Read the raw CSV file."""
    return pd.read_csv(path)


def split(data: pd.DataFrame, params: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split `data` into train and test sets: stratified by the target for a classifier.

    Reads params.yaml's data section: task, target, test_size, seed (and positive_class).
    """
    check_target(data, params)
    section = params["data"]
    classes = is_classification(params)
    train, test = train_test_split(
        data,
        test_size=section["test_size"],
        random_state=section["seed"],
        stratify=data[section["target"]] if classes else None,
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def check_target(data: pd.DataFrame, params: dict[str, Any]) -> None:
    """Raise ParamsError unless data.target fits data.task (params.yaml), in one line.

    binary: exactly two classes, data.positive_class one of them; multiclass: three classes or
    more; a classifier's classes need two rows each (the split is stratified); regression: a
    number. No task allows a missing target.
    """
    kind, target = task(params), params["data"]["target"]
    labels = data[target]
    counts = labels.value_counts()
    setting = f"params.yaml: data.target {target!r}"
    if labels.isna().any():
        raise ParamsError(
            f"{setting} has {labels.isna().sum()} missing values: drop those rows from the data."
        )
    if kind == "regression":
        if not pd.api.types.is_numeric_dtype(labels) or pd.api.types.is_bool_dtype(labels):
            raise ParamsError(
                f"{setting} is not a number (values such as {labels.iloc[0]!r}), but data.task "
                "is regression; for classes set data.task to binary or multiclass."
            )
        return
    # .tolist() gives Python values, shown as 0 and 'yes' rather than np.int64(0) and np.str_('yes')
    classes = _sorted(counts.index.tolist())
    problem = ""
    if kind == "binary" and len(counts) != 2:
        problem = f"has {len(counts)} distinct values, but data.task is binary (two classes)"
        problem += _other_task_hint(labels, len(counts))
    elif kind == "multiclass" and len(counts) < 3:
        problem = f"has {len(counts)} distinct value(s), but data.task is multiclass (3 or more)"
        problem += "; for two classes set data.task: binary" if len(counts) == 2 else ""
    elif counts.min() < 2:
        problem = (
            f"has a class in only {counts.min()} row ({counts.idxmin()!r}): each class needs two "
            "rows or more (the split keeps every class in train and test); drop or merge it"
        )
    if problem:
        raise ParamsError(f"{setting} {problem}.")
    if kind == "binary":
        check_positive_class(data, params["data"], classes)


def _sorted(values: list) -> list:
    try:
        return sorted(values)
    except TypeError:  # mixed types (1 and 'yes')
        return sorted(values, key=str)


def _other_task_hint(labels: pd.Series, n_values: int) -> str:
    if n_values > 20 and pd.api.types.is_numeric_dtype(labels):
        return "; for a number set data.task: regression"
    if n_values > 2:
        return "; for three classes or more set data.task: multiclass"
    return ""


def check_positive_class(data: pd.DataFrame, section: dict[str, Any], classes: list) -> None:
    """Raise ParamsError unless data.positive_class is one of the target's two classes."""
    positive = section.get("positive_class")
    if positive not in classes:
        quote = ""
        if isinstance(positive, bool):
            quote = " (YAML reads yes/no/on/off as true/false: quote it)"
        raise ParamsError(
            f"params.yaml: data.positive_class {positive!r} is not a class of data.target "
            f"{section['target']!r}; its classes: {', '.join(map(repr, classes))}{quote}. Set it "
            "to the favourable one, as the data writes it (1, 'yes', '>50K')."
        )


def load_prepared(directory: Path | str = PREPARED_DIR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The train and test sets written by `prepare`."""
    directory = Path(directory)
    return pd.read_csv(directory / "train.csv"), pd.read_csv(directory / "test.csv")


def prepare(params: dict[str, Any], out_dir: Path | str = PREPARED_DIR) -> tuple[Path, Path]:
    """The `prepare` stage: read the raw data, split it, write train.csv and test.csv."""
    raw = load_raw(params["data"]["raw"])
    check_columns(params, raw.columns, params["data"]["raw"])
    train, test = split(raw, params)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    train.to_csv(out_dir / "train.csv", index=False)
    test.to_csv(out_dir / "test.csv", index=False)
    return out_dir / "train.csv", out_dir / "test.csv"
