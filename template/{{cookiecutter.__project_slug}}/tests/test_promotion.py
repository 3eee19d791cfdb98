"""Continuous training's gate (mltest monitoring family): the retrained model is not worse than
the model in production on the same test rows (`mltest.assert_no_regression`, a paired
bootstrap), by more than `monitoring.promotion_margin` in `monitoring.promotion_metric`.

The continuous-training workflow runs the tests with MODEL_UNDER_TEST (the candidate, from
`dvc repro --force`) and PRODUCTION_MODEL (the model the repository held before); every other
test then checks the candidate too, the fairness tests included. Without PRODUCTION_MODEL this
test is skipped.
"""

from __future__ import annotations

import os

import mltest
import pytest

from {{ cookiecutter.package_name }}.features import split_xy
from {{ cookiecutter.package_name }}.train import load_model

pytestmark = pytest.mark.monitoring

PRODUCTION_MODEL = os.environ.get("PRODUCTION_MODEL")


@pytest.mark.skipif(not PRODUCTION_MODEL, reason="no PRODUCTION_MODEL to compare with")
def test_the_candidate_is_not_worse_than_the_model_in_production(model, test_data, params):
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
