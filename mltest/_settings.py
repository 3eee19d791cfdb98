"""Project-wide defaults for thresholds and behaviour, and the one seed grammar.

Values come, lowest priority first, from :data:`DEFAULTS`, ``[tool.mltest]`` in the project's
``pyproject.toml``, and ``mltest_<name>`` ini options; the plugin calls :func:`load` at
start-up, so a value out of range stops the run there, naming the setting. A check reads a
default with :func:`get` only when its own keyword argument was not given.
"""

from __future__ import annotations

import contextlib
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mltest import _validation
from mltest.errors import MltestError, invalid_argument

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

__all__ = ["DEFAULTS", "get", "load", "parse_seed", "resolve_seed", "restore", "snapshot", "update"]

# name: (default, one-line help). Keep each name the same in pyproject, ini and the docs.
DEFAULTS: dict[str, tuple[Any, str]] = {
    "seed": (0, "seed for random, numpy and torch before each test ('random' for a new one per run)"),
    "inconclusive": ("fail", "what an inconclusive check does: 'fail' or 'pass' (it is reported either way)"),
    "fairness_max_difference": (0.1, "default max_difference of the fairness assertions"),
    "fairness_min_ratio": (0.8, "default min_ratio of the fairness assertions (four-fifths rule)"),
    "fairness_min_group_size": (30, "groups smaller than this are reported as too small, not judged"),
    "invariance_tolerance": (0.0, "default tolerance of assert_invariant"),
    "invariance_max_failure_rate": (0.0, "default max_failure_rate of invariance checks"),
    "learns_margin": (0.05, "how much assert_learns must beat the dummy baseline by"),
    "evaluation_max_gap": (
        0.1,
        "default max_gap of assert_no_weak_slices (an error metric: share of the overall error)",
    ),
    "evaluation_min_slice_size": (30, "rows a slice needs in each half to be searched by assert_no_weak_slices"),
    "evaluation_confidence": (0.95, "confidence of the evaluation checks' tests and intervals"),
    "evaluation_max_ece": (0.1, "default max_ece (expected calibration error) of assert_calibrated"),
    "evaluation_max_proxy_strength": (0.8, "default max_strength (cross-validated AUC) of assert_no_proxies"),
    "evaluation_max_leakage_strength": (0.95, "assert_no_target_leakage: highest AUC or R² one feature may have"),
    "evaluation_leakage_margin": (
        0.02,
        "assert_no_target_leakage: how much the model must beat every single feature by",
    ),
    "drift_max_wasserstein": (0.05, "assert_no_drift: largest normalised Wasserstein distance of a numeric column"),
    "drift_max_jensenshannon": (0.05, "assert_no_drift: largest Jensen-Shannon distance of a categorical column"),
    "drift_max_psi": (0.1, "assert_no_drift: largest PSI of a column compared with method='psi'"),
    "drift_confidence": (0.95, "assert_no_drift: confidence of the simultaneous per-column intervals"),
    "drift_max_drifted_share": (0.0, "assert_no_drift: share of columns allowed to drift"),
    "skew_tolerance": (1e-9, "assert_no_skew: how far two numbers may be apart (relative; absolute below 1)"),
    "model_max_age_days": (30.0, "assert_model_fresh: the oldest a model may be, in days"),
    "regression_margin": (0.0, "assert_no_regression: how much worse the new model may score"),
    "regression_confidence": (0.95, "assert_no_regression: confidence of the paired bootstrap interval"),
}

# name: (low, high) for numeric settings; None leaves that side open.
_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "fairness_max_difference": (0, None),
    "fairness_min_ratio": (0, 1),
    "fairness_min_group_size": (1, None),
    "invariance_tolerance": (0, None),
    "invariance_max_failure_rate": (0, 1),
    "learns_margin": (0, 1),
    "evaluation_max_gap": (0, None),
    "evaluation_min_slice_size": (1, None),
    "evaluation_confidence": (0, 1),
    "evaluation_max_ece": (0, 1),
    "evaluation_max_proxy_strength": (0.5, 1),
    "evaluation_max_leakage_strength": (0, 1),
    "evaluation_leakage_margin": (0, 1),
    "drift_max_wasserstein": (0, None),
    "drift_max_jensenshannon": (0, 1),
    "drift_max_psi": (0, None),
    "drift_confidence": (0.5, 1),
    "drift_max_drifted_share": (0, 1),
    "skew_tolerance": (0, None),
    "model_max_age_days": (0, None),
    "regression_margin": (0, None),
    "regression_confidence": (0.5, 1),
}
_CHOICES = {"inconclusive": ("fail", "pass")}

