"""CBPE against NannyML: the same estimates on the same data, written to tests/data/cbpe_nannyml.json.

NannyML installs here (with pandas 3) but pulls a large tree (lightgbm, xgboost, cloud storage
clients): it gets a virtual environment of its own (benchmarks/anchors.py), and this script
writes its estimates for two deterministic datasets (calibrated probabilities; probabilities
that need NannyML's isotonic calibration) next to the tests. tests/test_monitoring_cbpe.py
compares mltest's estimates with that file, so the suite needs no NannyML.

    .venv/bin/python benchmarks/cbpe_nannyml.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from anchors import ROOT, anchor_python

OUT = ROOT / "tests" / "data" / "cbpe_nannyml.json"
METRICS = ["roc_auc", "f1", "accuracy", "precision", "recall", "specificity"]

# Runs under NannyML's Python; the data are those of tests/test_monitoring_cbpe.py (no RNG, so no numpy drift).
NANNYML = r"""
import json, sys, warnings
import numpy as np, pandas as pd, nannyml
warnings.simplefilter("ignore")

def data(n, offset, power):
    i = np.arange(offset, offset + n)
    p = (i * 0.6180339887498949) % 1.0
    y = ((i * 0.7548776662466927) % 1.0 < p).astype(int)
    return pd.DataFrame({"proba": p ** power, "pred": (p ** power >= 0.5).astype(int), "y": y})

out = {"nannyml": nannyml.__version__, "cases": {}}
for case, power in (("calibrated", 1.0), ("needs_calibration", 2.0)):
    reference, analysis = data(5000, 1, power), data(5000, 20001, power)
    estimator = nannyml.CBPE(
        y_pred_proba="proba", y_pred="pred", y_true="y", metrics=METRICS, problem_type="classification_binary",
        chunk_size=5000,
    )
    estimator.fit(reference)
    frame = estimator.estimate(analysis.drop(columns="y")).filter(period="analysis").to_df()
    out["cases"][case] = {
        "calibrated_by_nannyml": bool(estimator.needs_calibration),
        "estimates": {m: float(frame[(m, "value")].iloc[0]) for m in METRICS},
    }
print(json.dumps(out))
""".replace("METRICS", repr(METRICS))


def main() -> int:
    python = anchor_python("nannyml", ["nannyml==0.13.1", "statsmodels"])  # nannyml imports statsmodels undeclared
    run = subprocess.run([python, "-c", NANNYML], capture_output=True, text=True, check=True)
    document = json.loads(run.stdout)
    OUT.write_text(json.dumps(document, indent=2) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)} (NannyML {document['nannyml']})")
    for case, values in document["cases"].items():
        print(f"  {case}: " + ", ".join(f"{m} {v:.4f}" for m, v in values["estimates"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
