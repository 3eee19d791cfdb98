"""Training-sanity checks for scikit-learn style estimators.

Every check fits *clones* of the estimator (:func:`sklearn.base.clone`), so the estimator the
user passes is left as it was: unfitted if it was unfitted, with its parameters untouched.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from mltest import _settings
from mltest.errors import invalid_argument, invalid_type
from mltest.report import CheckResult
from mltest.training._common import check_number, fail, health_message, seeded, succeed

__all__ = [
    "assert_can_overfit",
    "assert_deterministic",
    "assert_fit_preserves_input",
    "assert_learns",
    "assert_valid_predictions",
]

_EXAMPLES = 5  # rows of evidence shown in a message


# ---------------------------------------------------------------------------------------------
# helpers


def _check_estimator(estimator: Any) -> None:
    if isinstance(estimator, type):
        raise invalid_type("estimator", estimator, f"an estimator instance such as {estimator.__name__}(), not a class")
    if not (callable(getattr(estimator, "fit", None)) and callable(getattr(estimator, "predict", None))):
        raise invalid_type("estimator", estimator, "a scikit-learn style estimator with fit and predict methods")


def _n_rows(name: str, data: Any) -> int:
    if data is None or isinstance(data, (str, bytes)) or not hasattr(data, "__len__"):
        raise invalid_type(name, data, "array-like data with one row per sample (numpy, pandas, a list)")
    shape = getattr(data, "shape", None)
    return int(shape[0]) if shape is not None and len(shape) else len(data)


def _check_xy(X: Any, y: Any) -> tuple[int, np.ndarray]:
    n = _n_rows("X", X)
    m = _n_rows("y", y)
    if n != m:
        raise invalid_argument("y", f"<{m} rows>", f"as many rows as X ({n})")
    if n < 2:
        raise invalid_argument("X", f"<{n} rows>", "at least 2 rows")
    return n, np.asarray(y)


def _is_classifier(estimator: Any, y: np.ndarray) -> bool:
    from sklearn.base import is_classifier, is_regressor
    from sklearn.utils.multiclass import type_of_target

    if is_classifier(estimator):
        return True
    if is_regressor(estimator):
        return False
    return type_of_target(y) in ("binary", "multiclass")


def _name(estimator: Any) -> str:
    steps = getattr(estimator, "steps", None)
    if steps:  # a Pipeline: name its final estimator, which is what learns
        return f"Pipeline(... {type(steps[-1][1]).__name__})"
    return type(estimator).__name__


def _scorer(scoring: Any, default: str) -> tuple[Any, str]:
    from sklearn.metrics import get_scorer, get_scorer_names

    if scoring is None:
        scoring = default
    if isinstance(scoring, str):
        try:
            return get_scorer(scoring), scoring
        except ValueError:
            raise invalid_argument(
                "scoring", scoring, "a scikit-learn scorer name or a callable", choices=get_scorer_names()
            ) from None
    if callable(scoring):
        return scoring, getattr(scoring, "__name__", type(scoring).__name__)
    raise invalid_type("scoring", scoring, "a scikit-learn scorer name (such as 'accuracy') or a callable")


def _split(X: Any, y: Any, *, size: float | int, classifier: bool, seed: int, train: bool) -> list[Any]:
    from sklearn.model_selection import train_test_split

    key = "train_size" if train else "test_size"
    if classifier:
        try:
            return train_test_split(X, y, stratify=y, random_state=seed, **{key: size})
        except ValueError:
            pass  # a class too small to stratify: fall back to a plain split
    return train_test_split(X, y, random_state=seed, **{key: size})


def _index_mismatch(X: Any, y: Any) -> bool:
    """Whether X and y are pandas objects whose row labels disagree (a classic misalignment)."""
    x_index, y_index = getattr(X, "index", None), getattr(y, "index", None)
    if x_index is None or y_index is None or not hasattr(x_index, "equals"):
        return False
    return not x_index.equals(y_index)


# What an estimator's own fit or predict raises on data it cannot take (strings in a numeric
# model, other feature names, NotFittedError, ...): reported as a bad argument, in one line.
_MODEL_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, RuntimeError)


def _one_line(error: BaseException, limit: int = 300) -> str:
    text = " ".join(str(error).split())
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _fit_clone(estimator: Any, X: Any, y: Any) -> Any:
    from sklearn.base import clone

    model = clone(estimator)
    try:
        return model.fit(X, y)
    except _MODEL_ERRORS as error:
        raise invalid_argument(
            "estimator",
            estimator,
            f"an estimator that can be fitted on X and y; {type(model).__name__}.fit raised {_one_line(error)}",
        ) from error


def _call(model: Any, method: str, X: Any, name: str) -> np.ndarray:
    """``model.<method>(X)`` as an array; an error of the model names the argument ``name``."""
    try:
        return np.asarray(getattr(model, method)(X))
    except _MODEL_ERRORS as error:
        value = model if name == "estimator" else X
        raise invalid_argument(
            name,
            value,
            f"rows the fitted estimator can predict; {type(model).__name__}.{method} raised {_one_line(error)}",
        ) from error


def _predictions(model: Any, X: Any, name: str = "estimator") -> np.ndarray:
    """The richest output of a fitted model: probabilities when it has them, else predictions."""
    try:
        predict_proba = model.predict_proba
    except AttributeError:
        predict_proba = None
    return _call(model, "predict_proba" if callable(predict_proba) else "predict", X, name)


def _row_label(X: Any, position: int) -> Any:
    index = getattr(X, "index", None)
    return _scalar(index[position]) if index is not None else int(position)


# ---------------------------------------------------------------------------------------------
# assert_learns


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
    classifiers, where the baseline scores 0.5, and ``"r2"`` for regressors, where it scores
    about 0). ``margin`` defaults to the ``learns_margin`` setting (0.05). ``seed`` fixes the
    split (default: the ``seed`` setting, which the pytest plugin sets from ``--mltest-seed``).
    """
    from sklearn.dummy import DummyClassifier, DummyRegressor

    _check_estimator(estimator)
    n, y_array = _check_xy(X, y)
    margin = check_number("margin", _settings.get("learns_margin") if margin is None else margin)
    seed = _settings.resolve_seed(seed)
    check_number("test_size", test_size)
    if not (0 < test_size < 1 or (isinstance(test_size, int) and 1 <= test_size < n)):
        raise invalid_argument("test_size", test_size, f"a fraction in (0, 1) or a number of rows from 1 to {n - 1}")
    classifier = _is_classifier(estimator, y_array)
    scorer, metric = _scorer(scoring, "balanced_accuracy" if classifier else "r2")
    X_train, X_test, y_train, y_test = _split(X, y, size=test_size, classifier=classifier, seed=seed, train=False)
    model = _fit_clone(estimator, X_train, y_train)
    baseline = DummyClassifier(strategy="prior") if classifier else DummyRegressor(strategy="mean")
    baseline.fit(X_train, y_train)
    score = float(scorer(model, X_test, y_test))
    baseline_score = float(scorer(baseline, X_test, y_test))
    n_test = _n_rows("X_test", X_test)
    name, baseline_name = _name(estimator), type(baseline).__name__
    figures = {
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
    causes = []
    if _index_mismatch(X, y):
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
    message = health_message(
        f"assert_learns: {name} scored {metric}={score:.4g} on {n_test} held-out rows (seed={seed}), {relation} the "
        f"{baseline_name} baseline ({baseline_score:.4g}); "
        f"required: at least {baseline_score + margin:.4g} (margin {margin:g}).",
        evidence=[f"{row['model']}: {metric}={row[metric]:.4g}" for row in table],
        causes=causes,
        fixes=[
            "check that row i of X and row i of y describe the same sample",
            "fit the model on a handful of rows and look at what it predicts (see assert_can_overfit)",
            "loosen regularisation or give the model more capacity",
        ],
        silence="pass margin= a smaller number (margin=0 only asks to match the baseline), or set "
        "learns_margin under [tool.mltest]; or pass scoring= a metric that suits the problem.",
    )
    return fail("assert_learns", message, figures, table)


# ---------------------------------------------------------------------------------------------
# assert_can_overfit


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
    _check_estimator(estimator)
    n, y_array = _check_xy(X, y)
    check_number("n_samples", n_samples, low=2, integer=True)
    check_number("min_score", min_score)
    seed = _settings.resolve_seed(seed)
    classifier = _is_classifier(estimator, y_array)
    scorer, metric = _scorer(scoring, "accuracy" if classifier else "r2")
    if n_samples < n:
        X_small, _, y_small, _ = _split(X, y, size=n_samples, classifier=classifier, seed=seed, train=True)
    else:
        X_small, y_small = X, y
    model = _fit_clone(estimator, X_small, y_small)
    score = float(scorer(model, X_small, y_small))
    size = _n_rows("X", X_small)
    name = _name(estimator)
    figures = {"metric": metric, "score": score, "min_score": min_score, "n_samples": size, "seed": seed}
    rows = f"the {size} rows it was fitted on" + (f" (seed={seed})" if n_samples < n else "")
    predicted = _call(model, "predict", X_small, "estimator")
    truth = np.asarray(y_small)
    table = []
    if classifier and predicted.shape == truth.shape:
        for position in np.flatnonzero(predicted != truth)[:_EXAMPLES]:
            table.append(
                {
                    "row": _row_label(X_small, position),
                    "y": _scalar(truth[position]),
                    "predicted": _scalar(predicted[position]),
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


# ---------------------------------------------------------------------------------------------
# assert_deterministic


def _unset_random_states(estimator: Any) -> list[str]:
    try:
        params = estimator.get_params(deep=True)
    except Exception:  # not a scikit-learn estimator: nothing to list
        return []
    return sorted(k for k, v in params.items() if k.split("__")[-1] == "random_state" and v is None)


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
    _check_estimator(estimator)
    _check_xy(X, y)
    seed = _settings.resolve_seed(seed)
    check_number("atol", atol, low=0)
    predict_name = "estimator" if X_predict is None else "X_predict"
    X_predict = X if X_predict is None else X_predict
    n = _n_rows("X_predict", X_predict)
    runs = []
    for _ in range(2):
        with seeded(seed):
            runs.append(_predictions(_fit_clone(estimator, X, y), X_predict, predict_name))
    first, second = runs
    name = _name(estimator)
    unset = _unset_random_states(estimator)
    if first.shape != second.shape:
        differing = np.arange(n)
        max_difference = float("inf")
    elif np.issubdtype(first.dtype, np.number) and np.issubdtype(second.dtype, np.number):
        gap = np.abs(first.astype(float) - second.astype(float))
        gap = np.where(np.isnan(first) & np.isnan(second), 0.0, gap)
        gap = np.nan_to_num(gap, nan=np.inf)
        row_gap = gap.reshape(len(gap), -1).max(axis=1) if gap.size else gap
        differing = np.flatnonzero(row_gap > atol)
        max_difference = float(row_gap.max()) if row_gap.size else 0.0
    else:
        unequal = first != second
        row_unequal = unequal.reshape(len(unequal), -1).any(axis=1)
        differing = np.flatnonzero(row_unequal)
        max_difference = float(len(differing) > 0)
    figures = {
        "seed": seed,
        "rows": n,
        "rows_differing": len(differing),
        "max_difference": max_difference,
        "atol": atol,
    }
    if unset:
        figures["unset_random_state"] = ", ".join(unset)
    if not len(differing):
        message = f"assert_deterministic: two fits of {name} with seed {seed} gave the same predictions on {n} rows"
        return succeed("assert_deterministic", message, figures)
    table = (
        [
            {"row": _row_label(X_predict, i), "first fit": first[i].tolist(), "second fit": second[i].tolist()}
            for i in differing[:_EXAMPLES]
        ]
        if first.shape == second.shape
        else []
    )
    causes = [
        "the estimator draws randomness that the seed does not reach: np.random.default_rng() or "
        "random.Random() without a seed, os.urandom, the clock, or a generator created inside fit",
        "iteration over a set or dict of strings, whose order changes with PYTHONHASHSEED",
        "parallel reductions whose floating-point order changes (n_jobs > 1, threaded BLAS)",
    ]
    if unset:
        causes.append(f"random_state left to None for {', '.join(unset)}: pass an integer")
    message = health_message(
        f"assert_deterministic: two fits of {name} with the same seed ({seed}) disagree on "
        f"{len(differing)} of {n} rows (largest difference {max_difference:.4g}, atol {atol:g}).",
        evidence=[f"row {r['row']}: {r['first fit']} then {r['second fit']}" for r in table],
        causes=causes,
        fixes=[
            "take every random number from a generator built from random_state (sklearn.utils.check_random_state)",
            "pass an integer random_state to every step of the pipeline",
        ],
        silence="pass atol= the difference you accept, for randomness you cannot control.",
    )
    return fail("assert_deterministic", message, figures, table)


# ---------------------------------------------------------------------------------------------
# assert_valid_predictions


def assert_valid_predictions(
    estimator: Any, X: Any, y: Any, *, X_predict: Any = None, atol: float = 1e-6
) -> CheckResult:
    """Assert that a fitted clone predicts well-formed values on ``X_predict`` (default ``X``).

    Checked: one prediction per row in the shape of ``y``; numeric predictions finite; for
    classifiers, predicted labels among the classes of ``y`` and ``classes_`` equal to them;
    ``predict_proba`` (when present) of shape ``(rows, classes)``, finite, in [0, 1], each row
    summing to 1 within ``atol``.
    """
    _check_estimator(estimator)
    _, y_array = _check_xy(X, y)
    check_number("atol", atol, low=0)
    predict_name = "estimator" if X_predict is None else "X_predict"
    X_predict = X if X_predict is None else X_predict
    n = _n_rows("X_predict", X_predict)
    classifier = _is_classifier(estimator, y_array)
    model = _fit_clone(estimator, X, y)
    name = _name(estimator)
    problems: list[dict[str, Any]] = []

    def problem(check: str, observed: str, expected: str) -> None:
        problems.append({"check": check, "observed": observed, "expected": expected})

    predicted = _call(model, "predict", X_predict, predict_name)
    expected_shape = (n, *y_array.shape[1:])
    if predicted.shape != expected_shape and not (predicted.shape == (n, 1) and y_array.ndim == 1):
        problem("predict shape", f"shape {predicted.shape}", f"shape {expected_shape}, one prediction per row")
    if np.issubdtype(predicted.dtype, np.number) and not np.issubdtype(predicted.dtype, np.bool_):
        bad = ~np.isfinite(predicted.astype(float))
        if bad.any():
            first = np.flatnonzero(bad.reshape(len(bad), -1).any(axis=1))[0] if bad.ndim else 0
            problem(
                "predict finite",
                f"{int(bad.sum())} NaN or infinite values (first in row {_row_label(X_predict, first)})",
                "finite values",
            )
    classes = np.unique(y_array) if classifier and y_array.ndim == 1 else None
    if classes is not None:
        unknown, counts = np.unique(predicted[~np.isin(predicted, classes)], return_counts=True)
        if len(unknown):
            listed = ", ".join(f"{_scalar(u)!r} ({c} rows)" for u, c in zip(unknown[:_EXAMPLES], counts, strict=False))
            problem("predicted labels", f"labels never seen in y: {listed}", f"labels among {classes.tolist()}")
        model_classes = getattr(model, "classes_", None)
        if model_classes is not None and not np.array_equal(np.asarray(model_classes), classes):
            problem(
                "classes_", f"classes_={np.asarray(model_classes).tolist()}", f"the classes of y, {classes.tolist()}"
            )
        try:
            predict_proba = model.predict_proba
        except AttributeError:
            predict_proba = None
        if callable(predict_proba):
            proba = _call(model, "predict_proba", X_predict, predict_name).astype(float)
            if proba.shape != (n, len(classes)):
                problem(
                    "predict_proba shape", f"shape {proba.shape}", f"shape {(n, len(classes))}, one column per class"
                )
            else:
                finite = np.isfinite(proba)
                if not finite.all():
                    problem(
                        "predict_proba finite", f"{int((~finite).sum())} NaN or infinite probabilities", "finite values"
                    )
                outside = finite & ((proba < 0) | (proba > 1))
                if outside.any():
                    row = np.flatnonzero(outside.any(axis=1))[0]
                    problem(
                        "predict_proba range",
                        f"{int(outside.sum())} probabilities outside [0, 1], from {np.nanmin(proba):.4g} to "
                        f"{np.nanmax(proba):.4g} (row {_row_label(X_predict, row)}: "
                        f"{np.round(proba[row], 4).tolist()})",
                        "values in [0, 1]",
                    )
                sums = proba.sum(axis=1)
                off = np.flatnonzero(~(np.abs(sums - 1) <= atol))
                if len(off):
                    row = off[np.argmax(np.nan_to_num(np.abs(sums[off] - 1), nan=np.inf))]
                    problem(
                        "predict_proba sums",
                        f"{len(off)} rows do not sum to 1 (row {_row_label(X_predict, row)} sums to {sums[row]:.6g})",
                        f"each row summing to 1 within {atol:g}",
                    )
    figures = {"rows": n, "problems": len(problems), "classifier": classifier}
    if not problems:
        return succeed(
            "assert_valid_predictions",
            f"assert_valid_predictions: {name} predicted well-formed values for {n} rows",
            figures,
        )
    checks = {p["check"] for p in problems}
    causes = []
    if checks & {"predict_proba range", "predict_proba sums", "predict_proba finite"}:
        causes.append(
            "predict_proba returns scores rather than probabilities: a missing or doubled normalisation "
            "(softmax or division by the row sum), or a calibration step that breaks it"
        )
    if "predicted labels" in checks or "classes_" in checks:
        causes.append(
            "labels re-encoded between fit and predict (a LabelEncoder fitted twice, a hard-coded class "
            "list, an index returned instead of classes_[index])"
        )
    if "predict shape" in checks or "predict_proba shape" in checks:
        causes.append("predictions reshaped, transposed or computed for a different set of rows")
    if "predict finite" in checks:
        causes.append("a division by zero, log of zero or overflow in the model, or missing values reaching predict")
    message = health_message(
        f"assert_valid_predictions: {len(problems)} problem{'s' if len(problems) > 1 else ''} in what "
        f"{name} predicts for {n} rows.",
        evidence=[f"{p['check']}: {p['observed']}; expected {p['expected']}" for p in problems],
        causes=causes,
        fixes=["call predict and predict_proba on a few rows by hand and compare with y and classes_"],
        silence="pass atol= a larger tolerance for sums of probabilities; the other properties are "
        "contracts of the scikit-learn API that callers rely on.",
    )
    return fail("assert_valid_predictions", message, figures, problems)


# ---------------------------------------------------------------------------------------------
# assert_fit_preserves_input


def _scalar(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, for readable messages."""
    return value.item() if isinstance(value, np.generic) else value


def _changes(argument: str, before: Any, after: Any) -> list[dict[str, Any]]:
    """Rows describing how ``after`` differs from its copy ``before`` (empty when it does not)."""
    import pandas as pd

    if isinstance(before, pd.DataFrame) and isinstance(after, pd.DataFrame):
        rows = []
        if list(before.columns) != list(after.columns):
            added = [c for c in after.columns if c not in before.columns]
            removed = [c for c in before.columns if c not in after.columns]
            rows.append(
                {
                    "argument": argument,
                    "column": "(columns)",
                    "changed": len(added) + len(removed),
                    "example": f"added {added}, removed {removed}",
                }
            )
        if not before.index.equals(after.index):
            rows.append({"argument": argument, "column": "(index)", "changed": "", "example": "the row labels changed"})
        for column in [c for c in before.columns if c in after.columns]:
            rows += _changes(f"{argument}[{column!r}]", before[column], after[column])
        return rows
    if isinstance(before, pd.Series) and isinstance(after, pd.Series):
        rows = []
        if before.dtype != after.dtype:
            rows.append(
                {
                    "argument": argument,
                    "column": "(dtype)",
                    "changed": "",
                    "example": f"{before.dtype} -> {after.dtype}",
                }
            )
        if len(before) != len(after):
            rows.append(
                {
                    "argument": argument,
                    "column": "(length)",
                    "changed": "",
                    "example": f"{len(before)} -> {len(after)} rows",
                }
            )
            return rows
        a, b = before.to_numpy(), after.to_numpy()
        changed = ~((a == b) | (pd.isna(a) & pd.isna(b)))
        if changed.any():
            i = int(np.flatnonzero(changed)[0])
            rows.append(
                {
                    "argument": argument,
                    "column": "",
                    "changed": int(changed.sum()),
                    "example": f"row {before.index[i]!r}: {_scalar(a[i])!r} -> {_scalar(b[i])!r}",
                }
            )
        return rows
    a, b = np.asarray(before, dtype=object), np.asarray(after, dtype=object)
    if a.shape != b.shape:
        return [{"argument": argument, "column": "(shape)", "changed": "", "example": f"{a.shape} -> {b.shape}"}]
    changed = ~((a == b) | (pd.isna(a) & pd.isna(b)))
    if not changed.any():
        return []
    where = tuple(int(i) for i in np.argwhere(changed)[0])
    return [
        {
            "argument": argument,
            "column": "",
            "changed": int(changed.sum()),
            "example": f"at {where}: {_scalar(a[where])!r} -> {_scalar(b[where])!r}",
        }
    ]


def assert_fit_preserves_input(estimator: Any, X: Any, y: Any) -> CheckResult:
    """Assert that fitting the estimator does not modify ``X`` or ``y``.

    A clone is fitted on the caller's own objects, then they are compared cell by cell with
    copies taken beforehand (columns, index, dtypes and values; NaN equals NaN). A model that
    scales, fills or encodes its input in place corrupts the data of every later step.
    """
    _check_estimator(estimator)
    n, _ = _check_xy(X, y)
    X_before, y_before = copy.deepcopy(X), copy.deepcopy(y)
    _fit_clone(estimator, X, y)
    table = _changes("X", X_before, X) + _changes("y", y_before, y)
    name = _name(estimator)
    figures = {"rows": n, "changes": len(table)}
    if not table:
        return succeed(
            "assert_fit_preserves_input",
            f"assert_fit_preserves_input: fitting {name} left X and y as they were",
            figures,
        )
    evidence = [
        f"{row['argument']}{' ' + str(row['column']) if row['column'] else ''}: "
        f"{str(row['changed']) + ' cells changed, ' if row['changed'] != '' else ''}{row['example']}"
        for row in table[: 2 * _EXAMPLES]
    ]
    message = health_message(
        f"assert_fit_preserves_input: fitting {name} modified its input in {len(table)} place"
        f"{'s' if len(table) > 1 else ''}.",
        evidence=evidence,
        causes=[
            "a step writes into the data it was given: X[col] = ..., X.fillna(..., inplace=True), "
            "X -= X.mean(), np.log(X, out=X), X.drop(..., inplace=True)",
            "a FunctionTransformer or custom transformer that returns its input after changing it",
        ],
        fixes=["copy before changing (X = X.copy()) or build a new frame (X.assign(...))"],
        silence="none: there is no threshold. If the change is intended, fit on a copy yourself and "
        "do not call this check.",
    )
    return fail("assert_fit_preserves_input", message, figures, table)
