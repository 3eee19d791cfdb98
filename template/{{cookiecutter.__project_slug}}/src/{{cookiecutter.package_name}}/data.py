"""Load the raw data and split it into train and test sets (the `prepare` stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.model_selection import train_test_split

from {{ cookiecutter.package_name }}.config import ParamsError, check_columns

PREPARED_DIR = Path("data/prepared")


def load_raw(path: Path | str) -> pd.DataFrame:
    """Read the raw CSV file."""
    return pd.read_csv(path)


def split(data: pd.DataFrame, params: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split `data` into train and test sets, stratified by the target.

    `params` is the `data` section of params.yaml (target, test_size, seed).
    """
    check_target(data, params["target"])
    check_positive_class(data, params)
    train, test = train_test_split(
        data,
        test_size=params["test_size"],
        random_state=params["seed"],
        stratify=data[params["target"]],
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def check_target(data: pd.DataFrame, target: str) -> None:
    """Raise ParamsError unless `target` is a class label a stratified split can use."""
    labels = data[target]
    counts = labels.value_counts()
    if labels.isna().any():
        problem = f"has {labels.isna().sum()} missing values: drop those rows from the data"
    elif len(counts) < 2 or counts.min() < 2:
        problem = (
            f"has {len(counts)} distinct value(s), the rarest in {counts.min()} row(s); the model "
            "is a classifier, so it needs at least two classes of two rows or more each. "
            "For a numeric target, make classes in the data first, for example 1 above the "
            "median and 0 otherwise"
        )
    else:
        return
    raise ParamsError(f"params.yaml: data.target {target!r} {problem}.")


def check_positive_class(data: pd.DataFrame, params: dict[str, Any]) -> None:
    """Raise ParamsError unless data.positive_class is one of the target's classes."""
    positive = params.get("positive_class")
    # .tolist() gives Python values, shown as 0 and 'yes' rather than np.int64(0) and np.str_('yes')
    classes = sorted(data[params["target"]].unique().tolist())
    if len(classes) == 2 and positive not in classes:
        quote = ""
        if isinstance(positive, bool):
            quote = " (YAML reads yes/no/on/off as true/false: quote it)"
        raise ParamsError(
            f"params.yaml: data.positive_class {positive!r} is not a class of data.target "
            f"{params['target']!r}; its classes: {', '.join(map(repr, classes))}{quote}. Set it "
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
    train, test = split(raw, params["data"])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    train.to_csv(out_dir / "train.csv", index=False)
    test.to_csv(out_dir / "test.csv", index=False)
    return out_dir / "train.csv", out_dir / "test.csv"
