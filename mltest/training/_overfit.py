"""assert_can_overfit: the estimator learns a small sample by heart."""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest import _settings
from mltest.report import CheckResult
from mltest.training._common import check_number, fail, health_message, succeed
from mltest.training._estimators import (
    EXAMPLES,
    call,
    check_estimator,
    check_xy,
    estimator_name,
    fit_clone,
    is_classifier,
    n_rows,
    row_label,
    scalar,
    scorer_for,
    split,
)

__all__ = ["assert_can_overfit"]


def assert_can_overfit(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    n_samples: int = 20,
    min_score: float = 0.95,
    scoring: Any = None,
    seed: int | None = None,
) -> CheckResult:
    """Assert that the estimator learns a tiny sample by heart: fitted on ``n_samples`` rows,
    it scores at least ``min_score`` on those same rows.

    ``scoring`` defaults to ``"accuracy"`` for classifiers and ``"r2"`` for regressors. A model
    that cannot fit 20 rows cannot learn the full data either: the features do not reach it,
    or it is far too constrained. ``seed`` picks the sample (default: the ``seed`` setting).
    """
    check_estimator(estimator)
    n, y_array = check_xy(X, y)
    check_number("n_samples", n_samples, low=2, integer=True)
    check_number("min_score", min_score)
    seed = _settings.resolve_seed(seed)
    classifier = is_classifier(estimator, y_array)
    scorer, metric = scorer_for(scoring, "accuracy" if classifier else "r2")
    if n_samples < n:
        X_small, _, y_small, _ = split(X, y, size=n_samples, classifier=classifier, seed=seed, train=True)
    else:
        X_small, y_small = X, y
    model = fit_clone(estimator, X_small, y_small)
    score = float(scorer(model, X_small, y_small))
    size = n_rows("X", X_small)
    name = estimator_name(estimator)
    figures = {"metric": metric, "score": score, "min_score": min_score, "n_samples": size, "seed": seed}
    rows = f"the {size} rows it was fitted on" + (f" (seed={seed})" if n_samples < n else "")
    predicted = call(model, "predict", X_small, "estimator")
    truth = np.asarray(y_small)
    table = []
    if classifier and predicted.shape == truth.shape:
        for position in np.flatnonzero(predicted != truth)[:EXAMPLES]:
            table.append(
                {
                    "row": row_label(X_small, position),
                    "y": scalar(truth[position]),
                    "predicted": scalar(predicted[position]),
                }
            )
    if score >= min_score:
        message = f"assert_can_overfit: {name} scored {metric}={score:.4g} on {rows} (required {min_score:g})"
        return succeed("assert_can_overfit", message, figures, table)
    evidence = [f"row {r['row']}: y={r['y']!r}, predicted {r['predicted']!r}" for r in table]
    message = health_message(
        f"assert_can_overfit: {name} scored {metric}={score:.4g} on {rows}; "
        f"required: at least {min_score:g}. A model that cannot learn {size} rows by heart will not "
        "learn the full data.",
        evidence=([f"{int(np.sum(predicted != truth))} of {size} rows predicted wrong, for example:", *evidence])
        if evidence
        else [],
        causes=[
            "the model ignores its input: the features are dropped or constant before they reach it",
            "strong regularisation or too little capacity (small C, large alpha, max_depth=1, few iterations)",
            "identical rows with different labels in the sample",
            "labels shuffled or re-indexed apart from the features",
        ],
        fixes=[
            "fit on the same rows with regularisation off and inspect the predictions",
            "check the preprocessing output: does it still vary from row to row?",
        ],
        silence="pass min_score= a lower score, or n_samples= a smaller sample.",
    )
    return fail("assert_can_overfit", message, figures, table)
