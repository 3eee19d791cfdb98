"""How often the fairness verdicts with confidence= are wrong, by simulation (not a timing benchmark).

For each setting (number of groups x rows per group x the true rates), many samples are drawn,
``group_metrics`` gives the difference and ratio intervals, and the verdict is counted:

- a fair model (every group at the same rate) must be "violated" in at most 1 - confidence of
  the samples (the promise of the docs), and so must a model whose true gap is exactly the
  threshold (the hardest case for the lower bound);
- a clearly unfair model should be "violated" (the power of the check).

The percentile interval of the resampled ``max - min`` used before failed the fair model with
40 groups of 200 rows in 20 of 20 samples (issue 11); tests/test_fairness_verdicts.py runs a
small version of this sweep on every ``make test``.

    python benchmarks/fairness_verdicts.py              # 200 samples per setting
    python benchmarks/fairness_verdicts.py --samples 50
"""

from __future__ import annotations

import argparse
import collections

import numpy as np

from mltest import fairness as mf

# (name, groups, rows per group, rate of each group as a function of the group count, method)
SETTINGS = [
    ("fair", 2, 30, lambda g: [0.3] * g, "between_groups"),
    ("fair", 10, 30, lambda g: [0.3] * g, "between_groups"),
    ("fair", 40, 30, lambda g: [0.3] * g, "between_groups"),
    ("fair", 10, 200, lambda g: [0.3] * g, "between_groups"),
    ("fair", 40, 200, lambda g: [0.3] * g, "between_groups"),
    ("fair", 40, 200, lambda g: [0.3] * g, "to_overall"),
    ("gap = threshold", 2, 200, lambda g: [0.3, 0.4], "between_groups"),
    ("gap = threshold", 10, 200, lambda g: [0.3] * (g - 1) + [0.4], "between_groups"),
    ("gap = threshold", 40, 200, lambda g: [0.3] * (g // 2) + [0.4] * (g // 2), "between_groups"),
    ("ratio = 0.8", 10, 200, lambda g: [0.5] * (g - 1) + [0.4], "between_groups"),
    ("unfair (0.3 vs 0.6)", 40, 200, lambda g: [0.3] * (g - 1) + [0.6], "between_groups"),
    ("unfair (0.3 vs 0.6)", 10, 30, lambda g: [0.3] * (g - 1) + [0.6], "between_groups"),
]


def verdict(interval: tuple[float, float], threshold: float, *, upper: bool) -> str:
    lo, hi = interval if upper else (-interval[1], -interval[0])
    limit = threshold if upper else -threshold
    return "violated" if lo > limit + 1e-12 else "holds" if hi <= limit + 1e-12 else "inconclusive"


def sample(groups: int, rows: int, rates: list[float], method: str, seed: int) -> mf.GroupMetrics:
    rng = np.random.default_rng(seed)
    group = np.repeat(np.arange(groups), rows)
    y_pred = (rng.random(groups * rows) < np.repeat(rates, rows)).astype(int)
    return mf.group_metrics(None, y_pred, sensitive_features=group, method=method, confidence=0.95, seed=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args(argv)
    print(f"confidence 0.95 (at most 5% 'violated' for a fair model), {args.samples} samples per setting")
    print(f"{'model':<21}{'groups':>7}{'rows':>6}  {'method':<15}{'difference > 0.1':<48}ratio < 0.8")
    for name, groups, rows, rates, method in SETTINGS:
        tallies = [collections.Counter(), collections.Counter()]
        for seed in range(args.samples):
            gm = sample(groups, rows, rates(groups), method, seed)
            tallies[0][verdict(gm.difference_interval, 0.1, upper=True)] += 1
            tallies[1][verdict(gm.ratio_interval, 0.8, upper=False)] += 1
        shown = [
            "  ".join(f"{k} {t[k] / args.samples:.1%}" for k in ("violated", "inconclusive", "holds")) for t in tallies
        ]
        print(f"{name:<21}{groups:>7}{rows:>6}  {method:<15}{shown[0]:<46}  {shown[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
