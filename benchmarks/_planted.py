"""Tables with a planted weak slice, and deepchecks' weak-segments check in a venv of its own.

Shared by ``benchmarks/slices.py`` (speed), ``benchmarks/slices_simulation.py`` (the detection
and false-alarm table of docs/evaluation.md) and ``tests/test_evaluation_slices.py`` (the cheap
version of that table).

The "model" is simulated, so that the truth is known: each row's prediction is right with a
known probability (0.85 for classes; for regression the error's spread is 1), except in the
planted slice ``age > <80th percentile> and housing == 'rent'`` (about 6% of rows), where it is
right with probability 0.55 (for regression the spread is 2.5). Without a plant every slice has
the same expected metric, so any slice a check names there is a false alarm.

deepchecks 0.19 does not run with this repository's scikit-learn, pandas and numpy: it gets
its own venv (``.venv/anchors/deepchecks``, made on first use, pinned versions that work).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DEEPCHECKS_VENV = ROOT / ".venv" / "anchors" / "deepchecks"
DEEPCHECKS_PINS = ["deepchecks==0.19.1", "scikit-learn==1.5.2", "pandas<2.3", "numpy<2", "category-encoders<2.7"]
PLANTED = "age > {edge} and housing == 'rent'"
BASE_RIGHT, PLANTED_RIGHT = 0.85, 0.55  # classes: chance that a prediction is right
BASE_SPREAD, PLANTED_SPREAD = 1.0, 2.5  # regression: scale of the prediction error


@dataclass
class Planted:
    """A table, its target and the simulated model's predictions; ``truth`` is each row's expected metric."""

    X: pd.DataFrame
    y: np.ndarray
    pred: np.ndarray
    truth: np.ndarray
    predicate: str | None


def features(n: int, rng: np.random.Generator, columns: int = 6) -> pd.DataFrame:
    """``columns`` features (at least 2): age and housing, then numbers and categories in turn."""
    data = {
        "age": rng.integers(18, 80, n),
        "housing": rng.choice(["own", "rent", "free"], n, p=[0.6, 0.3, 0.1]),
    }
    for i in range(columns - 2):
        if i % 2 == 0:
            data[f"num{i}"] = rng.normal(0, 1, n).round(3)
        else:
            data[f"cat{i}"] = rng.choice(["a", "b", "c", "d", "e"], n)
    return pd.DataFrame(data)


def planted_mask(X: pd.DataFrame) -> tuple[np.ndarray, str]:
    edge = float(np.quantile(X["age"], 0.8))
    return ((X["age"] > edge) & (X["housing"] == "rent")).to_numpy(), PLANTED.format(edge=f"{edge:.0f}")


def table(
    n: int, seed: int, *, planted: bool = True, task: str = "binary", columns: int = 6, weak: float = PLANTED_RIGHT
) -> Planted:
    """A table of ``n`` rows with (or without) the planted slice, for ``task``.

    ``weak`` is the chance that a prediction in the planted slice is right (classes only):
    ``BASE_RIGHT - 0.1`` puts the slice exactly at the default ``max_gap``, the hardest case
    for the false-alarm rate.
    """
    rng = np.random.default_rng(seed)
    X = features(n, rng, columns)
    mask, predicate = planted_mask(X)
    if not planted:
        mask = np.zeros(n, dtype=bool)
        predicate = None
    if task == "regression":
        y = rng.normal(10, 3, n).round(3)
        spread = np.where(mask, PLANTED_SPREAD, BASE_SPREAD)
        pred = y + rng.normal(0, 1, n) * spread
        truth = spread * np.sqrt(2 / np.pi)  # expected absolute error of a normal error
        return Planted(X, y, pred, truth, predicate)
    classes = 2 if task == "binary" else 3
    y = rng.integers(0, classes, n)
    right = np.where(mask, weak, BASE_RIGHT)
    wrong = rng.random(n) >= right
    other = (y + rng.integers(1, classes, n)) % classes
    return Planted(X, y, np.where(wrong, other, y), right, predicate)


def true_gap(sample: Planted, mask: np.ndarray, *, higher_is_better: bool = True) -> float:
    """The slice's expected gap to the rest, from the rows' known expected metric (no label noise)."""
    if mask.all() or not mask.any():
        return 0.0
    gap = sample.truth[~mask].mean() - sample.truth[mask].mean()
    return float(gap if higher_is_better else -gap)


def predicate_mask(X: pd.DataFrame, predicate: str) -> np.ndarray:
    """The rows of a mltest predicate (``27 < age <= 33 and housing == 'rent'``), read by pandas."""
    return X.eval(predicate).to_numpy(dtype=bool)


# deepchecks, run in its own venv


def deepchecks_python() -> Path:
    """The venv's python, made on first use (a few minutes; the pins are the versions that work)."""
    python = DEEPCHECKS_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(DEEPCHECKS_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *DEEPCHECKS_PINS], check=True)
    return python


_DRIVER = """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np, pandas as pd
from deepchecks.tabular import Dataset
from deepchecks.tabular.checks import WeakSegmentsPerformance
folder = sys.argv[1]
out = []
for name in sorted(json.load(open(folder + "/index.json"))):
    frame = pd.read_csv(f"{folder}/{name}.csv")
    pred = frame.pop("__pred").to_numpy()
    classes = np.unique(frame["__target"])
    proba = (pred[:, None] == classes[None, :]).astype(float)
    cats = [c for c in frame.columns if frame[c].dtype == object]
    dataset = Dataset(frame, label="__target", cat_features=cats)
    check = WeakSegmentsPerformance(n_top_features=frame.shape[1] - 1, segment_minimum_size_ratio=0.02)
    start = time.perf_counter()
    value = check.run(dataset, y_pred_train=pred, y_proba_train=proba, with_display=False).value
    seconds = time.perf_counter() - start
    segments = value["weak_segments_list"].drop(columns=["Samples in Segment"]).astype(str)
    out.append({"name": name, "seconds": seconds, "avg": float(value["avg_score"]),
                "segments": segments.to_dict(orient="records")})
print(json.dumps(out))
"""


def run_deepchecks(samples: dict[str, Planted]) -> list[dict]:
    """deepchecks' WeakSegmentsPerformance on each sample (binary or multiclass): its segments and time."""
    python = deepchecks_python()
    with tempfile.TemporaryDirectory() as folder:
        for name, sample in samples.items():
            frame = sample.X.assign(__target=sample.y, __pred=sample.pred)
            frame.to_csv(Path(folder) / f"{name}.csv", index=False)
        (Path(folder) / "index.json").write_text(json.dumps(list(samples)))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        done = subprocess.run([str(python), "-c", _DRIVER, folder], check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def segment_mask(X: pd.DataFrame, segment: dict) -> np.ndarray:
    """The rows of a deepchecks segment: each feature's range ``(low, high)`` or list of categories."""
    mask = np.ones(len(X), dtype=bool)
    for which in ("Feature1", "Feature2"):
        feature, bounds = segment.get(which), segment.get(f"{which} Range")
        if not feature or feature == "None" or bounds in (None, "None", ""):
            continue
        values = X[feature]
        if values.dtype.kind not in "iuf":
            allowed = [part.strip(" '[]\"") for part in bounds.split(",")]
            mask &= values.isin(allowed).to_numpy()
        else:
            low, high = (float(v) for v in bounds.strip("()[] ").split(","))
            mask &= ((values >= low) & (values < high)).to_numpy()
    return mask