_values: dict[str, Any] = {name: default for name, (default, _) in DEFAULTS.items()}


def get(name: str) -> Any:
    """The current value of setting ``name``."""
    try:
        return _values[name]
    except KeyError:
        raise invalid_argument("setting", name, f"one of {sorted(DEFAULTS)}", choices=DEFAULTS) from None


def parse_seed(raw: Any, *, label: str, last: Callable[[], Any] | None = None) -> int | str:
    """A seed as a person writes it: an integer from 0 to 2**32 - 1, or ``'random'``.

    Returns the integer, or ``"random"`` unchanged. With ``last`` (a callable giving the
    previous run's seed or ``None``), ``'last'`` is accepted too. ``label`` names the setting
    or option in the error (``--mltest-seed``, ``[tool.mltest]: seed``).
    """
    text = str(raw).strip() if isinstance(raw, str) else raw
    if text == "random":
        return "random"
    if text == "last" and last is not None:
        previous = last()
        if previous is None:
            raise MltestError(f"{label}=last: no previous run recorded a seed; pass a number")
        return int(previous)
    if isinstance(text, str):
        with contextlib.suppress(ValueError):
            text = int(text)
    allowed = "an integer from 0 to 2**32 - 1, " + ("'random' or 'last'" if last is not None else "or 'random'")
    if isinstance(text, bool) or not isinstance(text, int) or not 0 <= text <= _validation.MAX_SEED:
        raise invalid_argument(label, raw, allowed)
    return text


def resolve_seed(seed: Any = None) -> int:
    """The seed a check uses for its random draws, the same rule in every family.

    ``seed`` itself when given (an integer >= 0); otherwise the ``seed`` setting, which under
    pytest is the run's resolved ``--mltest-seed``; otherwise (the setting is ``"random"``
    outside pytest) a fresh random seed. A check records the seed it used in its figures, and
    names it in its message when the verdict rests on random draws, so that passing it back as
    ``seed=`` reproduces a failure.
    """
    if seed is None:
        configured = get("seed")
        if isinstance(configured, int) and not isinstance(configured, bool):
            return configured
        return random.SystemRandom().randrange(2**32)  # leaves the global generators alone
    return _validation.seed("seed", seed)


def update(values: dict[str, Any], *, source: str) -> None:
    """Set several values at once, converting and checking each one.

    ``source`` names where the values came from, for the error message; nothing is set when
    one of them is wrong.
    """
    converted = {}
    for name, raw in values.items():
        if name not in DEFAULTS:
            raise invalid_argument(f"{source}: setting", name, f"one of {sorted(DEFAULTS)}", choices=DEFAULTS)
        converted[name] = _convert(name, raw, source)
    _values.update(converted)


def _convert(name: str, raw: Any, source: str) -> Any:
    default = DEFAULTS[name][0]
    # "[tool.mltest]: seed=..."; a source ending in "_" is the prefix of an ini option: "ini option mltest_seed=..."
    label = f"{source}{name}" if source.endswith("_") else f"{source}: {name}"
    if name == "seed":
        return parse_seed(raw, label=label)
    if name in _CHOICES:
        return _validation.choice(label, raw, _CHOICES[name])
    value = raw
    if isinstance(raw, str):  # ini options are text
        with contextlib.suppress(ValueError):
            value = int(raw) if isinstance(default, int) else float(raw)
    low, high = _BOUNDS.get(name, (None, None))
    integer = isinstance(default, int)
    if integer and isinstance(value, float) and value.is_integer():
        value = int(value)
    return _validation.number(label, value, low=low, high=high, integer=integer)


def load(rootpath: Path, ini: dict[str, Any]) -> Any:
    """Load ``[tool.mltest]`` from ``rootpath/pyproject.toml``, then the ini options given.

    Returns the ``model_card`` entry of ``[tool.mltest]`` (a table or a file name), or ``None``:
    it describes the model for ``--mltest-model-card`` and is not a threshold.
    """
    pyproject = Path(rootpath) / "pyproject.toml"
    card = None
    if pyproject.is_file():
        try:
            table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("mltest", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise MltestError(f"cannot read {pyproject}: {error}") from None
        table = dict(table)
        card = table.pop("model_card", None)
        update(table, source="[tool.mltest]")
    update({k: v for k, v in ini.items() if v not in (None, "")}, source="ini option mltest_")
    return card


def snapshot() -> dict[str, Any]:
    """A copy of the current values, for :func:`restore`."""
    return dict(_values)


def restore(values: dict[str, Any]) -> None:
    """Put back values taken by :func:`snapshot` (pytest runs nested in one process must not leak)."""
    _values.clear()
    _values.update(values)
