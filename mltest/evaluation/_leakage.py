"""``assert_no_target_leakage``: no single feature predicts the target about as well as the model.

A column computed from the target (a "days overdue" next to "defaulted", a copy of the label
under another name, an identifier assigned in label order) makes a model look excellent in
evaluation and useless in production. Each feature alone predicts the target here by its levels,
cross-validated (:mod:`mltest.evaluation._strength`): AUC for classes, R² for numbers. The check
fails when one feature reaches ``max_strength``, or comes within ``margin`` of the model's own
score on the same rows. (Rows shared by the train and test splits are another leak:
``mltest.assert_no_leakage`` of the schema family.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest import _settings, _validation
from mltest._message import compose, reproduce_with_seed
from mltest.errors import MltestError, invalid_argument
from mltest.evaluation._inputs import as_frame, as_vector, infer_task
from mltest.evaluation._slices import encode
from mltest.evaluation._stats import macro_auc
from mltest.evaluation._strength import Target, fold_ids, level_strength, target
from mltest.report import CheckResult, conclude

__all__ = ["assert_no_target_leakage"]

_SHOWN = 5
_DUPLICATE = 0.99  # a feature at least this strong is named a near-duplicate of the target
_IDENTIFIER = 0.9  # share of distinct values from which a whole-number or text column looks like an identifier


def _model_score(model: Any, X: Any, y: Target) -> float:
    """The model's AUC (classes) or R² (numbers) on ``X``, from its probabilities where it has them."""
    rows = len(y.codes if y.is_classes else y.values)
    proba_fn = getattr(model, "predict_proba", None)
    try:
        if y.is_classes and callable(proba_fn):
            output = np.asarray(proba_fn(X), dtype=float)
        elif callable(getattr(model, "predict", None)):
            output = np.asarray(model.predict(X))
        elif callable(model):
            output = np.asarray(model(X))
        else:
            output = np.asarray(model.to_numpy() if hasattr(model, "to_numpy") else model)
    except Exception as error:  # the user's model failed: name the call
        raise MltestError(f"model raised {type(error).__name__} on X: {' '.join(str(error).split())[:300]}") from error
    if len(output) != rows:
        raise invalid_argument("model", model, f"predictions for the {rows} rows of X (got {len(output)})")
    if not y.is_classes:
        predicted = output.astype(float).reshape(-1)
        spread = ((y.values - y.values.mean()) ** 2).sum()
        return float(1 - ((y.values - predicted) ** 2).sum() / spread)
    k = len(y.classes)
    if output.ndim == 2 and output.shape[1] == k:
        return macro_auc(y.codes, output)
    if output.ndim == 1 and k == 2 and output.dtype.kind == "f" and not np.isin(output, y.classes).all():
        return macro_auc(y.codes, np.stack([1 - output, output], axis=1))
    labels = as_vector("model", output, rows)
    one_hot = (labels[:, None] == np.asarray(y.classes, dtype=object)[None, :]).astype(float)
    return macro_auc(y.codes, one_hot)


def _identifier_like(frame: Any) -> set[str]:
    out = set()
    for name in frame.columns:
        column = frame[name]
        discrete = column.dtype.kind in "iuOSU" or str(column.dtype) in ("string", "str", "category")
        if discrete and column.nunique(dropna=True) >= _IDENTIFIER * len(column):
            out.add(str(name))
    return out


def _features(frame: Any, y: Target, *, folds: int, seed: int) -> list[dict[str, Any]]:
    fold = fold_ids(len(frame), folds, seed, strata=y.codes)
    identifiers = _identifier_like(frame)
    rows = []
    for column in encode(frame, bins=20, max_levels=50):
        if column.levels < 2:
            continue
        strength = level_strength(column, y, fold, folds)
        note = "near-duplicate of the target" if strength >= _DUPLICATE else ""
        if column.name in identifiers:
            note = "; ".join(filter(None, [note, "identifier-like (almost every value distinct)"]))
        rows.append({"feature": column.name, "strength": round(float(strength), 4), "note": note})
    rows.sort(key=lambda row: -row["strength"] if row["strength"] == row["strength"] else 1)
    return rows


