"""assert_deterministic: two seeded training runs end with the same model."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

from mltest import _settings, _validation
from mltest._message import compose
from mltest.errors import invalid_type
from mltest.report import CheckResult
from mltest.training._common import fail, reproduce, succeed
from mltest.training.torch._arguments import EXAMPLES, check_model, split_batch, tensors_in
from mltest.training.torch._loop import build_optimizer, copy_with_optimizer, forward, seeded_all, train_steps

__all__ = ["assert_deterministic"]


def _max_gap(a: torch.Tensor, b: torch.Tensor) -> float:
    """The largest element-wise difference of two tensors of one shape (a NaN counts as infinite)."""
    return float((a.float() - b.float()).abs().nan_to_num(nan=math.inf).max()) if a.numel() else 0.0


Run = tuple[list[float], dict[str, torch.Tensor], Any, str]  # losses, parameters, eval outputs, model class


def _run(model: Any, factory: Any, optimizer: Any, batch: tuple[Any, Any], options: tuple[Any, int, int]) -> Run:
    """One seeded training run on a copy of ``model`` (or a model ``factory`` builds)."""
    inputs, targets = batch
    loss_fn, steps, seed = options
    with seeded_all(seed):
        if factory is not None:
            clone = check_model(factory())
            opt = build_optimizer(optimizer, clone, clone)
        else:
            clone, opt = copy_with_optimizer(model, optimizer)
        clone.train()
        losses = train_steps(clone, opt, inputs, targets, loss_fn, steps) if steps else []
        clone.eval()
        with torch.no_grad():
            outputs = forward(clone, inputs)
    return losses, {n: p.detach().clone() for n, p in clone.named_parameters()}, outputs, type(clone).__name__


def _differing(first: Run, second: Run, atol: float) -> list[dict[str, Any]]:
    """The parameters and outputs of two runs that differ by more than ``atol``, largest first."""
    (_, params_a, out_a, _), (_, params_b, out_b, _) = first, second
    rows = []
    for n in params_a:
        if n in params_b and params_a[n].shape == params_b[n].shape:
            gap = _max_gap(params_a[n], params_b[n])
            if gap > atol:
                rows.append({"tensor": f"parameter {n}", "max_difference": gap})
    for (label, a), (_, b) in zip(tensors_in(out_a, "outputs"), tensors_in(out_b, "outputs"), strict=False):
        gap = _max_gap(a, b) if a.shape == b.shape else math.inf
        if gap > atol:
            rows.append({"tensor": label, "max_difference": gap})
    return sorted(rows, key=lambda r: -r["max_difference"])


def assert_deterministic(
    model: torch.nn.Module | Callable[[], torch.nn.Module],
    batch: Any,
    *,
    loss_fn: Callable[[Any, Any], torch.Tensor],
    optimizer: Any = None,
    steps: int = 2,
    seed: int | None = None,
    atol: float = 0.0,
) -> CheckResult:
    """Assert that two training runs with the same seed end with the same model.

    Twice: seed ``random``, numpy and torch with ``seed``, copy the model (or build it, when
    ``model`` is a function with no arguments, so that initialisation is checked too), train
    ``steps`` steps on ``batch``, and compute the outputs in eval mode. Losses, parameters and
    outputs of the two runs must agree within ``atol``.
    """
    factory = None
    if not isinstance(model, torch.nn.Module) and callable(model):
        factory = model
    else:
        check_model(model)
    if factory is not None and isinstance(optimizer, torch.optim.Optimizer):
        raise invalid_type(
            "optimizer",
            optimizer,
            "a function params -> optimizer (or None) when model is a function that builds the model",
        )
    batch = split_batch(batch, need_targets=True)
    steps = _validation.number("steps", steps, low=0, integer=True)
    atol = _validation.number("atol", atol, low=0)
    seed = _settings.resolve_seed(seed)
    first, second = (_run(model, factory, optimizer, batch, (loss_fn, steps, seed)) for _ in range(2))
    rows = _differing(first, second, atol)
    loss_gaps = [abs(a - b) for a, b in zip(first[0], second[0], strict=False)]
    first_step = next((i for i, gap in enumerate(loss_gaps) if not gap <= atol), None)
    figures = {"seed": seed, "steps": steps, "differing_tensors": len(rows), "atol": atol}
    name = first[3]
    if not rows and first_step is None:
        message = (
            f"assert_deterministic: two runs of {name} with seed {seed} gave the same losses, parameters and "
            f"outputs after {steps} steps"
        )
        return succeed("assert_deterministic", message, figures)
    evidence = []
    if first_step is not None:
        evidence.append(
            f"the losses first differ at step {first_step}: {first[0][first_step]:.6g} vs {second[0][first_step]:.6g}"
        )
    evidence += [f"{r['tensor']}: differs by up to {r['max_difference']:.3g}" for r in rows[:EXAMPLES]]
    causes = [
        "randomness the seed does not reach: np.random.default_rng() or random.Random() without a seed, a "
        "torch.Generator seeded with .seed(), torch.seed() (which re-seeds from the OS), the clock, os.urandom",
        "uninitialised memory (torch.empty) used as values",
        "non-deterministic kernels (scatter_add, index_add on GPU): "
        "torch.use_deterministic_algorithms(True) names them",
    ]
    if factory is not None and first_step == 0:
        causes.insert(
            0, "initialisation draws randomness the seed does not reach (the runs differ before any training)"
        )
    message = compose(
        f"assert_deterministic: two runs of {name} with the same seed ({seed}) differ: {len(rows)} tensors differ by "
        f"more than atol={atol:g} after {steps} training steps.",
        evidence=evidence,
        causes=causes,
        fixes=["draw every random number from torch's global generator, or from a generator seeded from one seed"],
        reproduce=reproduce(seed),
        waive="pass atol= the difference you accept (for example for non-deterministic GPU kernels).",
    )
    return fail("assert_deterministic", message, figures, rows)
