"""Training-sanity checks for PyTorch models.

Each check works on a deep copy of the model and, when an optimizer is given, on a new
optimizer of the same class with the same hyper-parameters built over the copy: the model
and optimizer passed in are left as they were, and so are the global random generators
(``random``, numpy and torch are seeded inside the check and restored afterwards).

Common arguments:

- ``batch``: ``(inputs, targets)``; ``inputs`` is a tensor or a tuple of tensors passed to
  the model positionally. Checks that need no targets also take the inputs alone.
- ``loss_fn``: ``loss_fn(outputs, targets)`` returns a scalar tensor (``nn.CrossEntropyLoss()``).
- ``optimizer``: an optimizer over ``model.parameters()``, a function ``params -> optimizer``,
  or ``None`` for ``torch.optim.Adam(lr=0.01)``.
- ``seed``: default the project's ``seed`` setting.
"""

from __future__ import annotations

try:
    import torch
except ImportError:  # pragma: no cover - exercised in a subprocess without torch
    raise ImportError(
        "mltest.training.torch needs PyTorch, which is not installed: pip install torch "
        "(the scikit-learn checks in mltest.training work without it)"
    ) from None

import copy
import functools
import inspect
import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from mltest import _settings
from mltest.errors import InvalidArgument, invalid_argument, invalid_type
from mltest.report import CheckResult
from mltest.training._common import check_number, fail, health_message, seeded, succeed

__all__ = [
    "assert_batch_independence",
    "assert_deterministic",
    "assert_finite",
    "assert_initial_loss",
    "assert_loss_decreases",
    "assert_output_range",
    "assert_overfits_batch",
    "assert_params_update",
]

DEFAULT_LR = 0.01
_EXAMPLES = 5

# ---------------------------------------------------------------------------------------------
# arguments


def _check_model(model: Any, *, trainable: bool = True) -> torch.nn.Module:
    if isinstance(model, type):
        raise invalid_type("model", model, f"a torch.nn.Module instance such as {model.__name__}(), not a class")
    if not isinstance(model, torch.nn.Module):
        raise invalid_type("model", model, "a torch.nn.Module")
    if trainable and not any(True for _ in model.parameters()):
        raise invalid_argument(
            "model",
            f"<{type(model).__name__} with no parameters>",
            "a torch.nn.Module with at least one parameter (this one has none, so there is nothing to train)",
        )
    return model


def _describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_describe(v) for v in value) + ")"
    return type(value).__name__


def _parts(inputs: Any) -> tuple[torch.Tensor, ...] | list[torch.Tensor]:
    """The input tensors: ``inputs`` itself when it is a tuple or list, else ``(inputs,)``."""
    return inputs if isinstance(inputs, (tuple, list)) else (inputs,)


def _split_batch(batch: Any, *, need_targets: bool) -> tuple[Any, Any]:
    """``(inputs, targets)`` from a batch; ``targets`` is None when only inputs were given."""
    if isinstance(batch, torch.Tensor):
        inputs, targets = batch, None
    elif isinstance(batch, (tuple, list)) and len(batch) == 2:
        inputs, targets = batch
    else:
        raise invalid_type("batch", batch, "a pair (inputs, targets) of tensors, or a tensor of inputs")
    parts = _parts(inputs)
    if not parts or not all(isinstance(p, torch.Tensor) for p in parts):
        raise invalid_type("batch", batch, "inputs that are a tensor or a tuple of tensors")
    if any(p.ndim == 0 for p in parts):
        raise invalid_argument("batch", _describe(inputs), "inputs with a batch dimension first, not a scalar")
    if need_targets and targets is None:
        raise invalid_argument("batch", _describe(batch), "a pair (inputs, targets): this check computes a loss")
    return inputs, targets


def _batch_size(inputs: Any) -> int:
    return int(_parts(inputs)[0].shape[0])


def _forward(model: torch.nn.Module, inputs: Any) -> Any:
    try:
        return model(*inputs) if isinstance(inputs, (tuple, list)) else model(inputs)
    except (RuntimeError, ValueError, TypeError, IndexError) as error:
        raise invalid_argument(
            "batch",
            f"<inputs: {_describe(inputs)}>",
            f"inputs that the model accepts; model(inputs) raised {type(error).__name__}: {_first_line(error)}",
        ) from error


def _loss(loss_fn: Any, outputs: Any, targets: Any) -> torch.Tensor:
    if not callable(loss_fn):
        raise invalid_type("loss_fn", loss_fn, "a function loss_fn(outputs, targets) returning a scalar tensor")
    try:
        loss = loss_fn(outputs, targets)
    except (RuntimeError, ValueError, TypeError, IndexError) as error:
        raise invalid_argument(
            "batch",
            f"<targets: {_describe(targets)}>",
            f"targets that loss_fn accepts with outputs of {_describe(outputs)}; loss_fn raised "
            f"{type(error).__name__}: {_first_line(error)}",
        ) from error
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise invalid_argument(
            "loss_fn",
            loss_fn,
            f"a function returning a scalar tensor; it returned {_describe(loss)} (use reduction='mean')",
        )
    return loss.reshape(())


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else ""


