"""Arguments of the PyTorch checks: the model, the batch, frozen names, the mode; how they are named in messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from mltest.errors import invalid_argument, invalid_type

__all__ = [
    "EXAMPLES",
    "batch_size",
    "check_mode",
    "check_model",
    "describe",
    "first_line",
    "input_parts",
    "model_name",
    "one_tensor",
    "resolve_frozen",
    "select_sample",
    "shape_text",
    "split_batch",
    "tensors_in",
]


EXAMPLES = 5


def check_model(model: Any, *, trainable: bool = True) -> torch.nn.Module:
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


def describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(describe(v) for v in value) + ")"
    return type(value).__name__


def input_parts(inputs: Any) -> tuple[torch.Tensor, ...] | list[torch.Tensor]:
    """The input tensors: ``inputs`` itself when it is a tuple or list, else ``(inputs,)``."""
    return inputs if isinstance(inputs, (tuple, list)) else (inputs,)


def split_batch(batch: Any, *, need_targets: bool) -> tuple[Any, Any]:
    """``(inputs, targets)`` from a batch; ``targets`` is None when only inputs were given."""
    if isinstance(batch, torch.Tensor):
        inputs, targets = batch, None
    elif isinstance(batch, (tuple, list)) and len(batch) == 2:
        inputs, targets = batch
    else:
        raise invalid_type("batch", batch, "a pair (inputs, targets) of tensors, or a tensor of inputs")
    parts = input_parts(inputs)
    if not parts or not all(isinstance(p, torch.Tensor) for p in parts):
        raise invalid_type("batch", batch, "inputs that are a tensor or a tuple of tensors")
    if any(p.ndim == 0 for p in parts):
        raise invalid_argument("batch", describe(inputs), "inputs with a batch dimension first, not a scalar")
    if need_targets and targets is None:
        raise invalid_argument("batch", describe(batch), "a pair (inputs, targets): this check computes a loss")
    return inputs, targets


def batch_size(inputs: Any) -> int:
    return int(input_parts(inputs)[0].shape[0])


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else ""


def resolve_frozen(model: torch.nn.Module, frozen: Any) -> set[str]:
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


def check_mode(mode: str) -> None:
    if mode not in ("eval", "train"):
        raise invalid_argument("mode", mode, "'eval' or 'train'", choices=("eval", "train"))


def one_tensor(outputs: Any) -> torch.Tensor:
    if not isinstance(outputs, torch.Tensor):
        raise invalid_type("model", outputs, "a model whose forward returns one tensor (its output was not a tensor)")
    return outputs


def select_sample(inputs: Any, index: int) -> Any:
    if isinstance(inputs, (tuple, list)):
        return type(inputs)(p[index : index + 1] for p in inputs)
    return inputs[index : index + 1]


def shape_text(tensor: torch.Tensor) -> str:
    return "x".join(str(s) for s in tensor.shape) or "scalar"


def model_name(model: Any) -> str:
    return type(model).__name__


def tensors_in(value: Any, label: str) -> list[tuple[str, torch.Tensor]]:
    if isinstance(value, torch.Tensor):
        return [(label, value)]
    if isinstance(value, (tuple, list)):
        return [item for i, v in enumerate(value) for item in tensors_in(v, f"{label}[{i}]")]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in tensors_in(v, f"{label}[{k!r}]")]
    return []
