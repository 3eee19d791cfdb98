"""The limits that keep a healthy model from learning a small sample by heart, and how to lift them.

Some hyper-parameters are set for the full data and make no sense on 20 rows: a leaf of at
least 20 rows (``min_samples_leaf=20``, the default of ``HistGradientBoosting*``) cannot split
20 rows at all, and ``KNeighbors*(n_neighbors=5)`` votes among 5 rows. Others are penalties
that keep a model from fitting every row on purpose (``C``, ``alpha``, ``l2_regularization``)
or sub-samples that hide rows from each tree (``bootstrap``, ``subsample``). Karpathy's
"overfit one batch" turns them off; capacity itself (``max_depth``, ``n_estimators``,
``hidden_layer_sizes``, the kernel) is left as it is, since too little of it is a finding.

The limits are known by the module of the estimator that holds them, since the same name means
different things elsewhere (``alpha`` is the quantile of ``GradientBoostingRegressor``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["LIMITS", "relaxed_params"]

_TREES = {
    "min_samples_leaf": 1,
    "min_samples_split": 2,
    "min_weight_fraction_leaf": 0.0,
    "min_impurity_decrease": 0.0,
    "ccp_alpha": 0.0,
}

#: module of the estimator -> {parameter: the value that lifts the limit}
LIMITS: dict[str, dict[str, Any]] = {
    "sklearn.tree": _TREES,
    "sklearn.ensemble": {**_TREES, "l2_regularization": 0.0, "bootstrap": False, "subsample": 1.0},
    "sklearn.neighbors": {"n_neighbors": 1},
    "sklearn.linear_model": {"C": 1e4, "alpha": 1e-8},
    "sklearn.svm": {"C": 1e4},
    "sklearn.neural_network": {"alpha": 0.0},
}

_LARGER_IS_LOOSER = {"C"}


def _stricter(parameter: str, value: Any, relaxed: Any) -> bool:
    """Whether ``value`` limits the model more than ``relaxed`` does."""
    if isinstance(relaxed, bool):
        return value is not relaxed and isinstance(value, bool)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False  # None, "auto", a string option: not a limit this table knows
    if parameter in ("min_samples_leaf", "min_samples_split") and isinstance(value, float):
        return True  # a fraction of the rows, which on a small sample is still a limit
    return value < relaxed if parameter in _LARGER_IS_LOOSER else value > relaxed


def _owner(params: dict[str, Any], key: str, estimator: Any) -> Any:
    """The estimator that holds parameter ``key`` of ``get_params(deep=True)``."""
    path, _, _ = key.rpartition("__")
    return params.get(path) if path else estimator


def relaxed_params(estimator: Any) -> dict[str, tuple[Any, Any]]:
    """``{parameter key: (current value, relaxed value)}`` for every limit the estimator sets.

    Keys are those of ``estimator.get_params(deep=True)`` (``"histgradientboostingclassifier__
    min_samples_leaf"`` inside a pipeline), ready for ``set_params``.
    """
    try:
        params = estimator.get_params(deep=True)
    except Exception:  # not a scikit-learn estimator: nothing it is known to limit
        return {}
    found = {}
    for key, value in params.items():
        owner = _owner(params, key, estimator)
        module = type(owner).__module__ or ""
        parameter = key.rpartition("__")[2]
        for prefix, limits in LIMITS.items():
            known = (module == prefix or module.startswith(prefix + ".")) and parameter in limits
            if known and _stricter(parameter, value, limits[parameter]):
                found[key] = (value, limits[parameter])
    return found
