"""Turn a model or a callable into one batched, validated prediction function.

Which method of a model is called (the rule the docs state):

* ``output="proba"`` calls ``predict_proba``; ``output="predict"`` calls ``predict``.
* ``output="auto"`` (the default) calls ``predict_proba`` when the model has it and the check
  is about sizes of change: ``assert_directional`` always, ``assert_invariant`` when
  ``tolerance > 0``. Otherwise (``assert_invariant`` with ``tolerance=0``, ``assert_cases``) it
  calls ``predict``, so a flipped label is what counts.
* A plain callable is called as it is; ``output`` then only names what it returns.

What comes back decides how predictions are compared:

* probabilities of a binary classifier (two columns) are reduced to the second column, the
  probability of ``classes_[1]``; with ``label=``, to the column of that class;
* probabilities of a multiclass classifier are compared as whole vectors (the largest change
  of any class's probability), unless ``label=`` picks one class;
* numbers from ``predict`` are values (a regression), compared with the tolerances;
* anything else is a label, which either stays or changes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mltest import _validation
from mltest.errors import MltestError, describe_error, invalid_argument, invalid_type
from mltest.invariance._frames import Frame

__all__ = ["OUTPUTS", "Predictor"]

OUTPUTS = ("auto", "proba", "predict")


def _describe(fn: Any) -> str:
    owner = getattr(fn, "__self__", None)
    name = getattr(fn, "__name__", None) or type(fn).__name__
    if owner is not None:
        return f"{type(owner).__name__}.{name}"
    return name


class Predictor:
    """Calls the model on a frame in batches and checks what comes back.

    ``label`` names the method for messages, ``output`` is ``"proba"`` or ``"predict"``.
    """

    def __init__(
        self, predict: Any, *, output: str, prefer_proba: bool, batch_size: int | None, label: Any = None
    ) -> None:
        output = _validation.choice("output", output, OUTPUTS)
        self.batch_size = _validation.number("batch_size", batch_size, low=1, integer=True, optional=True)
        self.calls = 0
        self.source = predict
        if isinstance(predict, type):
            raise invalid_type("predict", predict, f"a fitted model or a callable, not the class {predict.__name__}")
        has_proba = callable(getattr(predict, "predict_proba", None))
        has_predict = callable(getattr(predict, "predict", None))
        if has_proba or has_predict:
            if output == "proba" and not has_proba:
                raise invalid_argument(
                    "output", output, f"'predict' or 'auto': {type(predict).__name__} has no predict_proba"
                )
            if output == "predict" and not has_predict:
                raise invalid_argument("output", output, f"'proba' or 'auto': {type(predict).__name__} has no predict")
            use_proba = output == "proba" or (output == "auto" and has_proba and (prefer_proba or not has_predict))
            self.fn = predict.predict_proba if use_proba else predict.predict
            self.output = "proba" if use_proba else "predict"
        elif callable(predict):
            self.fn = predict
            self.output = "proba" if output == "proba" else "predict"
        else:
            raise invalid_type("predict", predict, "a callable or a model with predict_proba or predict")
        self.label = _describe(self.fn)
        self.column = self._column(predict, label)
        self.kind = "probability" if self.output == "proba" else "label"

    def _column(self, predict: Any, label: Any) -> int | None:
        """The column of ``predict_proba`` that holds the probability of class ``label``."""
        if label is None:
            return None
        classes = getattr(predict, "classes_", None)
        if self.output != "proba" or classes is None:
            raise invalid_argument(
                "label", label, "None: label= picks a class's probability from a model with classes_ and predict_proba"
            )
        known = [c.item() if hasattr(c, "item") else c for c in classes]
        return known.index(_validation.choice("label", label, known))

    @property
    def described(self) -> str:
        """``Pipeline.predict_proba (probability of 'bad')`` for messages."""
        if self.column is not None:
            return f"{self.label} (probability of {self.class_label!r})"
        return f"{self.label} ({self.kind})"

    @property
    def class_label(self) -> Any:
        """The class whose probability ``label=`` picked (None without it)."""
        if self.column is None:
            return None
        value = self.source.classes_[self.column]
        return value.item() if hasattr(value, "item") else value

    def __call__(self, frame: Frame) -> np.ndarray:
        """Predictions for every row of ``frame``: 1-d, or 2-d with one column per output."""
        n = len(frame)
        if n == 0:
            return np.empty(0)
        step = self.batch_size or max(n, 1)
        parts = []
        for start in range(0, n, step):
            batch = frame.native if step >= n else frame.slice(start, min(start + step, n))
            try:
                raw = self.fn(batch)
            except (RuntimeError, ValueError, TypeError, IndexError, KeyError, AttributeError) as error:
                if isinstance(error, MltestError):
                    raise
                expected = f"a model that can predict these rows; {self.label} raised {describe_error(error)}"
                raise invalid_argument("predict", self.source, expected) from error
            parts.append(self._validate(raw, min(step, n - start)))
            self.calls += 1
        out = np.concatenate(parts) if len(parts) > 1 else parts[0]
        return out

    def _validate(self, raw: Any, rows: int) -> np.ndarray:
        if hasattr(raw, "detach"):  # a torch tensor
            raw = raw.detach().cpu().numpy()
        elif hasattr(raw, "to_numpy"):  # pandas or polars
            raw = raw.to_numpy()
        out = np.asarray(raw)
        if out.ndim == 0 or len(out) != rows:
            got = "a scalar" if out.ndim == 0 else f"{len(out):,} values"
            raise invalid_argument(
                "predict", self.fn, f"one prediction per row: {self.label} returned {got} for {rows:,} rows"
            )
        if out.ndim == 2 and self.column is not None:
            out = out[:, self.column]
        elif out.ndim == 2 and out.shape[1] == 1:
            out = out[:, 0]
        elif out.ndim == 2 and out.shape[1] == 2 and self.output == "proba":
            out = out[:, 1]
        elif out.ndim > 2:
            raise invalid_argument(
                "predict", self.fn, f"1-d or 2-d predictions: {self.label} returned shape {out.shape}"
            )
        if self.output == "predict" and out.dtype.kind == "f":
            self.kind = "value"  # a regression's predictions: compared with the tolerances
        if out.dtype.kind in "fc":
            bad = ~np.isfinite(out)
            if bad.any():
                rows_bad = np.flatnonzero(bad.reshape(len(out), -1).any(axis=1))
                raise invalid_argument(
                    "predict",
                    self.fn,
                    f"finite predictions: {self.label} returned NaN or infinity for {len(rows_bad):,} of "
                    f"{rows:,} rows (first at row {rows_bad[0]} of the batch)",
                )
        return out
