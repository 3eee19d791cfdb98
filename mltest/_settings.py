"""Project-wide defaults for thresholds and behaviour.

Values come, lowest priority first, from :data:`DEFAULTS`, ``[tool.mltest]`` in the project's
``pyproject.toml``, and ``mltest_<name>`` ini options; the plugin loads them at start-up.
A check reads a default with :func:`get` only when its own keyword argument was not given.
"""

from __future__ import annotations

import numbers
import random
from typing import Any

from mltest.errors import invalid_argument

__all__ = ["DEFAULTS", "get", "resolve_seed", "restore", "snapshot", "update"]

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
}

_CHOICES = {"inconclusive": ("fail", "pass")}

_values: dict[str, Any] = {name: default for name, (default, _) in DEFAULTS.items()}


def get(name: str) -> Any:
    """The current value of setting ``name``."""
    try:
        return _values[name]
    except KeyError:
        raise invalid_argument("setting", name, f"one of {sorted(DEFAULTS)}", choices=DEFAULTS) from None


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
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0:
        raise invalid_argument("seed", seed, "None or an integer >= 0")
    return int(seed)


def update(values: dict[str, Any], *, source: str) -> None:
    """Set several values at once, converting each to its default's type.

    ``source`` names where the values came from, for the error message.
    """
    for name, raw in values.items():
        if name not in DEFAULTS:
            raise invalid_argument(f"{source}: setting", name, f"one of {sorted(DEFAULTS)}", choices=DEFAULTS)
        _values[name] = _convert(name, raw, source)


def _convert(name: str, raw: Any, source: str) -> Any:
    default = DEFAULTS[name][0]
    # "[tool.mltest]: seed=..."; a source ending in "_" is the prefix of an ini option: "ini option mltest_seed=..."
    label = f"{source}{name}" if source.endswith("_") else f"{source}: {name}"
    if name == "seed" and str(raw) == "random":
        return "random"
    if name in _CHOICES:
        if raw not in _CHOICES[name]:
            raise invalid_argument(label, raw, f"one of {_CHOICES[name]}", choices=_CHOICES[name])
        return raw
    if name == "seed":
        try:
            seed = int(raw)
        except (TypeError, ValueError):
            seed = -1
        if isinstance(raw, (bool, float)) or not 0 <= seed < 2**32:
            raise invalid_argument(label, raw, "an integer from 0 to 2**32 - 1, or 'random'")
        return seed
    try:
        return type(default)(raw)
    except (TypeError, ValueError):
        kind = "an integer" if isinstance(default, int) else f"a {type(default).__name__}"
        raise invalid_argument(label, raw, kind) from None


def snapshot() -> dict[str, Any]:
    """A copy of the current values, for :func:`restore`."""
    return dict(_values)


def restore(values: dict[str, Any]) -> None:
    """Put back values taken by :func:`snapshot` (pytest runs nested in one process must not leak)."""
    _values.clear()
    _values.update(values)
