"""The training loop the checks share: a copy of the model with its own optimizer, seeded steps, the loss."""

from __future__ import annotations

import copy
import functools
import inspect
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

from mltest.errors import invalid_argument, invalid_type
from mltest.training._common import seeded
from mltest.training.torch._arguments import describe, first_line

__all__ = [
    "DEFAULT_LR",
    "DETACHED_CAUSE",
    "build_optimizer",
    "compute_loss",
    "copy_with_optimizer",
    "forward",
    "loss_is_detached",
    "seeded_all",
    "train_step",
    "train_steps",
]


DEFAULT_LR = 0.01


def forward(model: torch.nn.Module, inputs: Any) -> Any:
    try:
        return model(*inputs) if isinstance(inputs, (tuple, list)) else model(inputs)
    except (RuntimeError, ValueError, TypeError, IndexError) as error:
        raise invalid_argument(
            "batch",
            f"<inputs: {describe(inputs)}>",
            f"inputs that the model accepts; model(inputs) raised {type(error).__name__}: {first_line(error)}",
        ) from error


def compute_loss(loss_fn: Any, outputs: Any, targets: Any) -> torch.Tensor:
    if not callable(loss_fn):
        raise invalid_type("loss_fn", loss_fn, "a function loss_fn(outputs, targets) returning a scalar tensor")
    try:
        loss = loss_fn(outputs, targets)
    except (RuntimeError, ValueError, TypeError, IndexError) as error:
        raise invalid_argument(
            "batch",
            f"<targets: {describe(targets)}>",
            f"targets that loss_fn accepts with outputs of {describe(outputs)}; loss_fn raised "
            f"{type(error).__name__}: {first_line(error)}",
        ) from error
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise invalid_argument(
            "loss_fn",
            loss_fn,
            f"a function returning a scalar tensor; it returned {describe(loss)} (use reduction='mean')",
        )
    return loss.reshape(())


def build_optimizer(optimizer: Any, original: torch.nn.Module, clone: torch.nn.Module) -> torch.optim.Optimizer:
    """An optimizer over ``clone`` like ``optimizer`` is over ``original``; the original is never stepped."""
    clone_params = dict(clone.named_parameters())
    if optimizer is None:
        return torch.optim.Adam([p for p in clone_params.values() if p.requires_grad], lr=DEFAULT_LR)
    if isinstance(optimizer, torch.optim.Optimizer):
        names = {id(p): n for n, p in original.named_parameters()}
        held = [p for group in optimizer.param_groups for p in group["params"]]
        foreign = [p for p in held if id(p) not in names]
        if foreign or not held:
            raise invalid_argument(
                "optimizer",
                f"<{type(optimizer).__name__} over {len(held)} tensors>",
                f"an optimizer over this model's parameters; {len(foreign)} of the {len(held)} tensors it holds "
                "are not parameters of model (was it built for another model, or for a copy of this one?)",
            )
        groups = [
            {
                **{k: v for k, v in group.items() if k != "params"},
                "params": [clone_params[names[id(p)]] for p in group["params"]],
            }
            for group in optimizer.param_groups
        ]
        try:
            return type(optimizer)(groups, **optimizer.defaults)
        except TypeError:
            return type(optimizer)(groups)
    if callable(optimizer):
        built = optimizer(clone.parameters())
        if not isinstance(built, torch.optim.Optimizer):
            raise invalid_type("optimizer", built, "a function params -> torch.optim.Optimizer to return an optimizer")
        return built
    raise invalid_type(
        "optimizer",
        optimizer,
        "a torch.optim.Optimizer over model.parameters(), a function params -> optimizer, or None",
    )


def copy_with_optimizer(model: torch.nn.Module, optimizer: Any) -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    clone = copy.deepcopy(model)
    return clone, build_optimizer(optimizer, model, clone)


@contextmanager
def seeded_all(seed: int) -> Iterator[None]:
    """Seed random, numpy and torch; put their states back afterwards."""
    torch_state = torch.get_rng_state()
    torch.manual_seed(seed)
    try:
        with seeded(seed):
            yield
    finally:
        torch.set_rng_state(torch_state)


def train_step(
    model: torch.nn.Module, optimizer: torch.optim.Optimizer, inputs: Any, targets: Any, loss_fn: Any
) -> torch.Tensor:
    """One training step; returns the loss before the update (detached)."""
    optimizer.zero_grad(set_to_none=True)
    loss = compute_loss(loss_fn, forward(model, inputs), targets)
    if loss.requires_grad:
        loss.backward()
        if _needs_closure(optimizer):  # LBFGS re-evaluates the loss itself

            def closure() -> torch.Tensor:
                optimizer.zero_grad()
                again = compute_loss(loss_fn, forward(model, inputs), targets)
                again.backward()
                return again

            optimizer.step(closure)
        else:
            optimizer.step()
    return loss.detach()


@functools.cache
def _needs_closure_by_type(cls: type) -> bool:
    try:
        closure = inspect.signature(cls.step).parameters.get("closure")
    except (TypeError, ValueError):
        return False
    return closure is not None and closure.default is inspect.Parameter.empty


def _needs_closure(optimizer: torch.optim.Optimizer) -> bool:
    return _needs_closure_by_type(type(optimizer))


def train_steps(
    model: torch.nn.Module,
    opt: torch.optim.Optimizer,
    inputs: Any,
    targets: Any,
    loss_fn: Any,
    steps: int,
    stop_at: float | None = None,
) -> list[float]:
    """Losses before each step and after the last; stops early below ``stop_at`` or at a non-finite loss."""
    losses = []
    for _ in range(steps):
        loss = float(train_step(model, opt, inputs, targets, loss_fn))
        losses.append(loss)
        if not math.isfinite(loss) or (stop_at is not None and loss <= stop_at):
            return losses
    with torch.no_grad():
        losses.append(float(compute_loss(loss_fn, forward(model, inputs), targets)))
    return losses


def loss_is_detached(model: torch.nn.Module, inputs: Any, targets: Any, loss_fn: Any) -> bool:
    """Whether the loss reaches no trainable parameter at all."""
    for p in model.parameters():
        p.grad = None
    loss = compute_loss(loss_fn, forward(model, inputs), targets)
    if not loss.requires_grad:
        return True
    loss.backward()
    reached = any(p.grad is not None for p in model.parameters())
    for p in model.parameters():
        p.grad = None
    return not reached


DETACHED_CAUSE = (
    "the loss is detached from the model: a tensor left the autograd graph on the way (.detach(), .data, "
    ".item(), a .numpy() round trip, torch.tensor(...) rebuilt from values, or a forward under torch.no_grad())"
)
