"""assert_finite: no NaN or infinity in outputs, loss, gradients or parameters, and where the first one appears."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from mltest import _settings, _validation
from mltest._message import compose
from mltest.report import CheckResult
from mltest.training._common import fail, reproduce, succeed
from mltest.training.torch._arguments import EXAMPLES, check_model, model_name, split_batch, tensors_in
from mltest.training.torch._loop import compute_loss, copy_with_optimizer, forward, seeded_all

__all__ = ["assert_finite"]


def _non_finite(where: str, tensor: torch.Tensor) -> dict[str, Any] | None:
    tensor = tensor.detach()
    if not tensor.is_floating_point() and not tensor.is_complex():
        return None
    bad = ~torch.isfinite(tensor)
    if not bad.any():
        return None
    first = tuple(int(i) for i in torch.nonzero(bad)[0].tolist()) if tensor.ndim else ()
    return {
        "where": where,
        "nan": int(torch.isnan(tensor).sum()),
        "+inf": int(torch.isposinf(tensor).sum()),
        "-inf": int(torch.isneginf(tensor).sum()),
        "elements": tensor.numel(),
        "first_index": first,
    }


def _counts(row: dict[str, Any]) -> str:
    return ", ".join(f"{row[k]} {k}" for k in ("nan", "+inf", "-inf") if row[k])


def _first_non_finite(model: torch.nn.Module, inputs: Any, *, outputs_bad: bool) -> dict[str, Any] | None:
    """Where the first NaN or infinity appears in a forward pass, found with module hooks."""
    found: list[dict[str, Any]] = []

    def watch(name: str, module: torch.nn.Module, value: Any, side: str) -> None:
        if found:
            return
        for _, tensor in tensors_in(value, side):
            row = _non_finite(side, tensor)
            if row:
                kind = type(module).__name__
                if side == "input":
                    row["where"] = (
                        f"{_counts(row)} in the input of {name} ({kind}): computed in forward outside the "
                        "submodules (a call such as torch.log, a division, exp or sqrt)"
                    )
                else:
                    row["where"] = f"{_counts(row)} in the output of {name} ({kind}), whose inputs were finite"
                found.append(row)
                return

    handles = []
    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_pre_hook(lambda m, args, name=name: watch(name, m, args, "input")))
            handles.append(module.register_forward_hook(lambda m, args, out, name=name: watch(name, m, out, "output")))
    try:
        with torch.no_grad():
            outputs = forward(model, inputs)
    finally:
        for handle in handles:
            handle.remove()
    if found:
        return found[0]
    if outputs_bad:
        for _, tensor in tensors_in(outputs, "outputs"):
            row = _non_finite("outputs", tensor)
            if row:
                row["where"] = f"{_counts(row)} in the outputs, computed in forward after the last submodule"
                return row
    return None


def _bad(pairs: list[tuple[str, torch.Tensor]]) -> list[dict[str, Any]]:
    return [row for label, tensor in pairs if (row := _non_finite(label, tensor)) is not None]


def _train_until_non_finite(
    clone: torch.nn.Module, opt: torch.optim.Optimizer, batch: tuple[Any, Any], loss_fn: Any, steps: int
) -> tuple[list[dict[str, Any]], int, Any]:
    """Train up to ``steps`` steps, checking each tensor; the non-finite ones, the step, the last outputs."""
    inputs, targets = batch
    table: list[dict[str, Any]] = []
    step, outputs = 0, None
    while not table and step < steps:
        step += 1
        opt.zero_grad(set_to_none=True)
        outputs = forward(clone, inputs)
        table += _bad(tensors_in(outputs, "outputs"))
        loss = compute_loss(loss_fn, outputs, targets)
        table += _bad([("loss", loss)])
        if loss.requires_grad:
            loss.backward()
        table += _bad([(f"gradient of {n}", p.grad) for n, p in clone.named_parameters() if p.grad is not None])
        if table:
            break
        opt.step()
        table += _bad([(f"parameter {n} after the step", p) for n, p in clone.named_parameters()])
    return table, step, outputs


def assert_finite(
    model: torch.nn.Module,
    batch: Any,
    *,
    loss_fn: Callable[[Any, Any], torch.Tensor],
    optimizer: Any = None,
    steps: int = 1,
    seed: int | None = None,
) -> CheckResult:
    """Assert that the outputs, the loss, every gradient and the updated parameters contain no
    NaN or infinity, in any element, over ``steps`` training steps.

    The inputs and targets are checked first, so that bad data is not blamed on the model.
    """
    check_model(model)
    inputs, targets = split_batch(batch, need_targets=True)
    steps = _validation.number("steps", steps, low=1, integer=True)
    seed = _settings.resolve_seed(seed)
    name = model_name(model)
    table = _bad(tensors_in(inputs, "inputs") + tensors_in(targets, "targets"))
    step, outputs = 0, None
    with seeded_all(seed):
        clone, opt = copy_with_optimizer(model, optimizer)
        clone.train()
        table += _bad([(f"parameter {n} (before training)", p) for n, p in clone.named_parameters()])
        if not table:
            table, step, outputs = _train_until_non_finite(clone, opt, (inputs, targets), loss_fn, steps)
    figures = {"steps": step, "non_finite_tensors": len(table), "seed": seed}
    if not table:
        message = (
            f"assert_finite: outputs, loss, gradients and parameters of {name} stayed finite for {steps} "
            f"step{'s' if steps > 1 else ''}"
        )
        return succeed("assert_finite", message, figures)
    where = [row["where"] for row in table]
    origin = None
    if any(w.startswith(("outputs", "loss")) for w in where) and not any(
        w.startswith(("inputs", "targets")) for w in where
    ):
        with seeded_all(seed):
            origin = _first_non_finite(clone, inputs, outputs_bad=any(w.startswith("outputs") for w in where))
    zeros = sum(int((t == 0).sum()) for _, t in tensors_in(outputs, "outputs") if t.is_floating_point()) if step else 0
    verdict = (
        f"assert_finite: {len(table)} tensor{'s' if len(table) > 1 else ''} of {name} hold NaN or infinity at "
        f"training step {step}."
    )
    return fail("assert_finite", _failure(verdict, table, origin, zeros, seed), figures, table)


def _causes(table: list[dict[str, Any]], totals: dict[str, int]) -> list[str]:
    where = [row["where"] for row in table]
    causes = []
    if any(w.startswith(("inputs", "targets")) for w in where):
        causes.append("the data already holds NaN or infinity: clean or impute it before training")
    if totals["-inf"]:
        causes.append("log of zero: torch.log(p) where p underflows to 0 (log of softmax, or of a ReLU output)")
    if totals["nan"]:
        causes.append("0 * inf or inf - inf (a zero target times log(0)), 0/0, or sqrt/log of a negative number")
    if totals["+inf"]:
        causes.append("overflow: exp of a large number, a division by (almost) zero, float16 range exceeded")
    if not any(w.startswith(("outputs", "loss", "inputs", "targets")) for w in where) and any(
        w.startswith("gradient") for w in where
    ):
        causes.append("a function with an infinite derivative where it is evaluated (sqrt or norm at 0, log near 0)")
    if any("after the step" in w for w in where):
        causes.append("the learning rate is too high or gradients explode: clip them (torch.nn.utils.clip_grad_norm_)")
    return causes


def _failure(verdict: str, table: list[dict[str, Any]], origin: dict[str, Any] | None, zeros: int, seed: int) -> str:
    where = [row["where"] for row in table]
    totals = {key: sum(row[key] for row in table) for key in ("nan", "+inf", "-inf")}
    if origin is not None:
        totals = {key: origin[key] for key in totals}
    causes = _causes(table, totals)
    evidence = [
        f"{row['where']}: {_counts(row)} of {row['elements']} "
        f"element{'s' if row['elements'] > 1 else ''}"
        + (f" (first at index {row['first_index']})" if row["first_index"] else "")
        for row in table[: 3 * EXAMPLES]
    ]
    if origin is not None:
        evidence.insert(0, f"first appearance: {origin['where']}")
    if "loss" in where and not any(w.startswith(("outputs", "inputs", "targets")) for w in where) and zeros:
        evidence.insert(0, f"first appearance: the loss, computed from finite outputs that hold {zeros} exact zeros")
        causes.insert(
            0, "log of zero in the loss: log(p) of an output p that is exactly 0 (a softmax that underflowed)"
        )
    return compose(
        verdict,
        evidence=evidence,
        causes=causes,
        fixes=[
            "work in log space: F.log_softmax or F.cross_entropy on logits instead of torch.log(softmax(...))",
            "add an epsilon or clamp before log, division and sqrt: torch.log(p.clamp_min(1e-12))",
        ],
        reproduce=reproduce(seed),
        waive="none: a NaN or infinity is never a threshold question. Fix the first tensor listed; "
        "the later ones usually follow from it.",
    )
