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
    import torch  # noqa: F401  (the checks below need it: say so before they import it)
except ImportError:  # pragma: no cover - exercised in a subprocess without torch
    raise ImportError(
        "mltest.training.torch needs PyTorch, which is not installed: pip install torch "
        "(the scikit-learn checks in mltest.training work without it)"
    ) from None

from mltest.training.torch._batch import assert_batch_independence
from mltest.training.torch._determinism import assert_deterministic
from mltest.training.torch._finite import assert_finite
from mltest.training.torch._initial import assert_initial_loss
from mltest.training.torch._loss import assert_loss_decreases, assert_overfits_batch
from mltest.training.torch._outputs import assert_output_range
from mltest.training.torch._updates import assert_params_update

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
