"""assert_initial_loss: the untrained model's loss is what chance predicts."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import torch

from mltest import _settings
from mltest.errors import invalid_argument
from mltest.report import CheckResult
from mltest.training._common import check_number, fail, health_message, succeed
from mltest.training.torch._arguments import batch_size, check_model, model_name, split_batch
from mltest.training.torch._loop import compute_loss, forward, seeded_all

__all__ = ["assert_initial_loss"]


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
    check_model(model, trainable=False)
    inputs, targets = split_batch(batch, need_targets=True)
    check_number("rtol", rtol, low=0)
    seed = _settings.resolve_seed(seed)
    with seeded_all(seed):
        clone = copy.deepcopy(model)
        clone.train()
        with torch.no_grad():
            outputs = forward(clone, inputs)
            loss = float(compute_loss(loss_fn, outputs, targets))
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
    name = model_name(model)
    if math.isfinite(loss) and abs(loss - expected) <= rtol * abs(expected):
        message = f"assert_initial_loss: the untrained {name} has loss {loss:.4g}, expected {basis} (within {rtol:.0%})"
        return succeed("assert_initial_loss", message, figures)
    evidence = [f"initial loss {loss:.4g}; expected {basis}, within {rtol:.0%}"]
    causes = []
    size = batch_size(inputs)
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
