"""Hypothesis strategies derived from a pandera schema, for property-based model tests.

``@given(mltest.strategies.data_frames(schema))`` explores the frames a schema allows; when
the test fails, Hypothesis shrinks the frame to a minimal counterexample and prints it. A test
that calls a model should also say ``@settings(deadline=None)``: Hypothesis's default deadline
(200 ms per example) measures the machine's load, not the model.
"""

from __future__ import annotations

from mltest.invariance._strategies import data_frames, rows

__all__ = ["data_frames", "rows"]
