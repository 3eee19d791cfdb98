"""PyTorch training-sanity checks: healthy models pass every check, each broken model is caught
by its check with a message naming the cause, and bad input gives a clear error."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

import mltest
import mltest.training.torch as mt
from mltest.report import recording

torch.set_num_threads(1)  # two cores are shared by the whole test run

CE = nn.CrossEntropyLoss()


# ---------------------------------------------------------------------------------------------
# healthy models


def mlp(n_in: int = 8, n_out: int = 4) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, 32), nn.ReLU(), nn.Linear(32, n_out))


class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.head = nn.Linear(16, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).flatten(1))


def _batches() -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(0)
    return {
        "mlp": (torch.randn(32, 8, generator=g), torch.randint(0, 4, (32,), generator=g)),
        "cnn": (torch.randn(16, 1, 8, 8, generator=g), torch.randint(0, 10, (16,), generator=g)),
    }


BATCHES = _batches()
HEALTHY = {"mlp": mlp, "cnn": SmallCNN}


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_healthy_models_pass_every_check(kind: str) -> None:
    model, batch = HEALTHY[kind](), BATCHES[kind]
    with recording() as recorded:
        assert mt.assert_params_update(model, batch, loss_fn=CE).passed
        assert mt.assert_loss_decreases(model, batch, loss_fn=CE).passed
        assert mt.assert_overfits_batch(model, batch, loss_fn=CE).passed
        assert mt.assert_finite(model, batch, loss_fn=CE, steps=3).passed
        assert mt.assert_initial_loss(model, batch, loss_fn=CE).passed
        assert mt.assert_batch_independence(model, batch).passed
        assert mt.assert_deterministic(model, batch, loss_fn=CE).passed
        assert mt.assert_deterministic(HEALTHY[kind], batch, loss_fn=CE).passed  # a factory: initialisation too
        probabilities = nn.Sequential(model, nn.Softmax(dim=1))
        assert mt.assert_output_range(probabilities, batch, low=0, high=1, sum_to=1).passed
    assert [r.family for r in recorded] == ["training"] * 9
    assert all(r.outcome == "passed" for r in recorded)


def test_healthy_messages() -> None:
    model, batch = mlp(), BATCHES["mlp"]
    assert mt.assert_params_update(model, batch, loss_fn=CE).message == (
        "assert_params_update: one step updated all 4 trainable parameters of Sequential"
    )
    assert mt.assert_initial_loss(model, batch, loss_fn=CE).message.startswith(
        "assert_initial_loss: the untrained Sequential has loss "
    )
    assert mt.assert_batch_independence(model, batch).message == (
        "assert_batch_independence: the outputs of 4 samples of Sequential (eval mode) do not depend on the "
        "rest of the batch of 32"
    )
    assert mt.assert_deterministic(model, batch, loss_fn=CE).message == (
        "assert_deterministic: two runs of Sequential with seed 0 gave the same losses, parameters and outputs "
        "after 2 steps"
    )


# ---------------------------------------------------------------------------------------------
# the table of broken models: one per check, each named by its message


class FrozenLayer(nn.Module):
    """The first layer was frozen for a warm-up and never unfrozen."""

    def __init__(self) -> None:
        super().__init__()
        self.body, self.head = nn.Linear(8, 32), nn.Linear(32, 4)
        self.body.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.body(x)))


class DetachedBody(nn.Module):
    """A stray .detach() cuts the first layer out of the graph."""

    def __init__(self) -> None:
        super().__init__()
        self.body, self.head = nn.Linear(8, 32), nn.Linear(32, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.body(x)).detach())


class NumpyRoundTrip(nn.Module):
    """Post-processing in numpy: the output is a new tensor with no graph behind it."""

    def __init__(self) -> None:
        super().__init__()
        self.net = mlp()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.from_numpy(self.net(x).detach().numpy())


class LogOfRelu(nn.Module):
    """log features of a ReLU: log(0) = -inf for every inactive unit."""

    def __init__(self) -> None:
        super().__init__()
        self.body, self.head = nn.Linear(8, 32), nn.Linear(32, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.log(torch.relu(self.body(x))))


class DoubleSoftmax(nn.Module):
    """Ends in softmax, and CrossEntropyLoss applies log_softmax again."""

    def __init__(self) -> None:
        super().__init__()
        self.net = mlp()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.net(x), dim=1)


class IgnoresInput(nn.Module):
    """forward zeroes its input by mistake."""

    def __init__(self) -> None:
        super().__init__()
        self.net = mlp()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(torch.zeros_like(x))


class OverconfidentInit(nn.Module):
    """The last layer is initialised with weights fifty times too large."""

    def __init__(self) -> None:
        super().__init__()
        self.net = mlp()
        with torch.no_grad():
            self.net[2].weight.mul_(50)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class BatchNormOverSamples(nn.Module):
    """A hand-written normalisation over the batch dimension, applied at inference too."""

    def __init__(self) -> None:
        super().__init__()
        self.body, self.head = nn.Linear(8, 32), nn.Linear(32, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.body(x)
        h = (h - h.mean(0)) / (h.std(0, correction=0) + 1e-5)
        return self.head(torch.relu(h))


class UnseededNoise(nn.Module):
    """Input noise from a fresh numpy generator on every call: no seed reaches it."""

    def __init__(self) -> None:
        super().__init__()
        self.net = mlp()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            noise = np.random.default_rng().normal(0, 0.1, size=tuple(x.shape))
            x = x + torch.as_tensor(noise, dtype=x.dtype)
        return self.net(x)


class MissingSigmoid(nn.Module):
    """Meant to return probabilities, returns logits."""

    def __init__(self) -> None:
        super().__init__()
        self.net = mlp(n_out=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


BROKEN = [
    # (model, check, keyword arguments, what the message must say)
    (FrozenLayer, mt.assert_params_update, {}, ["body.weight (32x8): requires_grad=False", "a layer left frozen"]),
    (DetachedBody, mt.assert_params_update, {}, ["body.weight (32x8): received no gradient", "detached tensor"]),
    (
        NumpyRoundTrip,
        mt.assert_loss_decreases,
        {},
        ["no trainable parameter received a gradient", "the loss is detached"],
    ),
    (LogOfRelu, mt.assert_finite, {}, ["-inf in the input of head (Linear)", "log of zero"]),
    (DoubleSoftmax, mt.assert_overfits_batch, {}, ["the outputs are probabilities", "double softmax"]),
    (IgnoresInput, mt.assert_overfits_batch, {}, ["the same for every sample", "the model ignores its input"]),
    (OverconfidentInit, mt.assert_initial_loss, {}, ["expected log(4) = 1.386", "initialised with large weights"]),
    (
        BatchNormOverSamples,
        mt.assert_batch_independence,
        {},
        ["depends on 31 other samples (1, 2, 3, 4, 5, ...): gradient up to", "normalisation over the batch"],
    ),
    (UnseededNoise, mt.assert_deterministic, {}, ["the losses first differ at step 0", "np.random.default_rng()"]),
    (MissingSigmoid, mt.assert_output_range, {"low": 0, "high": 1}, ["outside [0, 1]", "missing final activation"]),
]


@pytest.mark.parametrize(
    ("broken", "check", "kwargs", "expected"), BROKEN, ids=[f"{b[0].__name__}-{b[1].__name__}" for b in BROKEN]
)
def test_each_broken_model_is_caught_by_its_check(broken, check, kwargs, expected) -> None:
    batch = BATCHES["mlp"]
    if check not in (mt.assert_batch_independence, mt.assert_output_range):
        kwargs = {"loss_fn": CE, **kwargs}
    with pytest.raises(mltest.CheckFailed) as caught:
        check(broken(), batch, **kwargs)
    message = str(caught.value)
    for text in expected:
        assert text in message
    # the parts of the shared message grammar
    assert "\n\nLikely causes:\n  - " in message
    assert "\nWhat to change:\n  - " in message
    assert "\nTo waive this check: " in message
    assert caught.value.result.family == "training"
    assert caught.value.result.outcome == "failed"


@pytest.mark.parametrize("broken", [FrozenLayer, DetachedBody, NumpyRoundTrip, LogOfRelu, IgnoresInput])
def test_broken_models_also_fail_params_update(broken) -> None:
    """Most broken models leave some parameter without a useful update."""
    with pytest.raises(mltest.CheckFailed):
        mt.assert_params_update(broken(), BATCHES["mlp"], loss_fn=CE)


def test_frozen_layer_message_is_pinned() -> None:
    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_params_update(FrozenLayer(), BATCHES["mlp"], loss_fn=CE)
    assert str(caught.value) == (
        "assert_params_update: 2 of 4 parameters of FrozenLayer misbehaved in one training step "
        f"(loss {caught.value.result.figures['loss']:.4g}).\n"
        "\n"
        "    body.weight (32x8): requires_grad=False but not listed in frozen\n"
        "    body.bias (32): requires_grad=False but not listed in frozen\n"
        "\n"
        "Likely causes:\n"
        "  - a layer left frozen: requires_grad_(False) (or a pretrained backbone frozen on purpose) that was "
        "never unfrozen\n"
        "What to change:\n"
        "  - unfreeze it (param.requires_grad_(True)), or list it in frozen= if it is frozen on purpose\n"
        "To reproduce: pass seed=0 (or run pytest with --mltest-seed=0).\n"
        "To waive this check: if these parameters are meant to stay fixed, pass frozen=['body.weight', "
        "'body.bias']."
    )
    # ... and following the advice silences exactly this check
    assert mt.assert_params_update(FrozenLayer(), BATCHES["mlp"], loss_fn=CE, frozen=["body"]).passed


def test_frozen_batchnorm_statistics_must_not_move() -> None:
    class Backbone(nn.Module):
        def __init__(self, keep_eval: bool) -> None:
            super().__init__()
            self.keep_eval = keep_eval
            self.backbone = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU())
            self.backbone.requires_grad_(False)
            self.head = nn.Linear(16, 4)

        def train(self, mode: bool = True) -> Backbone:
            super().train(mode)
            if self.keep_eval:
                self.backbone.eval()
            return self

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.backbone(x))

    only_head = lambda params: torch.optim.SGD([p for p in params if p.requires_grad], lr=0.1)  # noqa: E731
    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_params_update(Backbone(False), BATCHES["mlp"], loss_fn=CE, frozen="backbone", optimizer=only_head)
    assert str(caught.value).startswith("assert_params_update: 3 of 9 parameters and frozen buffers of Backbone ")
    assert "backbone.1.running_mean (16): buffer changed although listed in frozen" in str(caught.value)
    assert "BatchNorm running statistics update in train mode" in str(caught.value)
    result = mt.assert_params_update(Backbone(True), BATCHES["mlp"], loss_fn=CE, frozen="backbone", optimizer=only_head)
    assert result.figures["frozen"] == 7  # 4 parameters and 3 buffers


def test_parameter_missing_from_optimizer() -> None:
    model = mlp()
    optimizer = torch.optim.SGD(model[0].parameters(), lr=0.1)  # built before the head was added
    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_params_update(model, BATCHES["mlp"], loss_fn=CE, optimizer=optimizer)
    assert "2.weight (4x32): is not held by the optimizer" in str(caught.value)


def test_nan_from_log_of_zero_in_the_loss() -> None:
    class Probabilities(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = mlp()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.softmax(self.net(x) * 1000, dim=1)  # saturated: exact zeros

    def manual_nll(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return -(nn.functional.one_hot(y, 4) * torch.log(p)).sum(1).mean()

    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_finite(Probabilities(), BATCHES["mlp"], loss_fn=manual_nll)
    message = str(caught.value)
    assert "first appearance: the loss, computed from finite outputs that hold" in message
    assert re.search(r"gradient of net\.0\.weight: \d+ nan of 256 elements \(first at index \(\d+, \d+\)\)", message)
    assert "log of zero in the loss" in message


def test_nan_in_the_data_is_blamed_on_the_data() -> None:
    inputs, targets = BATCHES["mlp"]
    inputs = inputs.clone()
    inputs[3, 2] = float("nan")
    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_finite(mlp(), (inputs, targets), loss_fn=CE)
    assert "inputs: 1 nan of 256 elements (first at index (3, 2))" in str(caught.value)
    assert "the data already holds NaN or infinity" in str(caught.value)


def test_loss_summed_instead_of_averaged() -> None:
    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_initial_loss(mlp(), BATCHES["mlp"], loss_fn=nn.CrossEntropyLoss(reduction="sum"))
    assert "summed over the 32 samples instead of averaged (reduction='sum')" in str(caught.value)


def test_non_deterministic_initialisation_with_a_factory() -> None:
    class ReseedsItself(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            torch.seed()  # re-seeds torch from the OS: the weights differ on every build
            self.net = mlp()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.net(x)

    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_deterministic(ReseedsItself, BATCHES["mlp"], loss_fn=CE)
    assert "initialisation draws randomness the seed does not reach" in str(caught.value)


def test_softmax_over_the_batch_breaks_the_sum() -> None:
    model = nn.Sequential(mlp(), nn.Softmax(dim=0))
    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_output_range(model, BATCHES["mlp"], low=0, high=1, sum_to=1)
    assert "32 of 32 sums along dim=-1 differ from 1" in str(caught.value)


def test_batch_norm_is_independent_in_eval_mode_only() -> None:
    model = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 4))
    assert mt.assert_batch_independence(model, BATCHES["mlp"]).passed
    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_batch_independence(model, BATCHES["mlp"], mode="train")
    assert "BatchNorm in train mode mixes samples by design (1)" in str(caught.value)


def test_integer_inputs_are_compared_alone_and_in_the_batch() -> None:
    class Tokens(nn.Module):
        def __init__(self, mix: bool) -> None:
            super().__init__()
            self.mix = mix
            self.embed, self.head = nn.Embedding(20, 8), nn.Linear(8, 3)

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            h = self.embed(tokens).mean(1)
            return self.head(h - h.mean(0) if self.mix else h)

    tokens = torch.randint(0, 20, (6, 5), generator=torch.Generator().manual_seed(1))
    assert mt.assert_batch_independence(Tokens(False), tokens).passed
    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_batch_independence(Tokens(True), tokens)
    assert "output of sample 0 computed alone differs from in the batch by" in str(caught.value)


# ---------------------------------------------------------------------------------------------
# copies: the caller's model, optimizer and random state are left as they were


def test_model_optimizer_and_random_state_are_untouched() -> None:
    model = SmallCNN()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    rng = torch.get_rng_state()
    numpy_state = np.random.get_state()[1].copy()
    batch = BATCHES["cnn"]
    mt.assert_params_update(model, batch, loss_fn=CE, optimizer=optimizer)
    mt.assert_loss_decreases(model, batch, loss_fn=CE, optimizer=optimizer)
    mt.assert_overfits_batch(model, batch, loss_fn=CE, optimizer=optimizer)
    mt.assert_finite(model, batch, loss_fn=CE, optimizer=optimizer)
    mt.assert_deterministic(model, batch, loss_fn=CE, optimizer=optimizer)
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in state.items())
    assert all(p.grad is None for p in model.parameters())
    assert model.training
    assert optimizer.state == {} or not any(optimizer.state.values())
    assert torch.equal(rng, torch.get_rng_state())
    assert np.array_equal(numpy_state, np.random.get_state()[1])


def test_the_copied_optimizer_keeps_class_and_hyper_parameters() -> None:
    model = mlp()
    optimizer = torch.optim.SGD(
        [{"params": model[0].parameters(), "lr": 0.0}, {"params": model[2].parameters()}], lr=0.1, momentum=0.5
    )
    with pytest.raises(mltest.CheckFailed) as caught:  # lr=0 for the first layer is kept on the copy
        mt.assert_params_update(model, BATCHES["mlp"], loss_fn=CE, optimizer=optimizer)
    assert "0.weight (32x8): did not change after the step although its gradient is non-zero" in str(caught.value)
    assert "2.weight" not in str(caught.value)


# ---------------------------------------------------------------------------------------------
# bad input


def test_model_with_no_parameters() -> None:
    with pytest.raises(mltest.InvalidArgument) as caught:
        mt.assert_params_update(nn.ReLU(), BATCHES["mlp"], loss_fn=CE)
    assert str(caught.value) == (
        "model='<ReLU with no parameters>' is not valid: expected a torch.nn.Module with at least one parameter "
        "(this one has none, so there is nothing to train)"
    )


def test_batch_of_the_wrong_shape() -> None:
    inputs, targets = BATCHES["mlp"]
    with pytest.raises(mltest.InvalidArgument) as caught:
        mt.assert_loss_decreases(mlp(), (inputs[:, :5], targets), loss_fn=CE)
    assert str(caught.value) == (
        "batch='<inputs: tensor of shape (32, 5) and dtype torch.float32>' is not valid: expected inputs that "
        "the model accepts; model(inputs) raised RuntimeError: mat1 and mat2 shapes cannot be multiplied "
        "(32x5 and 8x32)"
    )
    with pytest.raises(mltest.InvalidArgument) as caught:
        mt.assert_finite(mlp(), (inputs, targets[:7]), loss_fn=CE)
    assert str(caught.value).startswith(
        "batch='<targets: tensor of shape (7,) and dtype torch.int64>' is not valid: expected targets that "
        "loss_fn accepts with outputs of tensor of shape (32, 4) and dtype torch.float32; loss_fn raised ValueError"
    )


def test_optimizer_not_holding_the_model_parameters() -> None:
    other = mlp()
    with pytest.raises(mltest.InvalidArgument) as caught:
        mt.assert_params_update(mlp(), BATCHES["mlp"], loss_fn=CE, optimizer=torch.optim.Adam(other.parameters()))
    assert str(caught.value) == (
        "optimizer='<Adam over 4 tensors>' is not valid: expected an optimizer over this model's parameters; "
        "4 of the 4 tensors it holds are not parameters of model (was it built for another model, or for a copy "
        "of this one?)"
    )


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: mt.assert_params_update(mlp(), BATCHES["mlp"][0], loss_fn=CE),
            mltest.InvalidArgument,
            "batch='tensor of shape (32, 8) and dtype torch.float32' is not valid: expected a pair (inputs, targets): "
            "this check computes a loss",
        ),
        (
            lambda: mt.assert_finite(mlp(), [1, 2, 3], loss_fn=CE),
            mltest.InvalidArgumentType,
            "batch=[1, 2, 3] has type list: expected a pair (inputs, targets) of tensors, or a tensor of inputs",
        ),
        (
            lambda: mt.assert_params_update(mlp(), BATCHES["mlp"], loss_fn=CE, frozen=["0.wieght"]),
            mltest.InvalidArgument,
            "frozen='0.wieght' is not valid: expected a parameter, buffer or module name of the model, such as "
            "['0.weight', '0.bias', '2.weight'] (did you mean '0.weight'?)",
        ),
        (
            lambda: mt.assert_loss_decreases(mlp(), BATCHES["mlp"], loss_fn=nn.CrossEntropyLoss(reduction="none")),
            mltest.InvalidArgument,
            "loss_fn=CrossEntropyLoss() is not valid: expected a function returning a scalar tensor; it returned "
            "tensor of shape (32,) and dtype torch.float32 (use reduction='mean')",
        ),
        (
            lambda: mt.assert_output_range(mlp(), BATCHES["mlp"]),
            mltest.InvalidArgument,
            "low=None is not valid: expected at least one of low=, high= or sum_to=",
        ),
        (
            lambda: mt.assert_batch_independence(mlp(), BATCHES["mlp"][0][:1]),
            mltest.InvalidArgument,
            "batch='<inputs: tensor of shape (1, 8) and dtype torch.float32>' is not valid: expected at least 2 "
            "samples, to compare them",
        ),
        (
            lambda: mt.assert_batch_independence(mlp(), BATCHES["mlp"], mode="evaluation"),
            mltest.InvalidArgument,
            "mode='evaluation' is not valid: expected 'eval' or 'train'",
        ),
        (
            lambda: mt.assert_overfits_batch(mlp, BATCHES["mlp"], loss_fn=CE),
            mltest.InvalidArgumentType,
            "model=<function mlp at",
        ),
        (
            lambda: mt.assert_loss_decreases(mlp(), BATCHES["mlp"], loss_fn=CE, steps=0),
            mltest.InvalidArgument,
            "steps=0 is not valid: expected an integer >= 1",
        ),
        (
            lambda: mt.assert_deterministic(
                mlp, BATCHES["mlp"], loss_fn=CE, optimizer=torch.optim.SGD(mlp().parameters())
            ),
            mltest.InvalidArgumentType,
            "optimizer=SGD (",
        ),
    ],
)
def test_bad_arguments(call, error, message) -> None:
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value).startswith(message)


def test_import_without_torch_fails_clearly_and_sklearn_part_still_works() -> None:
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import mltest.training\n"
        "assert callable(mltest.training.assert_learns)\n"
        "try:\n"
        "    import mltest.training.torch\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == (
        "mltest.training.torch needs PyTorch, which is not installed: pip install torch "
        "(the scikit-learn checks in mltest.training work without it)"
    )


def test_importing_the_sklearn_checks_does_not_import_torch() -> None:
    code = "import sys, mltest.training; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_public_names() -> None:
    assert sorted(mt.__all__) == [
        "assert_batch_independence",
        "assert_deterministic",
        "assert_finite",
        "assert_initial_loss",
        "assert_loss_decreases",
        "assert_output_range",
        "assert_overfits_batch",
        "assert_params_update",
    ]
    assert all(callable(getattr(mt, name)) for name in mt.__all__)


@pytest.mark.parametrize(
    "build",
    [
        lambda params: torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01),
        lambda params: torch.optim.RMSprop(params, lr=1e-3),
        lambda params: torch.optim.LBFGS(params, lr=0.5),  # step() needs a closure
    ],
    ids=["AdamW", "RMSprop", "LBFGS"],
)
def test_other_optimizers_are_copied_and_stepped(build) -> None:
    model = mlp()
    optimizer = build(model.parameters())
    assert mt.assert_params_update(model, BATCHES["mlp"], loss_fn=CE, optimizer=optimizer).passed
    assert mt.assert_loss_decreases(model, BATCHES["mlp"], loss_fn=CE, optimizer=optimizer).passed


def test_nan_outputs_are_outside_every_range() -> None:
    class NaNFirst(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = nn.Linear(8, 2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out = torch.sigmoid(self.linear(x))
            return torch.where(torch.arange(len(x)).unsqueeze(1) == 0, float("nan"), out)

    with pytest.raises(mltest.CheckFailed) as caught:
        mt.assert_output_range(NaNFirst(), BATCHES["mlp"], low=0, high=1)
    assert "2 of 64 output elements outside [0, 1] (2 of them NaN): from 0." in str(caught.value)
    assert "(first at index (0, 0): nan)" in str(caught.value)


def test_initial_loss_of_a_regression_loss_is_that_of_outputs_at_zero() -> None:
    batch = (BATCHES["mlp"][0], torch.randn(32, 1, generator=torch.Generator().manual_seed(1)))
    result = mt.assert_initial_loss(nn.Linear(8, 1), batch, loss_fn=nn.MSELoss())
    zero = float(nn.MSELoss()(torch.zeros(32, 1), batch[1]))
    assert result.figures["expected"] == pytest.approx(zero) and result.figures["rtol"] == 1.0
    assert result.message.endswith(
        f"expected {zero:.4g}, the loss of outputs that are all 0 (where an untrained last layer starts) (within 100%)"
    )
    assert mt.assert_initial_loss(nn.Linear(8, 1), batch, loss_fn=nn.MSELoss(), expected=1.0, rtol=1.0).passed


def test_binary_logits_expect_log_two() -> None:
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1), nn.Flatten(0))
    inputs, targets = BATCHES["mlp"]
    result = mt.assert_initial_loss(model, (inputs, (targets > 1).float()), loss_fn=nn.BCEWithLogitsLoss())
    assert result.figures["n_classes"] == 2
    assert result.message.startswith("assert_initial_loss: the untrained Sequential has loss ")
    assert result.message.endswith("expected log(2) = 0.6931, the loss of a uniform guess over 2 classes (within 25%)")
