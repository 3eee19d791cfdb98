"""The arguments every behavioural check shares, validated with :mod:`mltest._validation`."""

from __future__ import annotations

from typing import Any

from mltest import _settings, _validation
from mltest.errors import invalid_argument, invalid_type
from mltest.invariance._frames import Frame, as_frame
from mltest.invariance._perturbations import Perturbation

__all__ = ["Tolerance", "data", "max_rate", "perturbation", "show", "tolerance"]


def data(value: Any, name: str = "data") -> Frame:
    frame = as_frame(value, name)
    if len(frame) == 0:
        raise invalid_argument(name, "<empty frame>", "a DataFrame with at least one row")
    return frame


def perturbation(value: Any) -> Perturbation:
    if not isinstance(value, Perturbation):
        raise invalid_type("perturbation", value, "a perturbation from mltest.perturb, e.g. swap('sex', [...])")
    return value


def max_rate(value: Any) -> float:
    if value is None:
        value = _settings.get("invariance_max_failure_rate")
    return _validation.probability("max_failure_rate", value)


def show(value: Any) -> int:
    return _validation.number("show", value, low=0, integer=True)


class Tolerance:
    """How far a numeric prediction may move: ``absolute + relative * |original prediction|``.

    numpy's ``isclose`` rule: ``tolerance=5`` accepts a change of 5 in any prediction,
    ``rtol=0.01`` a change of 1% of each prediction, both together their sum.
    """

    def __init__(self, absolute: float, relative: float) -> None:
        self.absolute, self.relative = absolute, relative

    def allowed(self, before: Any) -> Any:
        """The change allowed for each original prediction (an array like ``before``)."""
        import numpy as np

        if not self.relative:
            return self.absolute
        return self.absolute + self.relative * np.abs(before.astype(float))

    def __str__(self) -> str:
        text = f"tolerance={self.absolute:g}"
        return text + (f" + rtol={self.relative:g} x |prediction|" if self.relative else "")

    def __bool__(self) -> bool:
        return bool(self.absolute or self.relative)


def tolerance(absolute: Any, relative: Any, *, setting: bool = False) -> Tolerance:
    """``tolerance=`` (absolute; from the ``invariance_tolerance`` setting when ``setting`` and None)
    and ``rtol=`` (relative to each original prediction)."""
    if absolute is None and setting:
        absolute = _settings.get("invariance_tolerance")
    absolute = _validation.number("tolerance", absolute, low=0)
    return Tolerance(absolute, _validation.number("rtol", relative, low=0))
