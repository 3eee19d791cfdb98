"""Search on one half, confirm on the other: weak slices without the winner's curse.

The rows are split at random into two halves. On the *search* half every slice with enough
rows is scored; the slices whose gap to the rest exceeds ``max_gap`` clearly there (the
one-sided statistic ``(gap - max_gap) / standard error`` at least the ``confidence`` quantile of
the normal distribution) are candidates, and the :data:`CANDIDATES` strongest go forward: the
fewer hypotheses reach the confirmation, the less the correction costs. On the *confirmation* half,
which played no part in choosing them, each candidate is tested once: the one-sided null
hypothesis "this slice's gap to the rest is at most ``max_gap``" against a normal
approximation of the gap, and the candidates' p-values are adjusted for multiplicity (Holm's
step-down by default, which bounds the chance of any false confirmation by ``1 - confidence``;
Benjamini-Hochberg bounds the expected share of false confirmations instead). A confirmed
slice is one whose adjusted p-value is at most ``1 - confidence``. Every figure reported for a
slice comes from the confirmation half.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from mltest.evaluation._metrics import RowScores
from mltest.evaluation._slices import Family, family_sums
from mltest.evaluation._stats import adjust, upper_p, z_value

__all__ = ["CANDIDATES", "Search", "Slice", "search"]

CANDIDATES = 10  # slices taken from the search half to the confirmation half


@dataclass(frozen=True)
class Slice:
    """A candidate slice with its figures on the confirmation half."""

    predicate: str
    n: int
    value: float
    low: float
    high: float
    rest: float
    gap: float
    search_gap: float
    p_adjusted: float
    confirmed: bool


@dataclass(frozen=True)
class Search:
    """What the search found: the candidates (confirmed first) and how much was searched."""

    slices: list[Slice]
    searched: int
    families: int
    halves: tuple[int, int]
    overall: float

    @property
    def confirmed(self) -> list[Slice]:
        return [s for s in self.slices if s.confirmed]


@dataclass(frozen=True)
class _Stats:
    """Per-slice statistics of one family, arrays of shape ``(slices, 2 halves)``."""

    n: np.ndarray
    value: np.ndarray
    var: np.ndarray
    rest_n: np.ndarray
    rest_value: np.ndarray
    rest_var: np.ndarray


def _mean_var(n: np.ndarray, s: np.ndarray, ss: np.ndarray, binary: bool) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s / n
        if binary:  # a rate: p(1-p) with one success and one failure added, never 0 on a small slice
            shrunk = (s + 1) / (n + 2)
            var = shrunk * (1 - shrunk)
        else:
            var = np.maximum(ss / n - mean**2, 0) * n / np.maximum(n - 1, 1)
    return mean, var


def _stats(family: Family, half: np.ndarray, scores: RowScores) -> _Stats:
    n, s, ss = family_sums(family, half, scores.weight, scores.score)
    total = np.stack([n.sum(0), s.sum(0), ss.sum(0)])[:, None, :]  # (3, 1, 2): each half's totals
    rest_n, rest_s, rest_ss = total[0] - n, total[1] - s, total[2] - ss
    value, var = _mean_var(n, s, ss, scores.binary)
    rest_value, rest_var = _mean_var(rest_n, rest_s, rest_ss, scores.binary)
    return _Stats(n, value, var, rest_n, rest_value, rest_var)


def _gap_z(stats: _Stats, sign: float, max_gap: float, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gap, its standard error, and ``(gap - max_gap) / se`` in half ``h``."""
    gap = sign * (stats.rest_value[:, h] - stats.value[:, h])
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(stats.var[:, h] / stats.n[:, h] + stats.rest_var[:, h] / stats.rest_n[:, h])
        z = (gap - max_gap) / np.maximum(se, 1e-12)
    return gap, se, z


def search(
    families: list[Family],
    scores: RowScores,
    half: np.ndarray,
    *,
    min_size: int,
    max_gap: float,
    confidence: float,
    correction: str,
) -> Search:
    """Search ``families`` on half 0, confirm the candidates on half 1 (see the module docstring)."""
    sign = 1.0 if scores.higher_is_better else -1.0
    screen = NormalDist().inv_cdf(confidence)
    found = []  # (z on the search half, family index, code)
    all_stats = []
    searched = 0
    for index, family in enumerate(families):
        stats = _stats(family, half, scores)
        all_stats.append(stats)
        big = (np.minimum(stats.n, stats.rest_n) >= min_size).all(axis=1)
        _, _, z = _gap_z(stats, sign, max_gap, 0)
        searched += int(big.sum())
        for code in np.flatnonzero(big & (z >= screen)):
            found.append((float(z[code]), index, int(code)))
    found.sort(key=lambda item: -item[0])
    chosen = found[:CANDIDATES]
    slices = _confirm(
        families,
        all_stats,
        chosen,
        sign=sign,
        max_gap=max_gap,
        confidence=confidence,
        correction=correction,
        binary=scores.binary,
    )
    weight = scores.weight
    overall = float((weight * scores.score).sum() / weight.sum()) if weight.sum() else float("nan")
    halves = (int((half == 0).sum()), int((half == 1).sum()))
    return Search(slices, searched, len(families), halves, overall)


def _confirm(
    families: list[Family],
    all_stats: list[_Stats],
    chosen: list[tuple[float, int, int]],
    *,
    sign: float,
    max_gap: float,
    confidence: float,
    correction: str,
    binary: bool,
) -> list[Slice]:
    rows = []
    for _, index, code in chosen:
        stats = all_stats[index]
        gap, _, z = _gap_z(stats, sign, max_gap, 1)
        search_gap = _gap_z(stats, sign, max_gap, 0)[0][code]
        rows.append((families[index], code, stats, float(gap[code]), float(z[code]), float(search_gap)))
    p = adjust(upper_p(np.array([r[4] for r in rows])), correction)
    width = z_value(confidence)
    out = []
    for (family, code, stats, gap, z, search_gap), p_adjusted in zip(rows, p, strict=True):
        n, value = stats.n[code, 1], stats.value[code, 1]
        margin = width * float(np.sqrt(stats.var[code, 1] / n))
        low, high = value - margin, value + margin
        if binary:
            low, high = max(low, 0.0), min(high, 1.0)
        out.append(
            (
                -z,
                Slice(
                    predicate=family.predicate(code),
                    n=round(n),
                    value=float(value),
                    low=float(low),
                    high=float(high),
                    rest=float(stats.rest_value[code, 1]),
                    gap=gap,
                    search_gap=search_gap,
                    p_adjusted=float(p_adjusted),
                    confirmed=bool(p_adjusted <= 1 - confidence),
                ),
            )
        )
    out.sort(key=lambda item: (not item[1].confirmed, item[0]))
    return [s for _, s in out]
