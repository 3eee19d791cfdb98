"""The model the pipeline made is fresh enough (mltest monitoring family): trained less than
`monitoring.max_model_age_days` (params.yaml) ago. Its training time is in
models/model.joblib.meta.json, which the `train` stage writes and git keeps.

The age counts from the last training: a model that `dvc repro` restores unchanged from the
cache keeps its age. When this fails, retrain (`dvc repro --force`, or the continuous-training
workflow) and promote the new model; see DEPLOYMENT.md, "When monitoring fires".
"""

from __future__ import annotations

import mltest
import pytest
from conftest import ROOT

pytestmark = pytest.mark.monitoring

MODEL = ROOT / "models" / "model.joblib"
METADATA = ROOT / "models" / "model.joblib.meta.json"


def test_the_model_is_fresh_enough(params):
    if not METADATA.exists():
        pytest.skip(f"no {METADATA.relative_to(ROOT)}: run `make repro` first")
    max_age = f"{params['monitoring']['max_model_age_days']}d"
    mltest.assert_model_fresh(MODEL, max_age=max_age, metadata=METADATA)
