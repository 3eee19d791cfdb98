"""Model invariance and behavioural tests: CheckList's three test types as pytest assertions.

* :func:`assert_invariant` (INV): predictions must not change under a perturbation.
* :func:`assert_directional` (DIR): predictions must move the expected way.
* :func:`assert_cases` (MFT): a table of cases must get their expected predictions.

Perturbations live in :mod:`mltest.perturb`, Hypothesis strategies derived from a pandera
schema in :mod:`mltest.strategies`.
"""

from __future__ import annotations

from mltest.invariance._cases import assert_cases
from mltest.invariance._directional import DIRECTIONS, assert_directional
from mltest.invariance._invariant import assert_invariant
from mltest.invariance._perturbations import Perturbation

__all__ = ["DIRECTIONS", "Perturbation", "assert_cases", "assert_directional", "assert_invariant"]
