"""assert_batch_independence: a sample's output does not depend on the other samples of its batch."""

from __future__ import annotations

import copy
from typing import Any

import torch

from mltest import _settings, _validation
from mltest._message import compose
from mltest.errors import InvalidArgument, invalid_argument
from mltest.report import CheckResult
from mltest.training._common import fail, reproduce, succeed
from mltest.training.torch._arguments import (
    EXAMPLES,
    batch_size,
    check_mode,
    check_model,
    describe,
    input_parts,
    model_name,
    one_tensor,
    select_sample,
    split_batch,
)
from mltest.training.torch._loop import forward, seeded_all

__all__ = ["assert_batch_independence"]


def _gradient_rows(clone: torch.nn.Module, inputs: Any, checked: list[int]) -> tuple[list[dict[str, Any]], Any]:
    """Samples whose output has a gradient with respect to another sample's inputs; the batch outputs."""
    parts = input_parts(inputs)
    size = batch_size(inputs)
    leaves = tuple(p.detach().clone().requires_grad_(True) for p in parts)
    outputs = one_tensor(forward(clone, leaves if isinstance(inputs, (tuple, list)) else leaves[0]))
    rows = []
    for i in checked:
        grads = torch.autograd.grad(outputs[i].sum(), leaves, retain_graph=True, allow_unused=True)
        influence = torch.zeros(size)
        for g in grads:
            if g is not None:
                influence = torch.maximum(influence, g.detach().abs().reshape(size, -1).amax(dim=1).float())
        influence[i] = 0
        others = torch.nonzero(influence > 0).flatten().tolist()
        if others:
            largest = float(influence.max())
            detail = f"gradient up to {largest:.3g} from sample {int(influence.argmax())}"
            rows.append({"sample": i, "test": "gradient", "depends_on": others, "largest": largest, "detail": detail})
    return rows, outputs.detach()


def _alone_rows(
    clone: torch.nn.Module, inputs: Any, outputs: torch.Tensor, checked: list[int], *, atol: float, tolerant: bool
) -> list[dict[str, Any]]:
    """Samples whose output computed alone differs from their output in the batch by more than ``atol``."""
    rows = []
    with torch.no_grad():
        for i in checked:
            try:
                alone = one_tensor(forward(clone, select_sample(inputs, i)))
            except InvalidArgument:
                if tolerant:
                    break  # a single sample is refused (BatchNorm in train mode): the gradients suffice
                raise
            gap = float((alone[0].float() - outputs[i].float()).abs().max())
            if not gap <= atol:
                detail = f"alone differs from in the batch by {gap:.3g}"
                rows.append({"sample": i, "test": "alone", "depends_on": [], "largest": gap, "detail": detail})
    return rows


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
    check_model(model, trainable=False)
    inputs, _ = split_batch(batch, need_targets=False)
    n_samples = _validation.number("n_samples", n_samples, low=1, integer=True)
    atol = _validation.number("atol", atol, low=0)
    check_mode(mode)
    size = batch_size(inputs)
    if size < 2:
        raise invalid_argument("batch", f"<inputs: {describe(inputs)}>", "at least 2 samples, to compare them")
    seed = _settings.resolve_seed(seed)
    differentiable = all(p.is_floating_point() for p in input_parts(inputs))
    checked = list(range(min(n_samples, size)))
    with seeded_all(seed):
        clone = copy.deepcopy(model)
        clone.train(mode == "train")
        if differentiable:
            table, outputs = _gradient_rows(clone, inputs, checked)
        else:
            table = []
            with torch.no_grad():
                outputs = one_tensor(forward(clone, inputs))
        table += _alone_rows(clone, inputs, outputs, checked, atol=atol, tolerant=differentiable)
    samples = sorted({row["sample"] for row in table})
    figures = {"samples_checked": len(checked), "batch_size": size, "dependent_samples": len(samples)}
    figures |= {"mode": mode, "atol": atol}
    name = model_name(model)
    if not table:
        message = (
            f"assert_batch_independence: the outputs of {len(checked)} samples of {name} ({mode} mode) do "
            f"not depend on the rest of the batch of {size}"
        )
        return succeed("assert_batch_independence", message, figures, table)
    verdict = (
        f"assert_batch_independence: the outputs of {len(samples)} of {len(checked)} samples checked depend on other "
        f"samples of the batch of {size} ({name} in {mode} mode)."
    )
    return fail("assert_batch_independence", _failure(verdict, table, clone, mode, seed), figures, table)


def _failure(verdict: str, table: list[dict[str, Any]], clone: torch.nn.Module, mode: str, seed: int) -> str:
    evidence = []
    for row in table[: 2 * EXAMPLES]:
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
    return compose(
        verdict,
        evidence=evidence,
        causes=causes,
        fixes=[
            "compute statistics per sample (dim=1 onwards) or use BatchNorm/LayerNorm modules on the right axis",
            "keep the batch dimension first through every reshape",
        ],
        reproduce=reproduce(seed),
        waive="pass atol= the influence you accept for outputs computed alone; mixing on purpose (in-batch "
        "attention) does not belong in a model checked this way.",
    )
