""":class:`GroupMetrics`: one metric by group, its overall value, difference, ratio and intervals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["GroupMetrics"]


@dataclass(frozen=True, eq=False)
class GroupMetrics:
    """One metric by group, and how far apart the groups are.

    ``values[i]``, ``counts[i]`` (rows) and ``support[i]`` (the rows that determine the value:
    all rows for a selection rate, the positives for a true positive rate, ...; named by
    ``support_name``) belong to ``groups[i]``, a tuple with one value per sensitive column. A
    group whose support is empty has no value (NaN). ``difference`` and ``ratio`` compare the
    groups whose support has at least ``min_group_size`` rows (``judged``), following
    ``method`` exactly like fairlearn's ``MetricFrame.difference``/``ratio``. With
    ``confidence``, ``intervals`` holds each group's bootstrap interval and
    ``difference_interval``/``ratio_interval`` simultaneous intervals of the disparities.
    ``label`` is the class measured one-vs-rest when ``labels=`` named several (else None).
    ``family`` is the number of disparities judged together (each rate of each class): each
    one's interval is at ``1 - (1 - confidence) / family``, so ``confidence`` holds for them all.
    """

    metric: str
    columns: tuple[str, ...]
    groups: list[tuple[Any, ...]]
    counts: np.ndarray
    values: np.ndarray
    overall: float
    difference: float
    ratio: float
    method: str
    judged: np.ndarray
    min_group_size: int
    confidence: float | None = None
    intervals: np.ndarray | None = None
    difference_interval: tuple[float, float] | None = None
    ratio_interval: tuple[float, float] | None = None
    n_resamples: int | None = None
    seed: int | None = None
    label: Any = None
    support: np.ndarray | None = None
    support_name: str = "n"
    family: int = 1

    @property
    def name(self) -> str:
        """The metric's name, with the class it measures: ``"selection_rate[cat]"``."""
        return self.metric if self.label is None else f"{self.metric}[{self.label}]"

    @property
    def support_column(self) -> str:
        """The table column of the support: ``"n"``, ``"positives"``, ``"positives[cat]"``, ..."""
        if self.support_name == "n":
            return "n"
        return self.support_name if self.label is None else f"{self.support_name}[{self.label}]"

    def group_name(self, i: int) -> str:
        """``"female"`` for one column, ``"sex=female, age=<25"`` for several."""
        label = self.groups[i]
        if len(self.columns) == 1:
            return str(label[0])
        return ", ".join(f"{c}={v}" for c, v in zip(self.columns, label, strict=True))

    @property
    def level(self) -> str:
        """The confidence as a percentage, as precise as given: ``"95%"``, ``"99.9%"``."""
        return "" if self.confidence is None else f"{round(self.confidence * 100, 8):g}%"

    @property
    def undefined(self) -> np.ndarray:
        """Groups with enough rows whose value is not a finite number (a metric undefined there)."""
        support = np.asarray(self.counts if self.support is None else self.support)
        return (support >= self.min_group_size) & (support > 0) & ~np.isfinite(self.values)

    def note(self, i: int) -> str:
        """Why group ``i`` is not judged ("" when it is)."""
        if self.judged[i]:
            return ""
        support = int(self.counts[i] if self.support is None else self.support[i])
        if self.undefined[i]:
            return f"not a finite number ({self.values[i]})"
        if support == 0:
            return f"no {self.support_name.replace('_', ' ')}"
        if self.support_name == "n":
            return f"too small (n < {self.min_group_size})"
        return f"too few {self.support_name.replace('_', ' ')} ({support} < {self.min_group_size})"

    @property
    def worst_pair(self) -> tuple[int, int] | None:
        """Indices of the judged groups with the highest and the lowest value (None if < 2 judged)."""
        idx = np.flatnonzero(self.judged)
        if len(idx) < 2:
            return None
        return int(idx[np.argmax(self.values[idx])]), int(idx[np.argmin(self.values[idx])])

    @property
    def by_group(self) -> Any:
        """The values as a pandas Series indexed by group (as fairlearn's ``MetricFrame.by_group``)."""
        import pandas as pd

        if len(self.columns) == 1:
            index = pd.Index([g[0] for g in self.groups], name=self.columns[0])
        else:
            index = pd.MultiIndex.from_tuples(self.groups, names=list(self.columns))
        return pd.Series(self.values, index=index, name=self.name)

    def table(self) -> list[dict[str, Any]]:
        """One row per group: the sensitive values, ``n``, the support, the metric, its interval, a note."""
        rows = []
        for i, label in enumerate(self.groups):
            row: dict[str, Any] = dict(zip(self.columns, label, strict=True))
            row["n"] = int(self.counts[i])
            if self.support_column != "n":
                row[self.support_column] = int(self.support[i])
            row[self.name] = float(self.values[i])
            if self.intervals is not None:
                row["ci_low"], row["ci_high"] = float(self.intervals[0, i]), float(self.intervals[1, i])
            if not self.judged[i]:
                row["note"] = self.note(i)
            rows.append(row)
        return rows

    def to_pandas(self) -> Any:
        """:meth:`table` as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.table())

    def __repr__(self) -> str:
        return (
            f"GroupMetrics(metric={self.name!r}, groups={len(self.groups)}, overall={self.overall:.4g}, "
            f"difference={self.difference:.4g}, ratio={self.ratio:.4g}, method={self.method!r})"
        )
