"""Continuous training's gate (mltest monitoring family): the retrained model is not worse than
the model in production on the same test rows (`mltest.assert_no_regression`, a paired
bootstrap), by more than `monitoring.promotion_margin` in `monitoring.promotion_metric`.

The continuous-training workflow runs the tests with MODEL_UNDER_TEST (the candidate, from
`dvc repro --force`) and PRODUCTION_MODEL (the model the repository held before); every other
test then checks the candidate too, the fairness tests included. Without PRODUCTION_MODEL (a
plain `make test`), the model these tests train is compared with the pipeline's model file,
models/model.joblib: a change to the code or to params.yaml that makes a worse model fails here
before it reaches `dvc repro`.
"""

from __future__ import annotations

import os

import mltest
import pytest
from conftest import ROOT

from {{ cookiecutter.package_name }}.features import split_xy
from {{ cookiecutter.package_name }}.train import load_model

pytestmark = pytest.mark.monitoring

PRODUCTION_MODEL = ROOT / os.environ.get("PRODUCTION_MODEL", "models/model.joblib")


def test_the_candidate_is_not_worse_than_the_model_in_production(model, test_data, params):
    if not PRODUCTION_MODEL.exists():
        pytest.skip(f"no {PRODUCTION_MODEL.name} to compare with: run `make repro` first")
    features, target = split_xy(test_data, params)
    production = load_model(PRODUCTION_MODEL)
    section = params["monitoring"]
    mltest.assert_no_regression(
        model,
        production,
        features,
        target,
        metric=section["promotion_metric"],
        margin=section["promotion_margin"],
    )
