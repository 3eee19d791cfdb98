"""The reference the model in production is watched against (written by the `train` stage).

Two profiles (`mltest.profile`: per column a histogram, or the counts of its values), kept in
git with the model's metadata (`cache: false` in dvc.yaml), so that `make monitor` and the
scheduled monitoring job have them wherever the repository is:

- `models/reference/inputs.json`: the training rows, every column but the target;
- `models/reference/predictions.json`: what `predict` gives for the held-out test rows (the
  predicted class and the class probabilities, or the predicted number), since a model is more
  sure of the rows it was trained on than of those it meets in production.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from {{ cookiecutter.package_name }}.config import is_classification
from {{ cookiecutter.package_name }}.predict import predict

REFERENCE_DIR = Path("models/reference")


def reference_paths(directory: Path | str = REFERENCE_DIR) -> tuple[Path, Path]:
    """The profiles of the inputs and of the predictions in `directory`."""
    directory = Path(directory)
    return directory / "inputs.json", directory / "predictions.json"


def write_reference(
    model: Any,
    train_data: pd.DataFrame,
    test_data: pd.DataFrame,
    params: dict[str, Any],
    directory: Path | str = REFERENCE_DIR,
) -> tuple[Path, Path]:
    """Profile the training inputs and the predictions on the test rows into `directory`."""
    import mltest  # pytest-mltest, a development dependency: the pipeline runs with it

    inputs_path, predictions_path = reference_paths(directory)
    inputs_path.parent.mkdir(parents=True, exist_ok=True)
    inputs = train_data.drop(columns=[params["data"]["target"]], errors="ignore")
    mltest.profile(inputs).save(inputs_path)
    predictions = predict(model, test_data, params)
    # a class label is a category even when it is a number (0/1); a predicted number is not
    categorical = ["prediction"] if is_classification(params) else None  # data.task
    mltest.profile(predictions, categorical=categorical).save(predictions_path)
    return inputs_path, predictions_path
