"""``assert_no_drift``: per column a distance with an interval against a threshold; one verdict over columns.

A column has drifted when its whole interval lies above its threshold, is stable when the whole
interval lies at or below it, and is undecided otherwise. The intervals are simultaneous over
the columns (Bonferroni: each at ``1 - (1 - confidence) / k``), so the number of columns
confirmed to drift is, with probability ``confidence``, no more than the number that truly did:
the share of drifted columns lies between ``confirmed / k`` and ``(confirmed + undecided) / k``.
The check fails when even the lower end exceeds ``max_drifted_share``, passes when the upper
end does not, and is inconclusive otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mltest import _settings, _validation
from mltest.errors import invalid_argument, invalid_type
from mltest.monitoring._effects import METHODS, Effect, measure, measure_missing
from mltest.monitoring._profile import Profile
from mltest.monitoring._summarise import DEFAULT_BINS, DEFAULT_MAX_CATEGORIES, as_profile, summarise
from mltest.report import CheckResult, conclude

__all__ = ["ColumnDrift", "assert_no_drift"]

DEFAULT_METHOD = {"numeric": "wasserstein", "categorical": "jensenshannon"}
_SETTING = {"wasserstein": "drift_max_wasserstein", "jensenshannon": "drift_max_jensenshannon", "psi": "drift_max_psi"}


@dataclass(frozen=True)
class ColumnDrift:
    """One column's distance, interval, threshold and verdict (``drift``, ``no drift`` or ``undecided``)."""

    column: str
    kind: str
    effect: Effect
    threshold: float
    reference_rows: int
    current_rows: int
    reference_missing: int
    current_missing: int
    missing: Effect | None = None  # a numeric column's share of missing values, when either side has some
    missing_threshold: float = 0.0

    def judged(self) -> list[tuple[str, Effect, float, str]]:
        """(label, effect, threshold, verdict) of each distance judged: the values', then the missing share's."""
        found = [(str(self.column), self.effect, self.threshold)]
        if self.missing is not None:
            found.append((f"{self.column} (missing)", self.missing, self.missing_threshold))
        return [(label, e, t, _verdict(e, t)) for label, e, t in found]

    @property
    def verdict(self) -> str:
        verdicts = {v for *_, v in self.judged()}
        return "drift" if "drift" in verdicts else "undecided" if "undecided" in verdicts else "no drift"

    def deciding(self) -> tuple[str, Effect, float, str]:
        """The judged distance that gives the column its verdict (the values' when both agree)."""
        return next(j for j in self.judged() if j[3] == self.verdict)

    def row(self, confidence: float) -> dict[str, Any]:
        e = self.effect
        missing = {}
        if self.missing is not None:
            m = self.missing
            missing = {"missing_distance": m.value, "missing_low": m.low, "missing_high": m.high}
            missing["missing_threshold"] = self.missing_threshold
        return missing | {
            "column": self.column,
            "kind": self.kind,
            "method": e.method,
            "distance": e.value,
            "low": e.low,
            "high": e.high,
            "threshold": self.threshold,
            "verdict": self.verdict,
            "detectable": e.detectable(self.threshold),
            "reference_rows": self.reference_rows,
            "current_rows": self.current_rows,
            "reference_missing": self.reference_missing,
            "current_missing": self.current_missing,
            "stable": self.verdict == "no drift",
        }


def _verdict(effect: Effect, threshold: float) -> str:
    if effect.low > threshold:
        return "drift"
    if effect.high <= threshold:
        return "no drift"
    return "undecided"


