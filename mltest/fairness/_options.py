"""What a fairness call is given: the data (:class:`Inputs`) and how to measure it (:class:`Options`).

Both are frozen dataclasses built once at the public entry point, so that the stages of the
pipeline (inputs -> counts -> metrics -> verdict) pass two objects instead of a dozen
positional arguments. :func:`options` checks every option with the shared validators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mltest import _settings, _validation
from mltest.errors import InvalidArgument, invalid_argument, invalid_type

__all__ = ["METHODS", "Inputs", "Options", "options", "pos_label_value"]

METHODS = ("between_groups", "to_overall")


@dataclass(frozen=True)
class Inputs:
    """The per-row inputs as the user passed them (arrays, Series, or column names of ``data``)."""

    y_true: Any
    y_pred: Any
    sensitive_features: Any
    sample_weight: Any = None
    data: Any = None


@dataclass(frozen=True)
class Options:
    """How to measure: ``seed`` is the resolved seed (None without ``confidence``)."""

    method: str = "between_groups"
    min_group_size: int = 0
    confidence: float | None = None
    n_resamples: int = 1000
    seed: int | None = None
    pos_label: Any = None
    labels: tuple[Any, ...] | None = None


def options(
    *,
    method: Any = "between_groups",
    min_group_size: Any = 0,
    confidence: Any = None,
    n_resamples: Any = 1000,
    seed: Any = None,
    pos_label: Any = None,
    labels: Any = None,
) -> Options:
    """Checked :class:`Options`; the seed is resolved (argument, else the run's seed) only with ``confidence``."""
    confidence = _validation.number(
        "confidence", confidence, low=0, high=1, low_open=True, high_open=True, optional=True
    )
    return Options(
        method=_validation.choice("method", method, METHODS),
        min_group_size=_validation.number("min_group_size", min_group_size, low=0, integer=True),
        confidence=confidence,
        n_resamples=_validation.number("n_resamples", n_resamples, low=10, high=100_000, integer=True),
        seed=_settings.resolve_seed(seed) if confidence is not None else _validation.seed("seed", seed),
        pos_label=pos_label_value(pos_label),
        labels=_labels(labels, pos_label),
    )


def pos_label_value(pos_label: Any) -> Any:
    """One class: a string, number or boolean (a list would compare element by element)."""
    if isinstance(pos_label, (str, bytes)) or not (hasattr(pos_label, "__iter__") or hasattr(pos_label, "__len__")):
        return pos_label
    raise invalid_type("pos_label", pos_label, "one class (a string, number or boolean), e.g. pos_label='>50K'")


def _labels(labels: Any, pos_label: Any) -> tuple[Any, ...] | None:
    """``labels=`` as a tuple of at least two distinct classes that holds ``pos_label`` when both are given."""
    if labels is None:
        return None
    if isinstance(labels, (str, bytes, dict)) or not hasattr(labels, "__iter__"):
        raise invalid_argument("labels", labels, "a list of the classes, e.g. labels=['cat', 'dog', 'bird']")
    classes = tuple(v.item() if hasattr(v, "item") and hasattr(v, "dtype") else v for v in labels)
    if len(classes) < 2:
        raise invalid_argument("labels", labels, "at least two classes (one-vs-rest needs a rest)")
    if len(set(classes)) != len(classes):
        twice = sorted({repr(v) for v in classes if classes.count(v) > 1})
        raise InvalidArgument(f"labels has {', '.join(twice)} more than once: expected distinct classes")
    if pos_label is not None and pos_label not in classes:
        raise invalid_argument(
            "pos_label", pos_label, f"one of labels={list(classes)}", choices=[str(c) for c in classes]
        )
    return classes
