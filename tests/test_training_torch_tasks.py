"""The PyTorch checks for multiclass classification (cross-entropy) and regression (MSE), on real data.

Multiclass: the handwritten digits bundled with scikit-learn (64 pixels, 10 classes). Regression:
the diabetes data (10 standardised features, disease progression standardised). For each task a
healthy network passes every check, and each check catches a network broken the way it exists for.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.datasets import load_diabetes, load_digits
from torch import nn

import mltest
import mltest.training.torch as mt

torch.set_num_threads(1)


def _digits() -> tuple[torch.Tensor, torch.Tensor]:
    X, y = load_digits(return_X_y=True)
    return torch.tensor(X[:64] / 16, dtype=torch.float32), torch.tensor(y[:64])


def _diabetes() -> tuple[torch.Tensor, torch.Tensor]:
    X, y = load_diabetes(return_X_y=True)
    X, y = (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()
    return torch.tensor(X[:64], dtype=torch.float32), torch.tensor(y[:64, None], dtype=torch.float32)


# task -> (batch, loss, inputs, outputs)
TASKS = {
    "multiclass": (_digits(), nn.CrossEntropyLoss(), 64, 10),
    "regression": (_diabetes(), nn.MSELoss(), 10, 1),
}


def mlp(n_in: int, n_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, 32), nn.ReLU(), nn.Linear(32, n_out))


class Broken(nn.Module):
    """A healthy MLP, broken by a subclass's ``forward`` or ``__init__``."""

    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__()
        self.body, self.head = nn.Linear(n_in, 32), nn.Linear(32, n_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.body(x)))


class FrozenLayer(Broken):
    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__(n_in, n_out)
        self.body.requires_grad_(False)  # frozen for a warm-up, never unfrozen


class NumpyRoundTrip(Broken):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.from_numpy(super().forward(x).detach().numpy())  # post-processing in numpy: no graph


class LogOfRelu(Broken):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.log(torch.relu(self.body(x))))  # log(0) = -inf for every inactive unit


class IgnoresInput(Broken):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(torch.zeros_like(x))  # the input zeroed by mistake


class OverconfidentInit(Broken):
    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__(n_in, n_out)
        with torch.no_grad():
            self.head.weight.mul_(50)  # the last layer initialised fifty times too large


class NormalisesOverTheBatch(Broken):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.body(x)
        return self.head(torch.relu((h - h.mean(0)) / (h.std(0, correction=0) + 1e-5)))


class UnseededNoise(Broken):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            x = x + torch.as_tensor(np.random.default_rng().normal(0, 0.1, size=tuple(x.shape)), dtype=x.dtype)
        return super().forward(x)


# (broken model, check, what the message must say)
BROKEN = [
    (FrozenLayer, mt.assert_params_update, "body.weight (32x"),
    (NumpyRoundTrip, mt.assert_loss_decreases, "the loss is detached"),
    (LogOfRelu, mt.assert_finite, "-inf in the input of head (Linear)"),
    (IgnoresInput, mt.assert_overfits_batch, "the outputs are the same for every sample in the batch"),
    (OverconfidentInit, mt.assert_initial_loss, "initialised with large weights"),
    (NormalisesOverTheBatch, mt.assert_batch_independence, "normalisation over the batch dimension"),
    (UnseededNoise, mt.assert_deterministic, "the losses first differ at step 0"),
]


@pytest.mark.parametrize("task", TASKS)
def test_a_healthy_network_passes_every_check(task: str) -> None:
    batch, loss_fn, n_in, n_out = TASKS[task]
    torch.manual_seed(0)
    model = mlp(n_in, n_out)
    assert mt.assert_params_update(model, batch, loss_fn=loss_fn).passed
    assert mt.assert_loss_decreases(model, batch, loss_fn=loss_fn).passed
    assert mt.assert_overfits_batch(model, batch, loss_fn=loss_fn).passed
    assert mt.assert_finite(model, batch, loss_fn=loss_fn, steps=3).passed
    initial = mt.assert_initial_loss(model, batch, loss_fn=loss_fn)
    assert initial.passed and initial.figures["rtol"] == (0.25 if task == "multiclass" else 1.0)
    assert mt.assert_batch_independence(model, batch).passed
    assert mt.assert_deterministic(lambda: mlp(n_in, n_out), batch, loss_fn=loss_fn).passed
    if task == "multiclass":
        assert mt.assert_output_range(nn.Sequential(model, nn.Softmax(dim=1)), batch, low=0, high=1, sum_to=1).passed
    else:  # a target that cannot be negative (a price, a count) ends in softplus
        assert mt.assert_output_range(nn.Sequential(model, nn.Softplus()), batch, low=0).passed


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize(("broken", "check", "text"), BROKEN, ids=[b[0].__name__ for b in BROKEN])
def test_each_broken_network_is_caught(task: str, broken, check, text: str) -> None:
    batch, loss_fn, n_in, n_out = TASKS[task]
    torch.manual_seed(0)
    kwargs = {} if check is mt.assert_batch_independence else {"loss_fn": loss_fn}
    with pytest.raises(mltest.CheckFailed) as caught:
        check(broken(n_in, n_out), batch, **kwargs)
    assert text in str(caught.value)


def test_initial_loss_expectations_by_task() -> None:
    torch.manual_seed(0)
    digits = mt.assert_initial_loss(mlp(64, 10), TASKS["multiclass"][0], loss_fn=nn.CrossEntropyLoss())
    assert digits.message.endswith("expected log(10) = 2.303, the loss of a uniform guess over 10 classes (within 25%)")
    batch = TASKS["regression"][0]
    diabetes = mt.assert_initial_loss(mlp(10, 1), batch, loss_fn=nn.functional.mse_loss)
    assert diabetes.figures["expected"] == pytest.approx(float((batch[1] ** 2).mean()))
    # the all-zero loss is computed by the same loss function, so a summed MSE is measured against a summed zero
    assert mt.assert_initial_loss(mlp(10, 1), batch, loss_fn=nn.MSELoss(reduction="sum")).passed


def test_a_regression_network_that_squashes_its_output_cannot_overfit() -> None:
    """A sigmoid left at the end of a regression network: standardised targets below 0 are out of reach."""
    batch, loss_fn, n_in, _ = TASKS["regression"]
    torch.manual_seed(0)
    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_overfits_batch(nn.Sequential(mlp(n_in, 1), nn.Sigmoid()), batch, loss_fn=loss_fn)
    assert str(caught.value).startswith("assert_overfits_batch: Sequential did not learn 64 samples by heart")
    with pytest.raises(mltest.CheckFailed, match=r"outside \[0, inf\]"):
        mt.assert_output_range(mlp(n_in, 1), batch, low=0)  # no softplus: negative predictions of a positive target