def assert_no_drift(
    reference: Any,
    current: Any,
    *,
    columns: Any = None,
    method: Any = None,
    threshold: Any = None,
    confidence: Any = None,
    max_drifted_share: Any = None,
    categorical: Any = None,
) -> CheckResult:
    """Fail when the current data's columns have drifted from the reference's beyond a threshold.

    ``reference`` and ``current``: a pandas, polars or Spark DataFrame (or Series), a
    :class:`~mltest.monitoring.Profile` or the path of a profile file. ``columns``: which to
    compare (default: every column of the reference). ``method``: ``"wasserstein"``
    (numeric only), ``"jensenshannon"`` or ``"psi"``, or a dict by column (default: Wasserstein
    for numbers, Jensen-Shannon for categories). ``threshold``: the largest acceptable distance,
    a number or a dict by column (default: ``drift_max_<method>`` in ``[tool.mltest]``).
    ``confidence``: of the simultaneous intervals (default 0.95). ``max_drifted_share``: the
    share of columns allowed to drift (default 0). ``categorical``: numeric columns to compare
    as categories.
    """
    confidence = _validation.number(
        "confidence", _default(confidence, "drift_confidence"), low=0.5, high=1, high_open=True
    )
    share = _validation.probability("max_drifted_share", _default(max_drifted_share, "drift_max_drifted_share"))
    ref = _reference_profile(reference, columns, categorical)
    names = list(ref.columns) if columns is None else _validation.columns("columns", columns, list(ref.columns))
    cur = _current_profile(current, ref, names)
    methods = _per_column("method", method, names, lambda c: DEFAULT_METHOD[ref.columns[c].kind], _method)
    for name in names:
        if methods[name] == "wasserstein" and ref.columns[name].kind != "numeric":
            raise invalid_argument(
                "method", "wasserstein", f"'jensenshannon' or 'psi' for the categorical column {name!r}"
            )
    thresholds = _per_column("threshold", threshold, names, lambda c: _settings.get(_SETTING[methods[c]]), _threshold)
    # a Wasserstein distance sees only the values that are there: a numeric column's missing share is judged too
    # (Jensen-Shannon and PSI count missing values as one more bin)
    with_missing = [n for n in names if methods[n] == "wasserstein" and ref.columns[n].nulls + cur.columns[n].nulls > 0]
    # lower ends simultaneous over the distances judged (false alarms); upper ends per column, which is all that
    # "every column is stable" needs (an intersection-union test), and simultaneous again when a share may drift
    alpha, tests = 1 - confidence, len(names) + len(with_missing)
    levels = (1 - alpha / tests, 1 - (alpha if share == 0 else alpha / tests))
    drifts = [
        ColumnDrift(
            column=name,
            kind=ref.columns[name].kind,
            effect=measure(methods[name], ref.columns[name], cur.columns[name], levels),
            threshold=thresholds[name],
            reference_rows=ref.columns[name].count,
            current_rows=cur.columns[name].count,
            reference_missing=ref.columns[name].nulls,
            current_missing=cur.columns[name].nulls,
            missing=measure_missing(ref.columns[name], cur.columns[name], levels) if name in with_missing else None,
            missing_threshold=_settings.get("drift_max_jensenshannon"),
        )
        for name in names
    ]
    from mltest.monitoring._drift_message import result

    return conclude(result(drifts, confidence=confidence, max_drifted_share=share, rows=(ref.rows, cur.rows)))


def _default(value: Any, setting: str) -> Any:
    return _settings.get(setting) if value is None else value


def _reference_profile(reference: Any, columns: Any, categorical: Any) -> Profile:
    if isinstance(reference, (Profile, str, Path)):
        if categorical is not None:
            raise invalid_argument(
                "categorical", categorical, "None when the reference is a profile (its column kinds are fixed)"
            )
        return as_profile(reference, "reference")
    return summarise(
        reference,
        name="reference",
        columns=columns,
        categorical=categorical,
        bins=DEFAULT_BINS,
        max_categories=DEFAULT_MAX_CATEGORIES,
        like=None,
    )


def _current_profile(current: Any, ref: Profile, names: list[str]) -> Profile:
    if not isinstance(current, (Profile, str, Path)):
        return summarise(
            current, name="current", columns=names, categorical=None, bins=DEFAULT_BINS, max_categories=0, like=ref
        )
    profile = as_profile(current, "current")
    for name in names:
        if name not in profile.columns:
            raise invalid_argument(
                "current", profile, f"a profile with the column {name!r}", choices=list(profile.columns)
            )
        ours, theirs = ref.columns[name], profile.columns[name]
        if ours.kind != theirs.kind or not ours.same_bins(theirs):
            raise invalid_argument(
                "current",
                profile,
                f"a profile made like the reference (mltest.profile(data, like=reference)); column {name!r} has "
                f"other {'bins' if ours.kind == 'numeric' else 'values'}",
            )
    return profile


def _per_column(name: str, value: Any, columns: list[str], default: Any, check: Any) -> dict[str, Any]:
    """One value for every column: ``default(column)``, a value for all, or a dict by column."""
    if isinstance(value, dict):
        if not value:
            allowed = "a number > 0" if name == "threshold" else f"one of {', '.join(map(repr, METHODS))}"
            raise invalid_argument(name, value, f"{allowed}, or a dict of them by column (not empty)")
        _validation.columns(name, list(value), columns)
        return {c: check(f"{name}[{c!r}]", value[c]) if c in value else check(name, default(c)) for c in columns}
    if value is None:
        return {c: check(name, default(c)) for c in columns}
    checked = check(name, value)
    return dict.fromkeys(columns, checked)


def _method(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise invalid_type(name, value, f"one of {', '.join(map(repr, METHODS))}")
    return _validation.choice(name, value, METHODS)


def _threshold(name: str, value: Any) -> float:
    return _validation.number(name, value, low=0, low_open=True)
