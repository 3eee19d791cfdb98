"""Monitoring: drift, training/serving skew, model age, performance without labels, the regression gate.

:func:`profile` summarises a dataset into a mergeable :class:`Profile` (saved as versioned
JSON); :func:`assert_no_drift` compares current data (or its profile) with a reference, per
column a distance with an interval judged against a threshold.
"""

from __future__ import annotations

from mltest.monitoring._drift import assert_no_drift
from mltest.monitoring._profile import Profile, load_profile
from mltest.monitoring._summarise import profile

__all__ = ["Profile", "assert_no_drift", "load_profile", "profile"]
