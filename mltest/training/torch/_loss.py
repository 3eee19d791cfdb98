"""The loss goes down: assert_loss_decreases (a few steps) and assert_overfits_batch (one batch by heart)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

from mltest import _settings, _validation
from mltest._message import compose
from mltest.report import CheckResult
from mltest.training._common import fail, reproduce, succeed
from mltest.training.torch._arguments import batch_size, check_model, model_name, split_batch
from mltest.training.torch._loop import (
    DETACHED_CAUSE,
    compute_loss,
    copy_with_optimizer,
    forward,
    loss_is_detached,
    seeded_all,
    train_steps,
)

__all__ = ["assert_loss_decreases", "assert_overfits_batch"]


def assert_loss_decreases(
    model: torch.nn.Module,
    batch: Any,
    *,
    loss_fn: Callable[[Any, Any], torch.Tensor],
    optimizer: Any = None,
    steps: int = 10,
    min_decrease: float = 0.01,
    seed: int | None = None,
) -> CheckResult:
    """Assert that ``steps`` training steps on ``batch`` lower the loss by at least
    ``min_decrease`` (a fraction of the initial loss, default 1%)."""
    check_model(model)
    inputs, targets = split_batch(batch, need_targets=True)
    _validation.number("steps", steps, low=1, integer=True)
    _validation.number("min_decrease", min_decrease, low=0)
    seed = _settings.resolve_seed(seed)
    with seeded_all(seed):
        clone, opt = copy_with_optimizer(model, optimizer)
        clone.train()
        losses = train_steps(clone, opt, inputs, targets, loss_fn, steps)
        detached = loss_is_detached(clone, inputs, targets, loss_fn) if math.isfinite(losses[-1]) else False
    first, last = losses[0], losses[-1]
    required = first - min_decrease * abs(first)
    table = [{"step": i, "loss": loss} for i, loss in enumerate(losses)]
    figures = {
        "initial_loss": first,
        "final_loss": last,
        "steps": len(losses) - 1,
        "min_decrease": min_decrease,
        "seed": seed,
    }
    name = model_name(model)
    if math.isfinite(last) and last <= required and not detached:
        message = (
            f"assert_loss_decreases: the loss of {name} went from {first:.4g} to {last:.4g} in {len(losses) - 1} steps"
        )
        return succeed("assert_loss_decreases", message, figures, table)
    if detached:
        causes = [DETACHED_CAUSE]
        fixes = [
            "keep the forward pass in torch from the inputs to the loss; check loss.requires_grad and loss.grad_fn"
        ]
    elif not math.isfinite(last):
        causes = [f"the loss became {last} at step {len(losses) - 1}: see assert_finite for where it starts"]
        fixes = ["run assert_finite; lower the learning rate; use log_softmax/cross_entropy on logits"]
    elif last > first:
        causes = [
            "the learning rate is too high, so each step overshoots",
            "the loss is maximised: its sign is flipped, or the optimizer has maximize=True",
            "targets do not match the outputs (wrong order, wrong encoding)",
        ]
        fixes = ["lower the learning rate ten-fold", "check the sign of the loss and optimizer.defaults['maximize']"]
    else:
        causes = [
            "the learning rate is too low or set to 0",
            "most parameters are frozen or not in the optimizer (see assert_params_update)",
            "the gradient is blocked (dead ReLUs, saturated activations)",
        ]
        fixes = ["run assert_params_update", "raise the learning rate or the number of steps"]
    message = compose(
        f"assert_loss_decreases: the loss of {name} went from {first:.4g} to {last:.4g} in {len(losses) - 1} steps "
        f"on one batch; required: at most {required:.4g} ({min_decrease:.0%} lower).",
        evidence=["losses: " + ", ".join(f"{loss:.4g}" for loss in losses[:12]) + (" ..." if len(losses) > 12 else "")]
        + (["no trainable parameter received a gradient from the loss"] if detached else []),
        causes=causes,
        fixes=fixes,
        reproduce=reproduce(seed),
        waive="pass steps= more steps or min_decrease= a smaller fraction (0 only asks for no increase).",
    )
    return fail("assert_loss_decreases", message, figures, table)


_LOGIT_LOSSES = (torch.nn.CrossEntropyLoss, torch.nn.BCEWithLogitsLoss)


def _looks_like_probabilities(outputs: Any) -> bool:
    if not isinstance(outputs, torch.Tensor) or outputs.ndim < 2 or outputs.shape[1] < 2:
        return False
    out = outputs.detach().float()
    return bool(
        (out >= 0).all() and (out <= 1).all() and torch.allclose(out.sum(1), torch.ones_like(out.sum(1)), atol=1e-4)
    )


def _ignores_input(outputs: Any) -> bool:
    if not isinstance(outputs, torch.Tensor) or outputs.ndim == 0 or outputs.shape[0] < 2:
        return False
    out = outputs.detach().float()
    return bool(torch.allclose(out, out[:1].expand_as(out), rtol=1e-5, atol=1e-6))


def assert_overfits_batch(
    model: torch.nn.Module,
    batch: Any,
    *,
    loss_fn: Callable[[Any, Any], torch.Tensor],
    optimizer: Any = None,
    steps: int = 200,
    max_loss: float | None = None,
    seed: int | None = None,
) -> CheckResult:
    """Assert that the model can learn one batch by heart: within ``steps`` steps on
    ``batch``, the loss falls to ``max_loss`` (default: 5% of the initial loss).

    Karpathy's "overfit one batch": a model that cannot fit a few samples has a bug, not a
    data problem. Use a small batch (a few dozen samples).
    """
    check_model(model)
    inputs, targets = split_batch(batch, need_targets=True)
    _validation.number("steps", steps, low=1, integer=True)
    if max_loss is not None:
        _validation.number("max_loss", max_loss)
    seed = _settings.resolve_seed(seed)
    with seeded_all(seed):
        clone, opt = copy_with_optimizer(model, optimizer)
        clone.train()
        with torch.no_grad():
            initial = float(compute_loss(loss_fn, forward(clone, inputs), targets))
        target = max_loss if max_loss is not None else 0.05 * initial
        losses = train_steps(clone, opt, inputs, targets, loss_fn, steps, stop_at=target)
        clone.eval()
        with torch.no_grad():
            outputs = forward(clone, inputs)
    best = min(losses) if all(math.isfinite(x) for x in losses) else float("nan")
    final = losses[-1]
    figures = {
        "initial_loss": initial,
        "final_loss": final,
        "best_loss": best,
        "max_loss": target,
        "steps": len(losses) - 1,
        "samples": batch_size(inputs),
        "seed": seed,
    }
    name = model_name(model)
    table = [
        {"step": i, "loss": loss}
        for i, loss in enumerate(losses)
        if i % max(1, len(losses) // 20) == 0 or i == len(losses) - 1
    ]
    if math.isfinite(final) and final <= target:
        message = (
            f"assert_overfits_batch: {name} learned {figures['samples']} samples by heart: loss {initial:.4g} -> "
            f"{final:.4g} (required {target:.4g}) in {figures['steps']} steps"
        )
        return succeed("assert_overfits_batch", message, figures, table)
    verdict = (
        f"assert_overfits_batch: {name} did not learn {figures['samples']} samples by heart: loss {final:.4g} after "
        f"{figures['steps']} steps; required: at most {target:.4g}"
        + (" (5% of the initial loss)." if max_loss is None else ".")
    )
    message = _overfit_failure(verdict, figures, outputs, inputs, loss_fn)
    return fail("assert_overfits_batch", message, figures, table)


def _overfit_failure(verdict: str, figures: dict[str, Any], outputs: Any, inputs: Any, loss_fn: Any) -> str:
    initial, best, final = figures["initial_loss"], figures["best_loss"], figures["final_loss"]
    evidence = [f"loss: {initial:.4g} at the start, best {best:.4g}, last {final:.4g} after {figures['steps']} steps"]
    causes, fixes = [], []
    if _ignores_input(outputs):
        evidence.append("the outputs are the same for every sample in the batch")
        causes.append(
            "the model ignores its input: forward does not use x (a constant, a learned bias only, inputs "
            "overwritten or zeroed, a wrong variable returned)"
        )
        fixes.append("check that forward uses its argument all the way to the output")
    if _looks_like_probabilities(outputs) and (
        isinstance(loss_fn, _LOGIT_LOSSES) or "cross_entropy" in getattr(loss_fn, "__name__", "")
    ):
        evidence.append(
            "the outputs are probabilities (in [0, 1], rows sum to 1) fed to a loss that applies softmax itself"
        )
        causes.append(
            "double softmax: the model ends in softmax and the loss (CrossEntropyLoss) applies log_softmax again, "
            "so the loss cannot go below a floor"
        )
        fixes.append("return logits from the model and let the loss apply softmax")
    if _ignores_input(inputs if isinstance(inputs, torch.Tensor) else inputs[0]):
        causes.append("every sample in the batch has the same inputs")
    if not math.isfinite(final):
        causes.append(f"the loss became {final}: see assert_finite")
    causes += [
        "the learning rate is too low (or too high, so the loss oscillates)",
        "strong regularisation in the way (dropout, weight decay, label smoothing)",
        "the model is too small for the batch, or the targets are inconsistent (the same inputs with "
        "different targets)",
    ]
    return compose(
        verdict,
        evidence=evidence,
        causes=causes,
        fixes=[*fixes, "turn regularisation off for this test, try a ten-fold larger or smaller learning rate"],
        reproduce=reproduce(figures["seed"]),
        waive="pass steps= more steps or max_loss= a higher loss, or use a smaller batch.",
    )
