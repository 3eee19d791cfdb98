"""assert_initial_loss: the untrained model's loss is what chance predicts.

Chance depends on the loss: for cross-entropy (binary or multiclass) it is log(K), the loss of a
uniform guess over K classes; for a regression loss (MSE, L1, Huber) it is the loss of outputs
that are all 0, where a freshly initialised last layer starts.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import torch

from mltest import _settings, _validation
from mltest._message import compose
from mltest.errors import invalid_argument
from mltest.report import CheckResult
from mltest.training._common import fail, reproduce, succeed
from mltest.training.torch._arguments import batch_size, check_model, model_name, split_batch
from mltest.training.torch._loop import compute_loss, forward, seeded_all

__all__ = ["assert_initial_loss"]


_REGRESSION_LOSSES = (torch.nn.MSELoss, torch.nn.L1Loss, torch.nn.SmoothL1Loss, torch.nn.HuberLoss)
_REGRESSION_FUNCTIONS = ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss")


def _is_regression_loss(loss_fn: Any) -> bool:
    return isinstance(loss_fn, _REGRESSION_LOSSES) or getattr(loss_fn, "__name__", "") in _REGRESSION_FUNCTIONS


def _chance(loss_fn: Any, outputs: Any, targets: Any, n_classes: Any) -> tuple[float, str, int | None]:
    """The loss chance predicts, how it was found (for the message), and the number of classes."""
    if not isinstance(outputs, torch.Tensor):
        raise invalid_argument("expected", None, "a number when the model's outputs are not a tensor")
    if _is_regression_loss(loss_fn) and n_classes is None:
        with torch.no_grad():
            zero = float(compute_loss(loss_fn, torch.zeros_like(outputs), targets))
        return zero, f"{zero:.4g}, the loss of outputs that are all 0 (where an untrained last layer starts)", None
    if n_classes is None:
        n_classes = int(outputs.shape[1]) if outputs.ndim >= 2 and outputs.shape[1] >= 2 else 2
    n_classes = _validation.number("n_classes", n_classes, low=2, integer=True)
    expected = math.log(n_classes)
    return (
        expected,
        f"log({n_classes}) = {expected:.4g}, the loss of a uniform guess over {n_classes} classes",
        n_classes,
    )


def assert_initial_loss(
    model: torch.nn.Module,
    batch: Any,
    *,
    loss_fn: Callable[[Any, Any], torch.Tensor],
    expected: float | None = None,
    n_classes: int | None = None,
    rtol: float | None = None,
    seed: int | None = None,
) -> CheckResult:
    """Assert that the loss of the untrained model is close to what chance predicts.

    By default ``expected`` is, for a regression loss (``MSELoss``, ``L1Loss``, ``SmoothL1Loss``,
    ``HuberLoss`` or their functional forms), the loss of outputs that are all 0; otherwise
    ``log(K)``, the cross-entropy of a uniform guess over ``K`` classes (balanced or not): ``K``
    is ``n_classes``, else the size of the outputs' second dimension, else 2 for one logit per
    sample. Pass ``expected=`` for other losses. The loss must be within ``rtol`` (relative) of it:
    by default 25% for cross-entropy, and 100% for a regression loss, since an untrained
    network's outputs are near 0 but not at 0 (with standardised targets its MSE is typically 1
    to 1.7 times that of all-zero outputs; weights fifty times too large make it hundreds of times).
    """
    check_model(model, trainable=False)
    inputs, targets = split_batch(batch, need_targets=True)
    rtol = _validation.number("rtol", rtol, low=0, optional=True)
    from_zeros = expected is None and n_classes is None and _is_regression_loss(loss_fn)
    if rtol is None:
        rtol = 1.0 if from_zeros else 0.25
    seed = _settings.resolve_seed(seed)
    with seeded_all(seed):
        clone = copy.deepcopy(model)
        clone.train()
        with torch.no_grad():
            outputs = forward(clone, inputs)
            loss = float(compute_loss(loss_fn, outputs, targets))
    if expected is None:
        expected, basis, n_classes = _chance(loss_fn, outputs, targets, n_classes)
    else:
        expected = _validation.number("expected", expected)
        basis = f"{expected:.4g}"
    figures = {"loss": loss, "expected": expected, "rtol": rtol, "seed": seed}
    if n_classes is not None:
        figures["n_classes"] = n_classes
    name = model_name(model)
    if math.isfinite(loss) and abs(loss - expected) <= rtol * abs(expected):
        message = f"assert_initial_loss: the untrained {name} has loss {loss:.4g}, expected {basis} (within {rtol:.0%})"
        return succeed("assert_initial_loss", message, figures)
    evidence = [f"initial loss {loss:.4g}; expected {basis}, within {rtol:.0%}"]
    if isinstance(outputs, torch.Tensor) and outputs.is_floating_point():
        scale = float(outputs.detach().abs().mean())
        evidence.append(f"outputs: mean |value| {scale:.3g}, largest {float(outputs.detach().abs().max()):.3g}")
    message = compose(
        f"assert_initial_loss: the untrained {name} has loss {loss:.4g}; expected {expected:.4g} +/- {rtol:.0%}.",
        evidence=evidence,
        causes=_causes(loss, expected, rtol, 1 if from_zeros else batch_size(inputs)),
        fixes=[
            "initialise the last layer with small weights (e.g. scale them by 0.01) and a zero bias",
            "standardise the inputs; return logits and average the loss",
        ],
        reproduce=reproduce(seed),
        waive="pass expected= the loss you expect at initialisation (for example with a bias set to the class "
        "prior, or a loss other than cross-entropy), or a wider rtol=.",
    )
    return fail("assert_initial_loss", message, figures)


def _causes(loss: float, expected: float, rtol: float, size: int) -> list[str]:
    """Likely causes; ``size`` is the batch size when a summed loss would be ``size`` times ``expected``."""
    if not math.isfinite(loss):
        return ["the loss is not finite at initialisation: see assert_finite"]
    if size > 1 and abs(loss / size - expected) <= rtol * abs(expected):
        return [f"the loss is summed over the {size} samples instead of averaged (reduction='sum')"]
    if loss > expected:
        return [
            "the model is confidently wrong from the start: the last layer is initialised with large weights "
            "(or inputs are not normalised), so the outputs are far from uniform (for a regression loss, far from 0)",
            "the outputs are not what the loss expects (probabilities given to a loss that wants logits, "
            "wrong class count)",
        ]
    return [
        "the loss sees the targets through the inputs (leakage), or the last layer's bias is set to the "
        "class prior on purpose"
    ]
