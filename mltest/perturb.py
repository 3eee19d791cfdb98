"""Perturbations of DataFrame rows for :func:`mltest.assert_invariant` and :func:`mltest.assert_directional`.

Tabular: :func:`swap` (counterfactual: each row takes every other value), :func:`noise`,
:func:`shift`, :func:`replace`, :func:`set`, :func:`missing`. Text: :func:`typos`,
:func:`case`, :func:`whitespace`, :func:`replace_words`. Combine them with ``+``
(``swap("sex", ["male", "female"]) + noise("age", 2)`` applies the swap, then the noise to
every swapped row); :func:`compose` does the same for a list. They work on pandas and polars
frames; ``p.apply(data, seed=0)`` shows what a perturbation does.
"""

from __future__ import annotations

from mltest.invariance._perturbations import Perturbation, compose, missing, noise, replace, shift, swap
from mltest.invariance._perturbations import set_ as set
from mltest.invariance._text import case, replace_words, typos, whitespace

__all__ = [
    "Perturbation",
    "case",
    "compose",
    "missing",
    "noise",
    "replace",
    "replace_words",
    "set",
    "shift",
    "swap",
    "typos",
    "whitespace",
]
