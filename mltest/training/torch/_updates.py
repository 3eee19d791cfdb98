"""assert_params_update: one training step updates every trainable parameter, and only those."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch

from mltest import _settings
from mltest._message import compose
from mltest.report import CheckResult
from mltest.training._common import fail, reproduce, succeed
from mltest.training.torch._arguments import EXAMPLES, check_model, model_name, resolve_frozen, shape_text, split_batch
from mltest.training.torch._loop import copy_with_optimizer, seeded_all, train_step

__all__ = ["assert_params_update"]


_PROBLEMS = {
    "frozen": (
        "requires_grad=False but not listed in frozen",
        "a layer left frozen: requires_grad_(False) (or a pretrained backbone frozen on purpose) that "
        "was never unfrozen",
        "unfreeze it (param.requires_grad_(True)), or list it in frozen= if it is frozen on purpose",
    ),
    "no_grad": (
        "received no gradient (grad is None)",
        "the parameter does not take part in the loss: a detached tensor on the way (.detach(), .data, .item(), "
        "a .numpy() round trip), a branch under torch.no_grad(), or a layer defined but never called in forward",
        "follow the tensor from this layer to the loss and remove what cuts the graph",
    ),
    "nonfinite_grad": (
        "gradient has NaN or infinite elements",
        "NaN or inf in the backward pass (log or division of zero, sqrt at 0, overflow): see assert_finite",
        "run assert_finite to find where the first non-finite value appears",
    ),
    "zero_grad": (
        "gradient is zero in every element",
        "the gradient is blocked: dead ReLUs, a multiplication by zero, a mask that removes everything, "
        "argmax/round/comparisons in the path, or weights initialised to zero",
        "look at the activations feeding this layer; re-initialise it with non-zero weights",
    ),
    "not_in_optimizer": (
        "is not held by the optimizer",
        "the optimizer was built before the layer was added or replaced, or over a subset of parameters",
        "build the optimizer over model.parameters() after the model is complete",
    ),
    "unchanged": (
        "did not change after the step although its gradient is non-zero",
        "a learning rate of 0 (or a scheduler that set it to 0) in this parameter group, or an update "
        "too small for its dtype",
        "check the param_groups' lr",
    ),
    "frozen_changed": (
        "changed although listed in frozen",
        "the frozen parameter still requires grad and sits in the optimizer, or weight decay moves it "
        "even without gradient",
        "call requires_grad_(False) on it and leave it out of the optimizer",
    ),
    "frozen_buffer_changed": (
        "buffer changed although listed in frozen",
        "BatchNorm running statistics update in train mode even when the module's parameters are frozen",
        "keep the frozen module in eval mode while training: override the model's train(mode) to call "
        "self.<module>.eval() after super().train(mode), or set track_running_stats=False",
    ),
}


def _kind(p: torch.nn.Parameter, before: torch.Tensor, frozen: bool, held: set[int]) -> str | None:
    """What is wrong with parameter ``p`` after one step (a key of ``_PROBLEMS``), or None."""
    grad = p.grad
    changed = not torch.equal(p.detach(), before)
    if frozen:
        return "frozen_changed" if changed else None
    if not p.requires_grad:
        return "frozen"
    if grad is None:
        return "no_grad"
    if not torch.isfinite(grad).all():
        return "nonfinite_grad"
    if not grad.any():
        return "zero_grad"
    if id(p) not in held:
        return "not_in_optimizer"
    return None if changed else "unchanged"


def _row(name: str, tensor: torch.Tensor, kind: str) -> dict[str, Any]:
    grad = getattr(tensor, "grad", None)
    grad_norm = float(grad.norm()) if grad is not None and torch.isfinite(grad).all() else None
    row = {"parameter": name, "shape": shape_text(tensor), "problem": _PROBLEMS[kind][0], "kind": kind}
    return {**row, "grad_norm": grad_norm}


def assert_params_update(
    model: torch.nn.Module,
    batch: Any,
    *,
    loss_fn: Callable[[Any, Any], torch.Tensor],
    optimizer: Any = None,
    frozen: Iterable[str] | str = (),
    seed: int | None = None,
) -> CheckResult:
    """Assert that one training step updates every trainable parameter, and only those.

    After one step on ``batch`` (model in train mode), every parameter that is not named in
    ``frozen`` must have ``requires_grad=True``, a finite gradient that is non-zero somewhere,
    be held by the optimizer, and have changed. Parameters and buffers named in ``frozen``
    (names or module prefixes such as ``"encoder"``) must not change.
    """
    check_model(model)
    inputs, targets = split_batch(batch, need_targets=True)
    frozen_names = resolve_frozen(model, frozen)
    seed = _settings.resolve_seed(seed)
    with seeded_all(seed):
        clone, opt = copy_with_optimizer(model, optimizer)
        clone.train()
        params = dict(clone.named_parameters())
        before = {n: p.detach().clone() for n, p in params.items()}
        buffers_before = {n: b.detach().clone() for n, b in clone.named_buffers() if n in frozen_names}
        loss = train_step(clone, opt, inputs, targets, loss_fn)
    held = {id(p) for group in opt.param_groups for p in group["params"]}
    table = [
        _row(n, p, kind)
        for n, p in params.items()
        if (kind := _kind(p, before[n], n in frozen_names, held)) is not None
    ]
    table += [
        _row(n, b, "frozen_buffer_changed")
        for n, b in clone.named_buffers()
        if n in buffers_before and not torch.equal(b, buffers_before[n])
    ]
    trainable = [n for n in params if n not in frozen_names]
    figures = {"parameters": len(params), "trainable": len(trainable), "frozen": len(frozen_names)}
    figures |= {"problems": len(table), "loss": float(loss), "seed": seed}
    name = model_name(model)
    if not table:
        message = f"assert_params_update: one step updated all {len(trainable)} trainable parameters of {name}" + (
            f" and left the {len(frozen_names)} frozen ones as they were" if frozen_names else ""
        )
        return succeed("assert_params_update", message, figures)
    checked = f"{len(params) + len(buffers_before)} parameters{' and frozen buffers' if buffers_before else ''}"
    verdict = (
        f"assert_params_update: {len(table)} of {checked} of {name} misbehaved in one training step "
        f"(loss {float(loss):.4g})."
    )
    return fail("assert_params_update", _failure(verdict, table, seed), figures, table)


def _failure(verdict: str, table: list[dict[str, Any]], seed: int) -> str:
    kinds = list(dict.fromkeys(row["kind"] for row in table))
    offenders = [
        row["parameter"]
        for row in table
        if row["kind"] in ("frozen", "no_grad", "zero_grad", "not_in_optimizer", "unchanged")
    ]
    waive = (
        f"if these parameters are meant to stay fixed, pass frozen={offenders!r}."
        if offenders
        else "none for parameters named in frozen: remove a name from frozen= if it is meant to train."
    )
    return compose(
        verdict,
        evidence=[
            f"{row['parameter']} ({row['shape']}): {row['problem']}"
            + (f", gradient norm {row['grad_norm']:.3g}" if row["grad_norm"] is not None else "")
            for row in table[: 4 * EXAMPLES]
        ],
        causes=[_PROBLEMS[k][1] for k in kinds],
        fixes=[_PROBLEMS[k][2] for k in kinds],
        reproduce=reproduce(seed),
        waive=waive,
    )
