"""assert_deterministic: two seeded fits give the same predictions."""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest import _settings, _validation
from mltest._message import compose
from mltest.report import CheckResult
from mltest.training._common import fail, reproduce, seeded, succeed
from mltest.training._estimators import (
    EXAMPLES,
    check_estimator,
    check_xy,
    estimator_name,
    fit_clone,
    n_rows,
    richest_predictions,
    row_label,
)

__all__ = ["assert_deterministic"]


def _unset_random_states(estimator: Any) -> list[str]:
    try:
        params = estimator.get_params(deep=True)
    except Exception:  # not a scikit-learn estimator: nothing to list
        return []
    return sorted(k for k, v in params.items() if k.split("__")[-1] == "random_state" and v is None)


def _differences(first: np.ndarray, second: np.ndarray, atol: float) -> tuple[np.ndarray, float]:
    """The rows where two runs' predictions differ by more than ``atol``, and the largest difference."""
    if first.shape != second.shape:
        return np.arange(len(first)), float("inf")
    if np.issubdtype(first.dtype, np.number) and np.issubdtype(second.dtype, np.number):
        gap = np.abs(first.astype(float) - second.astype(float))
        gap = np.where(np.isnan(first) & np.isnan(second), 0.0, gap)
        gap = np.nan_to_num(gap, nan=np.inf)
        row_gap = gap.reshape(len(gap), -1).max(axis=1) if gap.size else gap
        return np.flatnonzero(row_gap > atol), float(row_gap.max()) if row_gap.size else 0.0
    unequal = first != second
    differing = np.flatnonzero(unequal.reshape(len(unequal), -1).any(axis=1))
    return differing, float(len(differing) > 0)


def assert_deterministic(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    X_predict: Any = None,
    seed: int | None = None,
    atol: float = 0.0,
) -> CheckResult:
    """Assert that two fits with the same seed give the same predictions.

    Two clones are fitted on ``X, y``, each after seeding ``random`` and numpy's global
    generator with ``seed`` (default: the ``seed`` setting); their predictions (probabilities
    when the model has ``predict_proba``) on ``X_predict`` (default ``X``) must agree within
    ``atol``. The global random state is put back afterwards.
    """
    check_estimator(estimator)
    check_xy(X, y)
    seed = _settings.resolve_seed(seed)
    atol = _validation.number("atol", atol, low=0)
    predict_name = "estimator" if X_predict is None else "X_predict"
    X_predict = X if X_predict is None else X_predict
    n = n_rows("X_predict", X_predict)
    runs = []
    for _ in range(2):
        with seeded(seed):
            runs.append(richest_predictions(fit_clone(estimator, X, y), X_predict, predict_name))
    first, second = runs
    name = estimator_name(estimator)
    unset = _unset_random_states(estimator)
    differing, max_difference = _differences(first, second, atol)
    figures = {"seed": seed, "rows": n, "rows_differing": len(differing), "max_difference": max_difference}
    figures["atol"] = atol
    if unset:
        figures["unset_random_state"] = ", ".join(unset)
    if not len(differing):
        message = f"assert_deterministic: two fits of {name} with seed {seed} gave the same predictions on {n} rows"
        return succeed("assert_deterministic", message, figures)
    table = []
    if first.shape == second.shape:
        table = [
            {"row": row_label(X_predict, i), "first fit": first[i].tolist(), "second fit": second[i].tolist()}
            for i in differing[:EXAMPLES]
        ]
    causes = [
        "the estimator draws randomness that the seed does not reach: np.random.default_rng() or "
        "random.Random() without a seed, os.urandom, the clock, or a generator created inside fit",
        "iteration over a set or dict of strings, whose order changes with PYTHONHASHSEED",
        "parallel reductions whose floating-point order changes (n_jobs > 1, threaded BLAS)",
    ]
    if unset:
        causes.append(f"random_state left to None for {', '.join(unset)}: pass an integer")
    message = compose(
        f"assert_deterministic: two fits of {name} with the same seed ({seed}) disagree on "
        f"{len(differing)} of {n} rows (largest difference {max_difference:.4g}, atol {atol:g}).",
        evidence=[f"row {r['row']}: {r['first fit']} then {r['second fit']}" for r in table],
        causes=causes,
        fixes=[
            "take every random number from a generator built from random_state (sklearn.utils.check_random_state)",
            "pass an integer random_state to every step of the pipeline",
        ],
        reproduce=reproduce(seed),
        waive="pass atol= the difference you accept, for randomness you cannot control.",
    )
    return fail("assert_deterministic", message, figures, table)