def assert_no_target_leakage(
    X: Any,
    y: Any,
    *,
    model: Any = None,
    max_strength: float | None = None,
    margin: float | None = None,
    task: str | None = None,
    folds: int = 5,
    seed: int | None = None,
) -> CheckResult:
    """Fail when one feature of ``X`` alone predicts ``y`` too well: a sign that it leaks the target.

    Each feature predicts ``y`` from its levels alone (numbers cut into 20 quantile levels, up to
    50 categories), cross-validated over ``folds`` folds; the strength is the out-of-fold AUC
    (classes; one-vs-rest, averaged) or R² (regression). Fails when a feature's strength is at
    least ``max_strength`` (default ``evaluation_max_leakage_strength``, 0.95), or, with
    ``model`` (a fitted model, a callable or its predictions on ``X``), when it is within
    ``margin`` (default ``evaluation_leakage_margin``, 0.02) of the model's own AUC or R² on
    these rows: the model then adds almost nothing to that one column.
    """
    frame = as_frame("X", X)
    values = as_vector("y", y, len(frame))
    task = infer_task(values, task)
    limit = _settings.get("evaluation_max_leakage_strength") if max_strength is None else max_strength
    max_strength = _validation.number("max_strength", limit, low=0, high=1)
    margin = _validation.number(
        "margin", _settings.get("evaluation_leakage_margin") if margin is None else margin, low=0, high=1
    )
    folds = _validation.number("folds", folds, low=2, high=20, integer=True)
    y_target = target(values, as_classes=task != "regression")
    score = None if model is None else _model_score(model, X, y_target)
    used_seed = _settings.resolve_seed(seed)
    table = _features(frame, y_target, folds=folds, seed=used_seed)
    measure = "R²" if task == "regression" else "AUC"
    context = {"measure": measure, "max_strength": max_strength, "margin": margin, "folds": folds, "seed": used_seed}
    outcome, message = _message(table, score, context)
    figures = {
        "task": task,
        "measure": measure,
        "strongest": table[0]["strength"] if table else None,
        "max_strength": max_strength,
        "folds": folds,
        "seed": used_seed,
    }
    if score is not None:
        figures |= {"model_score": score, "margin": margin}
    result = CheckResult("evaluation", "assert_no_target_leakage", outcome, message, figures=figures, table=table)
    result.charts = [
        {
            "kind": "bar",
            "title": f"each feature alone predicting the target ({measure})",
            "label": "feature",
            "value": "strength",
        }
    ]
    return conclude(result)


def _leaks(row: dict[str, Any], score: float | None, context: dict[str, Any]) -> bool:
    strength = row["strength"]
    return strength > context["max_strength"] or (score is not None and strength >= score - context["margin"])


def _message(table: list[dict[str, Any]], score: float | None, context: dict[str, Any]) -> tuple[str, str]:
    measure, max_strength, margin, folds = (
        context["measure"],
        context["max_strength"],
        context["margin"],
        context["folds"],
    )
    if not table:
        return "passed", "assert_no_target_leakage passed: no feature has two distinct values"
    top = table[0]
    versus = f"max_strength {max_strength:g}"
    if score is not None:
        versus += f" and the model's {measure} {score:.3f} - margin {margin:g}"
    leaks = [row for row in table if _leaks(row, score, context)]
    if not leaks:
        return "passed", (
            f"assert_no_target_leakage passed: strongest single feature {measure} {top['strength']:.3f} "
            f"({top['feature']}) below {versus} (cross-validated, {folds} folds)"
        )
    worst = leaks[0]
    if worst["strength"] > max_strength:
        bound = f"> max_strength {max_strength:g}"
    else:
        bound = f">= the model's {measure} {score:.3f} - margin {margin:g}"
    verdict = (
        f"assert_no_target_leakage failed: {worst['feature']!r} alone predicts the target with {measure} "
        f"{worst['strength']:.3f} {bound}"
    )
    evidence = [
        f"{row['feature']}: {measure} {row['strength']:.3f}" + (f" ({row['note']})" if row["note"] else "")
        for row in leaks[:_SHOWN]
    ]
    if score is not None:
        evidence.append(f"the model: {measure} {score:.3f} on the same rows")
    evidence.append(f"(each feature alone, out-of-fold over {folds} folds)")
    message = compose(
        verdict,
        evidence=evidence,
        causes=[
            "the column is computed from the target or recorded after it is known (a status, a follow-up date)",
            "a copy of the label, or an identifier assigned in label order",
        ],
        fixes=[
            "drop the column, or rebuild it from what is known at prediction time",
            "if the feature is honestly that strong and known at prediction time, the model adds little to it: "
            "compare with a one-feature baseline",
        ],
        reproduce=reproduce_with_seed(context["seed"]) + " The folds depend on the seed.",
        waive=f"leave {worst['feature']!r} out of X (or pass max_strength=1.0"
        + (", margin=0" if score is not None else "")
        + ") if it is known at prediction time.",
    )
    return "failed", message