def _resolve_frozen(model: torch.nn.Module, frozen: Any) -> set[str]:
    """Names of parameters and buffers covered by ``frozen`` (names or module prefixes)."""
    if isinstance(frozen, str):
        frozen = [frozen]
    if not isinstance(frozen, Iterable):
        raise invalid_type("frozen", frozen, "a list of parameter, buffer or module names")
    names = [n for n, _ in model.named_parameters()] + [n for n, _ in model.named_buffers()]
    covered: set[str] = set()
    for entry in frozen:
        if not isinstance(entry, str):
            raise invalid_type("frozen", entry, "names (str) of parameters, buffers or modules")
        match = {n for n in names if n == entry or n.startswith(entry + ".")}
        if not match:
            modules = [m for m, _ in model.named_modules() if m]
            raise invalid_argument(
                "frozen",
                entry,
                f"a parameter, buffer or module name of the model, such as {names[:3]}",
                choices=names + modules,
            )
        covered |= match
    return covered


def _build_optimizer(optimizer: Any, original: torch.nn.Module, clone: torch.nn.Module) -> torch.optim.Optimizer:
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


def _copy(model: torch.nn.Module, optimizer: Any) -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    clone = copy.deepcopy(model)
    return clone, _build_optimizer(optimizer, model, clone)


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Seed random, numpy and torch; put their states back afterwards."""
    torch_state = torch.get_rng_state()
    torch.manual_seed(seed)
    try:
        with seeded(seed):
            yield
    finally:
        torch.set_rng_state(torch_state)


def _step(
    model: torch.nn.Module, optimizer: torch.optim.Optimizer, inputs: Any, targets: Any, loss_fn: Any
) -> torch.Tensor:
    """One training step; returns the loss before the update (detached)."""
    optimizer.zero_grad(set_to_none=True)
    loss = _loss(loss_fn, _forward(model, inputs), targets)
    if loss.requires_grad:
        loss.backward()
        if _needs_closure(optimizer):  # LBFGS re-evaluates the loss itself

            def closure() -> torch.Tensor:
                optimizer.zero_grad()
                again = _loss(loss_fn, _forward(model, inputs), targets)
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


def _shape(tensor: torch.Tensor) -> str:
    return "x".join(str(s) for s in tensor.shape) or "scalar"


def _name(model: Any) -> str:
    return type(model).__name__


def _detached_loss(model: torch.nn.Module, inputs: Any, targets: Any, loss_fn: Any) -> bool:
    """Whether the loss reaches no trainable parameter at all."""
    for p in model.parameters():
        p.grad = None
    loss = _loss(loss_fn, _forward(model, inputs), targets)
    if not loss.requires_grad:
        return True
    loss.backward()
    reached = any(p.grad is not None for p in model.parameters())
    for p in model.parameters():
        p.grad = None
    return not reached


_DETACHED_CAUSE = (
    "the loss is detached from the model: a tensor left the autograd graph on the way (.detach(), .data, "
    ".item(), a .numpy() round trip, torch.tensor(...) rebuilt from values, or a forward under torch.no_grad())"
)

# ---------------------------------------------------------------------------------------------
# assert_params_update

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
    _check_model(model)
    inputs, targets = _split_batch(batch, need_targets=True)
    frozen_names = _resolve_frozen(model, frozen)
    seed = _settings.resolve_seed(seed)
    with _seeded(seed):
        clone, opt = _copy(model, optimizer)
        clone.train()
        params = dict(clone.named_parameters())
        before = {n: p.detach().clone() for n, p in params.items()}
        buffers_before = {n: b.detach().clone() for n, b in clone.named_buffers() if n in frozen_names}
        loss = _step(clone, opt, inputs, targets, loss_fn)
    held = {id(p) for group in opt.param_groups for p in group["params"]}
    table: list[dict[str, Any]] = []

    def problem(name: str, tensor: torch.Tensor, kind: str, grad: torch.Tensor | None) -> None:
        grad_norm = float(grad.norm()) if grad is not None and torch.isfinite(grad).all() else None
        table.append(
            {
                "parameter": name,
                "shape": _shape(tensor),
                "problem": _PROBLEMS[kind][0],
                "kind": kind,
                "grad_norm": grad_norm,
            }
        )

    for name, p in params.items():
        grad = p.grad
        changed = not torch.equal(p.detach(), before[name])
        if name in frozen_names:
            if changed:
                problem(name, p, "frozen_changed", grad)
        elif not p.requires_grad:
            problem(name, p, "frozen", grad)
        elif grad is None:
            problem(name, p, "no_grad", grad)
        elif not torch.isfinite(grad).all():
            problem(name, p, "nonfinite_grad", grad)
        elif not grad.any():
            problem(name, p, "zero_grad", grad)
        elif id(p) not in held:
            problem(name, p, "not_in_optimizer", grad)
        elif not changed:
            problem(name, p, "unchanged", grad)
    for name, b in clone.named_buffers():
        if name in buffers_before and not torch.equal(b, buffers_before[name]):
            problem(name, b, "frozen_buffer_changed", None)
    trainable = [n for n in params if n not in frozen_names]
    figures = {
        "parameters": len(params),
        "trainable": len(trainable),
        "frozen": len(frozen_names),
        "problems": len(table),
        "loss": float(loss),
        "seed": seed,
    }
    name = _name(model)
    if not table:
        message = f"assert_params_update: one step updated all {len(trainable)} trainable parameters of {name}" + (
            f" and left the {len(frozen_names)} frozen ones as they were" if frozen_names else ""
        )
        return succeed("assert_params_update", message, figures)
    kinds = list(dict.fromkeys(row["kind"] for row in table))
    offenders = [
        row["parameter"]
        for row in table
        if row["kind"] in ("frozen", "no_grad", "zero_grad", "not_in_optimizer", "unchanged")
    ]
    silence = (
        f"if these parameters are meant to stay fixed, pass frozen={offenders!r}."
        if offenders
        else "none for parameters named in frozen: remove a name from frozen= if it is meant to train."
    )
    message = health_message(
        f"assert_params_update: {len(table)} of {len(params) + len(buffers_before)} parameters"
        f"{' and frozen buffers' if buffers_before else ''} of {name} misbehaved in one training step "
        f"(loss {float(loss):.4g}).",
        evidence=[
            f"{row['parameter']} ({row['shape']}): {row['problem']}"
            + (f", gradient norm {row['grad_norm']:.3g}" if row["grad_norm"] is not None else "")
            for row in table[: 4 * _EXAMPLES]
        ],
        causes=[_PROBLEMS[k][1] for k in kinds],
        fixes=[_PROBLEMS[k][2] for k in kinds],
        silence=silence,
    )
    return fail("assert_params_update", message, figures, table)


# ---------------------------------------------------------------------------------------------
# assert_loss_decreases


def _train(
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
        loss = float(_step(model, opt, inputs, targets, loss_fn))
        losses.append(loss)
        if not math.isfinite(loss) or (stop_at is not None and loss <= stop_at):
            return losses
    with torch.no_grad():
        losses.append(float(_loss(loss_fn, _forward(model, inputs), targets)))
    return losses


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
    _check_model(model)
    inputs, targets = _split_batch(batch, need_targets=True)
    check_number("steps", steps, low=1, integer=True)
    check_number("min_decrease", min_decrease, low=0)
    seed = _settings.resolve_seed(seed)
    with _seeded(seed):
        clone, opt = _copy(model, optimizer)
        clone.train()
        losses = _train(clone, opt, inputs, targets, loss_fn, steps)
        detached = _detached_loss(clone, inputs, targets, loss_fn) if math.isfinite(losses[-1]) else False
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
    name = _name(model)
    if math.isfinite(last) and last <= required and not detached:
        message = (
            f"assert_loss_decreases: the loss of {name} went from {first:.4g} to {last:.4g} in {len(losses) - 1} steps"
        )
        return succeed("assert_loss_decreases", message, figures, table)
    if detached:
        causes = [_DETACHED_CAUSE]
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
    message = health_message(
        f"assert_loss_decreases: the loss of {name} went from {first:.4g} to {last:.4g} in {len(losses) - 1} steps "
        f"on one batch; required: at most {required:.4g} ({min_decrease:.0%} lower).",
        evidence=["losses: " + ", ".join(f"{loss:.4g}" for loss in losses[:12]) + (" ..." if len(losses) > 12 else "")]
        + (["no trainable parameter received a gradient from the loss"] if detached else []),
        causes=causes,
        fixes=fixes,
        silence="pass steps= more steps or min_decrease= a smaller fraction (0 only asks for no increase).",
    )
    return fail("assert_loss_decreases", message, figures, table)


# ---------------------------------------------------------------------------------------------
# assert_overfits_batch


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
    _check_model(model)
    inputs, targets = _split_batch(batch, need_targets=True)
    check_number("steps", steps, low=1, integer=True)
    if max_loss is not None:
        check_number("max_loss", max_loss)
    seed = _settings.resolve_seed(seed)
    with _seeded(seed):
        clone, opt = _copy(model, optimizer)
        clone.train()
        with torch.no_grad():
            initial = float(_loss(loss_fn, _forward(clone, inputs), targets))
        target = max_loss if max_loss is not None else 0.05 * initial
        losses = _train(clone, opt, inputs, targets, loss_fn, steps, stop_at=target)
        clone.eval()
        with torch.no_grad():
            outputs = _forward(clone, inputs)
    best = min(losses) if all(math.isfinite(x) for x in losses) else float("nan")
    final = losses[-1]
    figures = {
        "initial_loss": initial,
        "final_loss": final,
        "best_loss": best,
        "max_loss": target,
        "steps": len(losses) - 1,
        "samples": _batch_size(inputs),
        "seed": seed,
    }
    name = _name(model)
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
    causes = []
    fixes = []
    evidence = [f"loss: {initial:.4g} at the start, best {best:.4g}, last {final:.4g} after {figures['steps']} steps"]
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
    message = health_message(
        f"assert_overfits_batch: {name} did not learn {figures['samples']} samples by heart: loss {final:.4g} after "
        f"{figures['steps']} steps; required: at most {target:.4g}"
        + (" (5% of the initial loss)." if max_loss is None else "."),
        evidence=evidence,
        causes=causes,
        fixes=[*fixes, "turn regularisation off for this test, try a ten-fold larger or smaller learning rate"],
        silence="pass steps= more steps or max_loss= a higher loss, or use a smaller batch.",
    )
    return fail("assert_overfits_batch", message, figures, table)


# ---------------------------------------------------------------------------------------------
# assert_finite


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


def _tensors(value: Any, label: str) -> list[tuple[str, torch.Tensor]]:
    if isinstance(value, torch.Tensor):
        return [(label, value)]
    if isinstance(value, (tuple, list)):
        return [item for i, v in enumerate(value) for item in _tensors(v, f"{label}[{i}]")]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _tensors(v, f"{label}[{k!r}]")]
    return []


def _counts(row: dict[str, Any]) -> str:
    return ", ".join(f"{row[k]} {k}" for k in ("nan", "+inf", "-inf") if row[k])


def _first_non_finite(model: torch.nn.Module, inputs: Any, *, outputs_bad: bool) -> dict[str, Any] | None:
    """Where the first NaN or infinity appears in a forward pass, found with module hooks."""
    found: list[dict[str, Any]] = []

    def watch(name: str, module: torch.nn.Module, value: Any, side: str) -> None:
        if found:
            return
        for _, tensor in _tensors(value, side):
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
            outputs = _forward(model, inputs)
    finally:
        for handle in handles:
            handle.remove()
    if found:
        return found[0]
    if outputs_bad:
        for _, tensor in _tensors(outputs, "outputs"):
            row = _non_finite("outputs", tensor)
            if row:
                row["where"] = f"{_counts(row)} in the outputs, computed in forward after the last submodule"
                return row
    return None


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
    _check_model(model)
    inputs, targets = _split_batch(batch, need_targets=True)
    check_number("steps", steps, low=1, integer=True)
    seed = _settings.resolve_seed(seed)
    name = _name(model)
    table: list[dict[str, Any]] = []
    step = 0
    for label, tensor in _tensors(inputs, "inputs") + _tensors(targets, "targets"):
        row = _non_finite(label, tensor)
        if row:
            table.append(row)
    with _seeded(seed):
        clone, opt = _copy(model, optimizer)
        clone.train()
        for label, tensor in clone.named_parameters():
            row = _non_finite(f"parameter {label} (before training)", tensor)
            if row:
                table.append(row)
        while not table and step < steps:
            step += 1
            opt.zero_grad(set_to_none=True)
            outputs = _forward(clone, inputs)
            table += [row for label, t in _tensors(outputs, "outputs") if (row := _non_finite(label, t))]
            loss = _loss(loss_fn, outputs, targets)
            if (row := _non_finite("loss", loss)) is not None:
                table.append(row)
            if loss.requires_grad:
                loss.backward()
            table += [
                row
                for n, p in clone.named_parameters()
                if p.grad is not None and (row := _non_finite(f"gradient of {n}", p.grad))
            ]
            if table:
                break
            opt.step()
            table += [
                row for n, p in clone.named_parameters() if (row := _non_finite(f"parameter {n} after the step", p))
            ]
    figures = {"steps": step, "non_finite_tensors": len(table), "seed": seed}
    if not table:
        message = (
            f"assert_finite: outputs, loss, gradients and parameters of {name} stayed finite for {steps} "
            f"step{'s' if steps > 1 else ''}"
        )
        return succeed("assert_finite", message, figures)
    where = [row["where"] for row in table]
    totals = {key: sum(row[key] for row in table) for key in ("nan", "+inf", "-inf")}
    origin = None
    if any(w.startswith(("outputs", "loss")) for w in where) and not any(
        w.startswith(("inputs", "targets")) for w in where
    ):
        with _seeded(seed):
            origin = _first_non_finite(clone, inputs, outputs_bad=any(w.startswith("outputs") for w in where))
        if origin is not None:
            totals = {key: origin[key] for key in totals}
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
    evidence = [
        f"{row['where']}: {_counts(row)} of {row['elements']} "
        f"element{'s' if row['elements'] > 1 else ''}"
        + (f" (first at index {row['first_index']})" if row["first_index"] else "")
        for row in table[: 3 * _EXAMPLES]
    ]
    if origin is not None:
        evidence.insert(0, f"first appearance: {origin['where']}")
    zeros = sum(int((t == 0).sum()) for _, t in _tensors(outputs, "outputs") if t.is_floating_point()) if step else 0
    if "loss" in where and not any(w.startswith(("outputs", "inputs", "targets")) for w in where) and zeros:
        evidence.insert(0, f"first appearance: the loss, computed from finite outputs that hold {zeros} exact zeros")
        causes.insert(
            0, "log of zero in the loss: log(p) of an output p that is exactly 0 (a softmax that underflowed)"
        )
    message = health_message(
        f"assert_finite: {len(table)} tensor{'s' if len(table) > 1 else ''} of {name} hold NaN or infinity at "
        f"training step {step}.",
        evidence=evidence,
        causes=causes,
        fixes=[
            "work in log space: F.log_softmax or F.cross_entropy on logits instead of torch.log(softmax(...))",
            "add an epsilon or clamp before log, division and sqrt: torch.log(p.clamp_min(1e-12))",
        ],
        silence="none: a NaN or infinity is never a threshold question. Fix the first tensor listed; "
        "the later ones usually follow from it.",
    )
    return fail("assert_finite", message, figures, table)


# ---------------------------------------------------------------------------------------------
# assert_initial_loss


_REGRESSION_LOSSES = (torch.nn.MSELoss, torch.nn.L1Loss, torch.nn.SmoothL1Loss, torch.nn.HuberLoss)


def assert_initial_loss(
    model: torch.nn.Module,
    batch: Any,
    *,
    loss_fn: Callable[[Any, Any], torch.Tensor],
    expected: float | None = None,
    n_classes: int | None = None,
    rtol: float = 0.25,
    seed: int | None = None,
) -> CheckResult:
    """Assert that the loss of the untrained model is close to what chance predicts.

    By default ``expected`` is ``log(K)``, the cross-entropy of a uniform guess over ``K``
    classes (balanced or not): ``K`` is ``n_classes``, else the size of the outputs' second
    dimension, else 2 for one logit per sample. Pass ``expected=`` for other losses. The loss
    must be within ``rtol`` (relative) of it.
    """
    _check_model(model, trainable=False)
    inputs, targets = _split_batch(batch, need_targets=True)
    check_number("rtol", rtol, low=0)
    seed = _settings.resolve_seed(seed)
    with _seeded(seed):
        clone = copy.deepcopy(model)
        clone.train()
        with torch.no_grad():
            outputs = _forward(clone, inputs)
            loss = float(_loss(loss_fn, outputs, targets))
    if expected is None and isinstance(loss_fn, _REGRESSION_LOSSES):
        raise invalid_argument(
            "expected",
            None,
            f"a number for {type(loss_fn).__name__}: log(K) is the chance level of cross-entropy only "
            "(for MSELoss with standardised targets and outputs near 0, about 1)",
        )
    if expected is None:
        if n_classes is None:
            if not isinstance(outputs, torch.Tensor):
                raise invalid_argument("expected", None, "a number when the model's outputs are not a tensor")
            n_classes = int(outputs.shape[1]) if outputs.ndim >= 2 and outputs.shape[1] >= 2 else 2
        check_number("n_classes", n_classes, low=2, integer=True)
        expected = math.log(n_classes)
        basis = f"log({n_classes}) = {expected:.4g}, the loss of a uniform guess over {n_classes} classes"
    else:
        check_number("expected", expected)
        basis = f"{expected:.4g}"
    figures = {"loss": loss, "expected": expected, "rtol": rtol, "seed": seed}
    if n_classes is not None:
        figures["n_classes"] = n_classes
    name = _name(model)
    if math.isfinite(loss) and abs(loss - expected) <= rtol * abs(expected):
        message = f"assert_initial_loss: the untrained {name} has loss {loss:.4g}, expected {basis} (within {rtol:.0%})"
        return succeed("assert_initial_loss", message, figures)
    evidence = [f"initial loss {loss:.4g}; expected {basis}, within {rtol:.0%}"]
    causes = []
    size = _batch_size(inputs)
    if isinstance(outputs, torch.Tensor) and outputs.is_floating_point():
        scale = float(outputs.detach().abs().mean())
        evidence.append(f"outputs: mean |value| {scale:.3g}, largest {float(outputs.detach().abs().max()):.3g}")
    if not math.isfinite(loss):
        causes.append("the loss is not finite at initialisation: see assert_finite")
    elif size > 1 and abs(loss / size - expected) <= rtol * abs(expected):
        causes.append(f"the loss is summed over the {size} samples instead of averaged (reduction='sum')")
    elif loss > expected:
        causes.append(
            "the model is confidently wrong from the start: the last layer is initialised with large weights "
            "(or inputs are not normalised), so the outputs are far from uniform"
        )
        causes.append(
            "the outputs are not what the loss expects (probabilities given to a loss that wants logits, "
            "wrong class count)"
        )
    else:
        causes.append(
            "the loss sees the targets through the inputs (leakage), or the last layer's bias is set to the "
            "class prior on purpose"
        )
    message = health_message(
        f"assert_initial_loss: the untrained {name} has loss {loss:.4g}; expected {expected:.4g} +/- {rtol:.0%}.",
        evidence=evidence,
        causes=causes,
        fixes=[
            "initialise the last layer with small weights (e.g. scale them by 0.01) and a zero bias",
            "standardise the inputs; return logits and average the loss",
        ],
        silence="pass expected= the loss you expect at initialisation (for example with a bias set to the class "
        "prior, or a loss other than cross-entropy), or a wider rtol=.",
    )
    return fail("assert_initial_loss", message, figures)


# ---------------------------------------------------------------------------------------------
# assert_batch_independence and assert_output_range


def _check_mode(mode: str) -> None:
    if mode not in ("eval", "train"):
        raise invalid_argument("mode", mode, "'eval' or 'train'", choices=("eval", "train"))


def _tensor_outputs(outputs: Any) -> torch.Tensor:
    if not isinstance(outputs, torch.Tensor):
        raise invalid_type("model", outputs, "a model whose forward returns one tensor (its output was not a tensor)")
    return outputs


def _select(inputs: Any, index: int) -> Any:
    if isinstance(inputs, (tuple, list)):
        return type(inputs)(p[index : index + 1] for p in inputs)
    return inputs[index : index + 1]


def assert_batch_independence(
    model: torch.nn.Module,
    batch: Any,
    *,
    n_samples: int = 4,
    mode: str = "eval",
    atol: float = 1e-5,
    seed: int | None = None,
) -> CheckResult:
    """Assert that the output for one sample does not depend on the other samples of the batch.

    For each of the first ``n_samples`` samples ``i``: the gradient of output ``i`` with respect
    to every other sample's inputs must be zero (for floating-point inputs), and the output of
    ``i`` computed alone must equal its output within the batch (within ``atol``). The model runs
    in ``mode`` ("eval" by default, where BatchNorm uses its running statistics as at inference).
    """
    _check_model(model, trainable=False)
    inputs, _ = _split_batch(batch, need_targets=False)
    check_number("n_samples", n_samples, low=1, integer=True)
    check_number("atol", atol, low=0)
    _check_mode(mode)
    size = _batch_size(inputs)
    if size < 2:
        raise invalid_argument("batch", f"<inputs: {_describe(inputs)}>", "at least 2 samples, to compare them")
    seed = _settings.resolve_seed(seed)
    parts = _parts(inputs)
    differentiable = all(p.is_floating_point() for p in parts)
    checked = list(range(min(n_samples, size)))
    table: list[dict[str, Any]] = []
    with _seeded(seed):
        clone = copy.deepcopy(model)
        clone.train(mode == "train")
        if differentiable:
            leaves = tuple(p.detach().clone().requires_grad_(True) for p in parts)
            outputs = _tensor_outputs(_forward(clone, leaves if isinstance(inputs, (tuple, list)) else leaves[0]))
            for i in checked:
                grads = torch.autograd.grad(outputs[i].sum(), leaves, retain_graph=True, allow_unused=True)
                influence = torch.zeros(size)
                for g in grads:
                    if g is not None:
                        influence = torch.maximum(influence, g.detach().abs().reshape(size, -1).amax(dim=1).float())
                influence[i] = 0
                others = torch.nonzero(influence > 0).flatten().tolist()
                if others:
                    table.append(
                        {
                            "sample": i,
                            "test": "gradient",
                            "depends_on": others,
                            "largest": float(influence.max()),
                            "detail": (
                                f"gradient up to {float(influence.max()):.3g} from sample {int(influence.argmax())}"
                            ),
                        }
                    )
            outputs = outputs.detach()
        else:
            with torch.no_grad():
                outputs = _tensor_outputs(_forward(clone, inputs))
        with torch.no_grad():
            for i in checked:
                try:
                    alone = _tensor_outputs(_forward(clone, _select(inputs, i)))
                except InvalidArgument:
                    if differentiable:
                        break  # a single sample is refused (BatchNorm in train mode): the gradients suffice
                    raise
                gap = float((alone[0].float() - outputs[i].float()).abs().max())
                if not gap <= atol:
                    table.append(
                        {
                            "sample": i,
                            "test": "alone",
                            "depends_on": [],
                            "largest": gap,
                            "detail": f"alone differs from in the batch by {gap:.3g}",
                        }
                    )
    samples = sorted({row["sample"] for row in table})
    figures = {
        "samples_checked": len(checked),
        "batch_size": size,
        "dependent_samples": len(samples),
        "mode": mode,
        "atol": atol,
    }
    name = _name(model)
    if not table:
        message = (
            f"assert_batch_independence: the outputs of {len(checked)} samples of {name} ({mode} mode) do "
            f"not depend on the rest of the batch of {size}"
        )
        return succeed("assert_batch_independence", message, figures, table)
    evidence = []
    for row in table[: 2 * _EXAMPLES]:
        if row["test"] == "gradient":
            others = row["depends_on"]
            listed = ", ".join(str(j) for j in others[:5]) + (", ..." if len(others) > 5 else "")
            evidence.append(
                f"output of sample {row['sample']} depends on {len(others)} other sample"
                f"{'s' if len(others) > 1 else ''} ({listed}): {row['detail']}"
            )
        else:
            evidence.append(f"output of sample {row['sample']} computed {row['detail']}")
    mixing_layers = [n for n, m in clone.named_modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    causes = [
        "a normalisation over the batch dimension in a custom layer (x - x.mean(0), x / x.std(dim=0)) or a "
        "statistic over the whole tensor (x.mean() instead of x.mean(dim=1))",
        "a reshape that mixes samples: x.view(-1, batch) instead of x.view(batch, -1), or a transpose before view",
        "softmax or attention over dim=0",
    ]
    if mode == "train" and mixing_layers:
        causes.insert(
            0, f"BatchNorm in train mode mixes samples by design ({', '.join(mixing_layers[:3])}): check in mode='eval'"
        )
    message = health_message(
        f"assert_batch_independence: the outputs of {len(samples)} of {len(checked)} samples checked depend on other "
        f"samples of the batch of {size} ({name} in {mode} mode).",
        evidence=evidence,
        causes=causes,
        fixes=[
            "compute statistics per sample (dim=1 onwards) or use BatchNorm/LayerNorm modules on the right axis",
            "keep the batch dimension first through every reshape",
        ],
        silence="pass atol= the influence you accept for outputs computed alone; mixing on purpose (in-batch "
        "attention) does not belong in a model checked this way.",
    )
    return fail("assert_batch_independence", message, figures, table)


def assert_output_range(
    model: torch.nn.Module,
    batch: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    sum_to: float | None = None,
    dim: int = -1,
    atol: float = 1e-6,
    mode: str = "eval",
    seed: int | None = None,
) -> CheckResult:
    """Assert that every output element lies in ``[low, high]`` and, with ``sum_to``, that
    the outputs sum to it along ``dim`` (within ``atol``): ``low=0, high=1`` for
    probabilities, ``sum_to=1`` for a softmax. NaN is outside every range."""
    _check_model(model, trainable=False)
    inputs, _ = _split_batch(batch, need_targets=False)
    if low is None and high is None and sum_to is None:
        raise invalid_argument("low", None, "at least one of low=, high= or sum_to=")
    for label, value in (("low", low), ("high", high), ("sum_to", sum_to)):
        if value is not None:
            check_number(label, value)
    if low is not None and high is not None and low > high:
        raise invalid_argument("high", high, f"a number >= low={low}")
    check_number("atol", atol, low=0)
    _check_mode(mode)
    seed = _settings.resolve_seed(seed)
    with _seeded(seed):
        clone = copy.deepcopy(model)
        clone.train(mode == "train")
        with torch.no_grad():
            outputs = _tensor_outputs(_forward(clone, inputs)).float()
    problems: list[dict[str, Any]] = []
    bounds = f"[{'-inf' if low is None else f'{low:g}'}, {'inf' if high is None else f'{high:g}'}]"
    inside = ~torch.isnan(outputs)
    if low is not None:
        inside &= outputs >= low - atol
    if high is not None:
        inside &= outputs <= high + atol
    outside = ~inside
    if (low is not None or high is not None) and outside.any():
        first = tuple(torch.nonzero(outside)[0].tolist())
        nans = int(torch.isnan(outputs).sum())
        valid = outputs[~torch.isnan(outputs)]
        detail = f"{int(outside.sum())} of {outputs.numel()} output elements outside {bounds}"
        if nans:
            detail += f" ({nans} of them NaN)"
        if valid.numel():
            detail += f": from {float(valid.min()):.4g} to {float(valid.max()):.4g}"
        detail += f" (first at index {first}: {float(outputs[first]):.4g})"
        problems.append({"property": "range", "count": int(outside.sum()), "of": outputs.numel(), "detail": detail})
    if sum_to is not None:
        if outputs.ndim == 0:
            raise invalid_argument("sum_to", sum_to, "None for a model with scalar output")
        sums = outputs.sum(dim=dim)
        off = ~((sums - sum_to).abs() <= max(atol, 1e-5 * outputs.shape[dim]))
        if off.any():
            first = tuple(torch.nonzero(off)[0].tolist())
            problems.append(
                {
                    "property": "sum",
                    "count": int(off.sum()),
                    "of": sums.numel(),
                    "detail": f"{int(off.sum())} of {sums.numel()} sums along dim={dim} differ from {sum_to:g} "
                    f"(first at {first}: {float(sums[first]):.4g})",
                }
            )
    figures = {"outputs": outputs.numel(), "low": low, "high": high, "sum_to": sum_to, "problems": len(problems)}
    name = _name(model)
    if not problems:
        ranges = [
            f"within {bounds}" if low is not None or high is not None else "",
            f"summing to {sum_to:g}" if sum_to is not None else "",
        ]
        message = (
            f"assert_output_range: all {outputs.numel()} outputs of {name} are {' and '.join(r for r in ranges if r)}"
        )
        return succeed("assert_output_range", message, figures, problems)
    message = health_message(
        f"assert_output_range: the outputs of {name} break {len(problems)} of the required properties.",
        evidence=[p["detail"] for p in problems],
        causes=[
            "a missing final activation: sigmoid for [0, 1], softmax for rows summing to 1, tanh for [-1, 1] "
            "(the model returns logits where probabilities are expected)",
            "the activation applied along the wrong dimension (softmax(dim=0) mixes the batch)",
            "targets on another scale than the outputs (unnormalised regression targets)",
        ],
        fixes=["add the activation at the end of forward, or compare against the logits' range instead"],
        silence="pass low=/high=/sum_to= for the range the outputs are meant to have, or a larger atol=.",
    )
    return fail("assert_output_range", message, figures, problems)


# ---------------------------------------------------------------------------------------------
# assert_deterministic


def _max_gap(a: torch.Tensor, b: torch.Tensor) -> float:
    """The largest element-wise difference of two tensors of one shape (a NaN counts as infinite)."""
    return float((a.float() - b.float()).abs().nan_to_num(nan=math.inf).max()) if a.numel() else 0.0


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
        _check_model(model)
    if factory is not None and isinstance(optimizer, torch.optim.Optimizer):
        raise invalid_type(
            "optimizer",
            optimizer,
            "a function params -> optimizer (or None) when model is a function that builds the model",
        )
    inputs, targets = _split_batch(batch, need_targets=True)
    check_number("steps", steps, low=0, integer=True)
    check_number("atol", atol, low=0)
    seed = _settings.resolve_seed(seed)
    runs = []
    for _ in range(2):
        with _seeded(seed):
            if factory is not None:
                clone = _check_model(factory())
                opt = _build_optimizer(optimizer, clone, clone)
            else:
                clone, opt = _copy(model, optimizer)
            clone.train()
            losses = _train(clone, opt, inputs, targets, loss_fn, steps) if steps else []
            clone.eval()
            with torch.no_grad():
                outputs = _forward(clone, inputs)
            runs.append((losses, {n: p.detach().clone() for n, p in clone.named_parameters()}, outputs))
    (losses_a, params_a, out_a), (losses_b, params_b, out_b) = runs
    rows = []
    for n in params_a:
        if n in params_b and params_a[n].shape == params_b[n].shape:
            gap = _max_gap(params_a[n], params_b[n])
            if gap > atol:
                rows.append({"tensor": f"parameter {n}", "max_difference": gap})
    for (label, a), (_, b) in zip(_tensors(out_a, "outputs"), _tensors(out_b, "outputs"), strict=False):
        gap = _max_gap(a, b) if a.shape == b.shape else math.inf
        if gap > atol:
            rows.append({"tensor": label, "max_difference": gap})
    loss_gaps = [abs(a - b) for a, b in zip(losses_a, losses_b, strict=False)]
    first_step = next((i for i, gap in enumerate(loss_gaps) if not gap <= atol), None)
    figures = {"seed": seed, "steps": steps, "differing_tensors": len(rows), "atol": atol}
    name = type(clone).__name__
    if not rows and first_step is None:
        message = (
            f"assert_deterministic: two runs of {name} with seed {seed} gave the same losses, parameters and "
            f"outputs after {steps} steps"
        )
        return succeed("assert_deterministic", message, figures)
    rows.sort(key=lambda r: -r["max_difference"])
    evidence = []
    if first_step is not None:
        evidence.append(
            f"the losses first differ at step {first_step}: {losses_a[first_step]:.6g} vs {losses_b[first_step]:.6g}"
        )
    evidence += [f"{r['tensor']}: differs by up to {r['max_difference']:.3g}" for r in rows[:_EXAMPLES]]
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
    message = health_message(
        f"assert_deterministic: two runs of {name} with the same seed ({seed}) differ: {len(rows)} tensors differ by "
        f"more than atol={atol:g} after {steps} training steps.",
        evidence=evidence,
        causes=causes,
        fixes=["draw every random number from torch's global generator, or from a generator seeded from one seed"],
        silence="pass atol= the difference you accept (for example for non-deterministic GPU kernels).",
    )
    return fail("assert_deterministic", message, figures, rows)
