"""``assert_no_proxies``: no feature, alone or with the others, stands in for a sensitive attribute.

Leaving ``sex`` out of a model ("fairness through unawareness") does not stop the model from
using it when another column carries the same information: a relationship status of
Husband/Wife, a first name, a title. The check predicts each sensitive attribute from the
other features and fails when they do it too well: each feature alone (cross-validated level
shares, :mod:`mltest.evaluation._strength`) and all of them together (a cross-validated
logistic regression, which needs scikit-learn).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest import _settings, _validation
from mltest._message import compose, reproduce_with_seed
from mltest.evaluation._inputs import as_frame, as_vector, require_sklearn
from mltest.evaluation._slices import encode
from mltest.evaluation._strength import fold_ids, joint_auc, level_strength, target
from mltest.report import CheckResult, conclude

__all__ = ["assert_no_proxies"]

TOGETHER = "all features together"
_SHOWN = 5


def _sensitive(X: Any, sensitive_features: Any) -> tuple[Any, Any]:
    """(features, sensitive frame): named columns are taken out of ``X``; other values are extra columns."""
    import pandas as pd

    if isinstance(sensitive_features, (str, list, tuple)) and not isinstance(sensitive_features, bytes):
        names = _validation.columns("sensitive_features", sensitive_features, list(X.columns))
        return X.drop(columns=names), X[names]
    if _validation.frame_kind(sensitive_features) != "other":
        frame = as_frame("sensitive_features", sensitive_features)
        if len(frame) != len(X):
            raise _length_error(sensitive_features, len(X), len(frame))
        return X, frame.reset_index(drop=True).set_axis(X.index)
    name = getattr(sensitive_features, "name", None) or "sensitive"
    values = as_vector("sensitive_features", sensitive_features, len(X))
    return X, pd.DataFrame({name: values}, index=X.index)


def _length_error(value: Any, rows: int, got: int) -> Exception:
    from mltest.errors import invalid_argument

    return invalid_argument("sensitive_features", value, f"{rows} rows, one per row of X (got {got})")


def _strengths(features: Any, sensitive: Any, *, together: bool, folds: int, seed: int) -> list[dict[str, Any]]:
    """One row per (sensitive attribute, feature), plus one for all features together."""
    coded = [c for c in encode(features, bins=10, max_levels=20) if c.levels > 1]
    rows = []
    for name in sensitive.columns:
        groups = encode(sensitive[[name]], bins=5, max_levels=20)[0]
        y = target(groups.codes, as_classes=True)
        fold = fold_ids(len(features), folds, seed, strata=y.codes)
        numeric = groups.predicates[0].startswith(f"{name} <= ")
        described = f"{name} ({groups.levels} quantile groups)" if numeric else str(name)
        if len(y.classes) < 2:
            continue
        found = [
            {"sensitive": described, "feature": c.name, "strength": level_strength(c, y, fold, folds)} for c in coded
        ]
        found.sort(key=lambda row: -row["strength"])
        if together and coded:
            strength = joint_auc(coded, y, fold, folds)
            found.insert(0, {"sensitive": described, "feature": TOGETHER, "strength": strength})
        rows += found
    for row in rows:
        row["strength"] = round(float(row["strength"]), 4)
    return rows


def assert_no_proxies(
    X: Any,
    sensitive_features: Any,
    *,
    max_strength: float | None = None,
    together: bool = True,
    folds: int = 5,
    seed: int | None = None,
) -> CheckResult:
    """Fail when the features of ``X`` predict a sensitive attribute with a cross-validated AUC above ``max_strength``.

    ``sensitive_features`` names columns of ``X`` (they are left out of the predictors) or
    holds the attribute(s) themselves (a Series, an array or a frame, one value per row). Each
    attribute is predicted from each other feature alone and, with ``together=True`` (needs
    scikit-learn), from all of them at once. Numbers with many values are cut at their
    quantiles (10 levels for a feature, 5 groups for a numeric attribute such as age). The
    strength is the out-of-fold AUC over ``folds`` folds (one-vs-rest and averaged for more than
    two groups): 0.5 is chance, 1.0 a perfect stand-in. ``max_strength`` defaults to the
    ``evaluation_max_proxy_strength`` setting.
    """
    frame = as_frame("X", X)
    limit = _settings.get("evaluation_max_proxy_strength") if max_strength is None else max_strength
    max_strength = _validation.number("max_strength", limit, low=0.5, high=1)
    if not isinstance(together, bool):
        _validation.choice("together", together, (True, False))
    folds = _validation.number("folds", folds, low=2, high=20, integer=True)
    features, sensitive = _sensitive(frame, sensitive_features)
    if together:
        require_sklearn("assert_no_proxies(together=True)")
    used_seed = _settings.resolve_seed(seed)
    table = _strengths(features, sensitive, together=together, folds=folds, seed=used_seed)
    outcome, message = _message(table, max_strength=max_strength, folds=folds, seed=used_seed)
    strongest = max((row["strength"] for row in table), default=float("nan"))
    figures = {"max_strength": max_strength, "strongest": strongest, "folds": folds, "seed": used_seed}
    result = CheckResult("evaluation", "assert_no_proxies", outcome, message, figures=figures, table=table)
    result.charts = [
        {
            "kind": "bar",
            "title": "how well each feature predicts the sensitive attribute (AUC)",
            "label": ["sensitive", "feature"],
            "value": "strength",
        }
    ]
    return conclude(result)


def _message(table: list[dict[str, Any]], *, max_strength: float, folds: int, seed: int) -> tuple[str, str]:
    strong = [row for row in table if row["strength"] > max_strength]
    if not table:
        return "inconclusive", "assert_no_proxies inconclusive: every sensitive attribute has a single value here"
    worst = max(table, key=lambda row: row["strength"])
    if not strong:
        return "passed", (
            f"assert_no_proxies passed: strongest proxy AUC {worst['strength']:.3f} <= max_strength {max_strength:g} "
            f"({worst['feature']} for {worst['sensitive']}; cross-validated, {folds} folds)"
        )
    alone = [row for row in strong if row["feature"] != TOGETHER]
    head = alone[0] if alone else worst
    what = f"{head['feature']!r} predicts" if head["feature"] != TOGETHER else "the features together predict"
    verdict = (
        f"assert_no_proxies failed: {what} {head['sensitive']} with AUC {head['strength']:.3f} "
        f"> max_strength {max_strength:g}"
    )
    evidence = []
    for name in dict.fromkeys(row["sensitive"] for row in table):
        rows = [row for row in table if row["sensitive"] == name]
        joint = [row for row in rows if row["feature"] == TOGETHER]
        singles = [row for row in rows if row["feature"] != TOGETHER][:_SHOWN]
        line = f"{name}: " + (f"all features together {joint[0]['strength']:.3f}; " if joint else "")
        evidence.append(line + "alone: " + ", ".join(f"{r['feature']} {r['strength']:.3f}" for r in singles))
    evidence.append(f"(out-of-fold AUC over {folds} folds: 0.5 is chance, 1.0 a perfect stand-in)")
    message = compose(
        verdict,
        evidence=evidence,
        causes=[
            "a feature encodes the sensitive attribute (a relationship status, a title, a first name) "
            "or is shaped by it",
            "leaving the sensitive column out does not make a model blind to it: the proxy carries it in",
        ],
        fixes=[
            "drop or coarsen the proxy, or show that the model treats the groups alike through the proxy too "
            "(mltest.assert_demographic_parity or assert_group_metric by the sensitive attribute)",
            "an invariance test that swaps the sensitive column cannot catch this: the model never reads that column",
        ],
        reproduce=reproduce_with_seed(seed) + " The folds depend on the seed.",
        waive=f"pass max_strength={min(np.ceil(head['strength'] * 100) / 100, 1.0):.2f} if this link is "
        "acceptable, or leave the column out of X.",
    )
    return "failed", message
