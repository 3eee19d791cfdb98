"""assert_output_range: outputs within bounds, and summing to a value along a dimension."""

from __future__ import annotations

import copy
from typing import Any

import torch

from mltest import _settings, _validation
from mltest._message import compose
from mltest.errors import invalid_argument
from mltest.report import CheckResult
from mltest.training._common import fail, succeed
from mltest.training.torch._arguments import check_mode, check_model, model_name, one_tensor, split_batch
from mltest.training.torch._loop import forward, seeded_all

__all__ = ["assert_output_range"]


def _check_bounds(low: Any, high: Any, sum_to: Any) -> None:
    if low is None and high is None and sum_to is None:
        raise invalid_argument("low", None, "at least one of low=, high= or sum_to=")
    for label, value in (("low", low), ("high", high), ("sum_to", sum_to)):
        _validation.number(label, value, optional=True)
    if low is not None and high is not None and low > high:
        raise invalid_argument("high", high, f"a number >= low={low}")


def _range_problem(outputs: torch.Tensor, low: float | None, high: float | None, atol: float) -> dict[str, Any] | None:
    inside = ~torch.isnan(outputs)
    if low is not None:
        inside &= outputs >= low - atol
    if high is not None:
        inside &= outputs <= high + atol
    outside = ~inside
    if (low is None and high is None) or not outside.any():
        return None
    first = tuple(torch.nonzero(outside)[0].tolist())
    nans = int(torch.isnan(outputs).sum())
    valid = outputs[~torch.isnan(outputs)]
    detail = f"{int(outside.sum())} of {outputs.numel()} output elements outside {_bounds(low, high)}"
    if nans:
        detail += f" ({nans} of them NaN)"
    if valid.numel():
        detail += f": from {float(valid.min()):.4g} to {float(valid.max()):.4g}"
    detail += f" (first at index {first}: {float(outputs[first]):.4g})"
    return {"property": "range", "count": int(outside.sum()), "of": outputs.numel(), "detail": detail}


def _sum_problem(outputs: torch.Tensor, sum_to: float | None, dim: int, atol: float) -> dict[str, Any] | None:
    if sum_to is None:
        return None
    if outputs.ndim == 0:
        raise invalid_argument("sum_to", sum_to, "None for a model with scalar output")
    sums = outputs.sum(dim=dim)
    off = ~((sums - sum_to).abs() <= max(atol, 1e-5 * outputs.shape[dim]))
    if not off.any():
        return None
    first = tuple(torch.nonzero(off)[0].tolist())
    detail = (
        f"{int(off.sum())} of {sums.numel()} sums along dim={dim} differ from {sum_to:g} "
        f"(first at {first}: {float(sums[first]):.4g})"
    )
    return {"property": "sum", "count": int(off.sum()), "of": sums.numel(), "detail": detail}


def _bounds(low: float | None, high: float | None) -> str:
    return f"[{'-inf' if low is None else f'{low:g}'}, {'inf' if high is None else f'{high:g}'}]"


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
    check_model(model, trainable=False)
    inputs, _ = split_batch(batch, need_targets=False)
    _check_bounds(low, high, sum_to)
    atol = _validation.number("atol", atol, low=0)
    check_mode(mode)
    seed = _settings.resolve_seed(seed)
    with seeded_all(seed):
        clone = copy.deepcopy(model)
        clone.train(mode == "train")
        with torch.no_grad():
            outputs = one_tensor(forward(clone, inputs)).float()
    problems = [
        p for p in (_range_problem(outputs, low, high, atol), _sum_problem(outputs, sum_to, dim, atol)) if p is not None
    ]
    figures = {"outputs": outputs.numel(), "low": low, "high": high, "sum_to": sum_to, "problems": len(problems)}
    name = model_name(model)
    if not problems:
        ranges = [
            f"within {_bounds(low, high)}" if low is not None or high is not None else "",
            f"summing to {sum_to:g}" if sum_to is not None else "",
        ]
        message = (
            f"assert_output_range: all {outputs.numel()} outputs of {name} are {' and '.join(r for r in ranges if r)}"
        )
        return succeed("assert_output_range", message, figures, problems)
    message = compose(
        f"assert_output_range: the outputs of {name} break {len(problems)} of the required properties.",
        evidence=[p["detail"] for p in problems],
        causes=[
            "a missing final activation: sigmoid for [0, 1], softmax for rows summing to 1, tanh for [-1, 1] "
            "(the model returns logits where probabilities are expected)",
            "the activation applied along the wrong dimension (softmax(dim=0) mixes the batch)",
            "targets on another scale than the outputs (unnormalised regression targets)",
        ],
        fixes=["add the activation at the end of forward, or compare against the logits' range instead"],
        waive="pass low=/high=/sum_to= for the range the outputs are meant to have, or a larger atol=.",
    )
    return fail("assert_output_range", message, figures, problems)
