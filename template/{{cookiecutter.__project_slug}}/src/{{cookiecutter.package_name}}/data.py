"""Load the raw data and split it into train and test sets (the `prepare` stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.model_selection import train_test_split

PREPARED_DIR = Path("data/prepared")


def load_raw(path: Path | str) -> pd.DataFrame:
    """Read the raw CSV file."""
    return pd.read_csv(path)


def split(data: pd.DataFrame, params: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split `data` into train and test sets, stratified by the target.

    `params` is the `data` section of params.yaml (target, test_size, seed).
    """
    train, test = train_test_split(
        data,
        test_size=params["test_size"],
        random_state=params["seed"],
        stratify=data[params["target"]],
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def load_prepared(directory: Path | str = PREPARED_DIR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The train and test sets written by `prepare`."""
    directory = Path(directory)
    return pd.read_csv(directory / "train.csv"), pd.read_csv(directory / "test.csv")


def prepare(params: dict[str, Any], out_dir: Path | str = PREPARED_DIR) -> tuple[Path, Path]:
    """The `prepare` stage: read the raw data, split it, write train.csv and test.csv."""
    train, test = split(load_raw(params["data"]["raw"]), params["data"])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    train.to_csv(out_dir / "train.csv", index=False)
    test.to_csv(out_dir / "test.csv", index=False)
    return out_dir / "train.csv", out_dir / "test.csv"
