"""assert_learns: the estimator beats a dummy baseline on held-out rows.

The baseline and the default metric follow the task: ``DummyClassifier(strategy="prior")``
scored by balanced accuracy for binary and multiclass classifiers (it scores 1/K for K classes),
``DummyRegressor()`` scored by R² for regressors (it scores about 0).
"""

from __future__ import annotations

from typing import Any

from mltest import _settings, _validation
from mltest._message import compose
from mltest.errors import invalid_argument
from mltest.report import CheckResult
from mltest.training._common import fail, reproduce, succeed
from mltest.training._estimators import (
    check_estimator,
    check_xy,
    estimator_name,
    fit_clone,
    index_mismatch,
    n_rows,
    scorer_for,
    split,
    task,
)
from mltest.training._estimators import (
    score as score_model,
)

__all__ = ["DEFAULT_METRICS", "assert_learns"]

#: The metric assert_learns scores with when ``scoring`` is not given, by task.
DEFAULT_METRICS = {"binary": "balanced_accuracy", "multiclass": "balanced_accuracy", "regression": "r2"}


def _test_size(test_size: Any, n: int) -> float | int:
    _validation.number("test_size", test_size)
    if not (0 < test_size < 1 or (isinstance(test_size, int) and 1 <= test_size < n)):
        raise invalid_argument("test_size", test_size, f"a fraction in (0, 1) or a number of rows from 1 to {n - 1}")
    return test_size


def assert_learns(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    margin: float | None = None,
    scoring: Any = None,
    test_size: float = 0.25,
    seed: int | None = None,
) -> CheckResult:
    """Assert that the estimator beats a dummy baseline on held-out data by ``margin``.

    The data is split (stratified for classifiers) with ``test_size`` held out; a clone of
    ``estimator`` and a ``DummyClassifier(strategy="prior")`` or ``DummyRegressor()`` are
    fitted on the rest and scored with ``scoring`` (default: ``"balanced_accuracy"`` for
    binary and multiclass classifiers, where the baseline scores 1/K for K classes, and
    ``"r2"`` for regressors, where it scores about 0). ``margin`` defaults to the
    ``learns_margin`` setting (0.05). ``seed`` fixes the split (default: the ``seed`` setting,
    which the pytest plugin sets from ``--mltest-seed``).
    """
    from sklearn.dummy import DummyClassifier, DummyRegressor

    check_estimator(estimator)
    n, y_array = check_xy(X, y)
    margin = _validation.number("margin", _settings.get("learns_margin") if margin is None else margin)
    seed = _settings.resolve_seed(seed)
    test_size = _test_size(test_size, n)
    kind = task(estimator, y_array)
    scorer, metric = scorer_for(scoring, DEFAULT_METRICS[kind])
    classifier = kind != "regression"
    X_train, X_test, y_train, y_test = split(X, y, size=test_size, stratify=classifier, seed=seed, train=False)
    model = fit_clone(estimator, X_train, y_train)
    baseline = DummyClassifier(strategy="prior") if classifier else DummyRegressor(strategy="mean")
    baseline.fit(X_train, y_train)
    score = score_model(scorer, metric, model, X_test, y_test)
    baseline_score = float(scorer(baseline, X_test, y_test))
    n_test = n_rows("X_test", X_test)
    name, baseline_name = estimator_name(estimator), type(baseline).__name__
    figures = {
        "task": kind,
        "metric": metric,
        "score": score,
        "baseline_score": baseline_score,
        "margin": margin,
        "n_train": n - n_test,
        "n_test": n_test,
        "seed": seed,
    }
    table = [{"model": name, metric: score}, {"model": f"{baseline_name} (baseline)", metric: baseline_score}]
    if score >= baseline_score + margin:
        message = (
            f"assert_learns: {name} scored {metric}={score:.4g} on {n_test} held-out rows (seed={seed}), "
            f"{score - baseline_score:+.4g} over the {baseline_name} baseline ({baseline_score:.4g}); "
            f"required margin {margin:g}"
        )
        return succeed("assert_learns", message, figures, table)
    return fail("assert_learns", _failure(figures, table, index_mismatch(X, y), name, baseline_name), figures, table)


def _failure(
    figures: dict[str, Any], table: list[dict[str, Any]], misaligned: bool, name: str, baseline_name: str
) -> str:
    metric, score, baseline_score = figures["metric"], figures["score"], figures["baseline_score"]
    margin, seed = figures["margin"], figures["seed"]
    causes = []
    if misaligned:
        causes.append(
            "X and y have different row labels (pandas indexes): the labels were probably shuffled, "
            "filtered or re-indexed apart from the features, so they no longer belong to their rows"
        )
    causes += [
        "features and labels are misaligned (shuffled, sorted or filtered separately)",
        "the model never sees the informative features (a ColumnTransformer that drops them, "
        "remainder='drop', a constant or all-missing column)",
        "the model is too constrained to learn (very strong regularisation, max_depth=1, too few iterations)",
        "the features carry little signal about the target",
    ]
    gap = score - baseline_score
    relation = f"only {gap:.4g} above" if gap >= 0 else f"{-gap:.4g} below"
    return compose(
        f"assert_learns: {name} scored {metric}={score:.4g} on {figures['n_test']} held-out rows (seed={seed}), "
        f"{relation} the {baseline_name} baseline ({baseline_score:.4g}); "
        f"required: at least {baseline_score + margin:.4g} (margin {margin:g}).",
        evidence=[f"{row['model']}: {metric}={row[metric]:.4g}" for row in table],
        causes=causes,
        fixes=[
            "check that row i of X and row i of y describe the same sample",
            "fit the model on a handful of rows and look at what it predicts (see assert_can_overfit)",
            "loosen regularisation or give the model more capacity",
        ],
        reproduce=reproduce(seed),
        waive="pass margin= a smaller number (margin=0 only asks to match the baseline), or set "
        "learns_margin under [tool.mltest]; or pass scoring= a metric that suits the problem.",
    )
