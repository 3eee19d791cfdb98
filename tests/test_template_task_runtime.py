"""The generated code follows params.yaml's data.task when it runs: the target check of
`prepare` (data.py), `make monitor`'s estimated performance (monitor.py), the service's answer
(serve.py).

CBPE estimates a classifier's accuracy from its logged probabilities, without labels: binary
from data.positive_class's probability, multiclass from the predicted class's probability (the
chance, when calibrated, that the prediction is right). A regressor has no probabilities: the
check is skipped and the report says why. The project is rendered once (no `make setup`): the
checks are functions of the data, the logged outputs and params.yaml.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from _template_projects import copy_template

PACKAGE = "task_runtime"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated monitor module and params.yaml (a multiclass project; each test sets data.task)."""
    import copier

    base = tmp_path_factory.mktemp("task-runtime")
    project = base / "project"
    copier.run_copy(
        str(copy_template(base / "template")), str(project), data={"task": "multiclass", "package_name": PACKAGE},
        defaults=True, quiet=True,
    )  # fmt: skip
    sys.path.insert(0, str(project / "src"))
    try:
        yield importlib.import_module(f"{PACKAGE}.monitor"), yaml.safe_load((project / "params.yaml").read_text())
    finally:
        sys.path.remove(str(project / "src"))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def logged(probabilities: np.ndarray, classes: list) -> pd.DataFrame:
    """Logged outputs as the service writes them: the predicted class and each class's probability."""
    frame = pd.DataFrame({"prediction": np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)]})
    for label, column in zip(classes, probabilities.T, strict=True):
        frame[f"probability_{label}"] = column
    return frame


def metrics(tmp_path: Path, accuracy: float) -> Path:
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps({"accuracy": accuracy}), encoding="utf-8")
    return path


def sure(rows: int, classes: int, top: float, seed: int = 0) -> np.ndarray:
    """Probabilities whose predicted class has probability `top`, the rest shared out."""
    rng = np.random.default_rng(seed)
    proba = np.full((rows, classes), (1 - top) / (classes - 1))
    proba[np.arange(rows), rng.integers(0, classes, rows)] = top
    return proba


def test_multiclass_accuracy_is_estimated_from_the_predicted_class_probability(generated, tmp_path):
    module, params = generated
    classes = ["Adelie", "Chinstrap", "Gentoo"]
    confident = module.performance_check(logged(sure(400, 3, 0.97), classes), metrics(tmp_path, 0.96), 0.05, params)
    assert confident.outcome == "passed", confident.message
    assert "estimated accuracy 0.97" in confident.message
    # Unsure of every row (0.5 for the predicted class): the accuracy promised is 0.5, far below
    # the test accuracy of 1.0 minus 0.05.
    unsure = module.performance_check(logged(sure(400, 3, 0.5), classes), metrics(tmp_path, 1.0), 0.05, params)
    assert unsure.outcome == "failed", unsure.message
    assert "estimated accuracy 0.5 " in unsure.message and "min_value 0.95" in unsure.message


def test_binary_accuracy_is_estimated_from_the_positive_class_probability(generated, tmp_path):
    module, params = generated
    binary = {**params, "data": {**params["data"], "task": "binary", "positive_class": "good"}}
    # 'good' sorts first: its probability, not the last column's, is the score.
    proba = sure(400, 2, 0.95)
    check = module.performance_check(logged(proba, ["good", "poor"]), metrics(tmp_path, 0.95), 0.05, binary)
    assert check.outcome == "passed", check.message
    assert "estimated accuracy 0.95" in check.message


def test_a_regressor_is_skipped_saying_why(generated, tmp_path):
    module, params = generated
    regression = {**params, "data": {**params["data"], "task": "regression", "positive_class": None}}
    outputs = pd.DataFrame({"prediction": np.linspace(25.0, 346.0, 50)})
    check = module.performance_check(outputs, metrics(tmp_path, 0.9), 0.05, regression)
    assert check.outcome == "skipped"
    assert check.message.startswith(
        "data.task is regression: a regressor's performance cannot be estimated without labels"
    )


def test_the_service_answers_a_regressors_number_as_predicted(generated):
    """The web service's answer keeps every digit of a predicted number (pandas' to_json kept
    10), so a client gets what `predict` gives; a number that is not finite becomes null."""
    pytest.importorskip("fastapi")
    serve = importlib.import_module(f"{PACKAGE}.serve")
    predicted = pd.DataFrame({"prediction": [130.08368379442507, float("inf")]})
    assert serve.records(predicted) == [{"prediction": 130.08368379442507}, {"prediction": None}]
    classes = pd.DataFrame({"prediction": ["Gentoo"], "probability_Gentoo": [0.1234567890123456]})
    assert serve.records(classes) == [{"prediction": "Gentoo", "probability_Gentoo": 0.1234567890123456}]


@pytest.mark.parametrize(
    ("task", "target", "values", "expected"),
    [
        ("multiclass", "species", ["Adelie", "Gentoo"] * 5,
         "data.target 'species' has 2 distinct value(s), but data.task is multiclass (3 or more); for two "
         "classes set data.task: binary."),
        ("binary", "species", ["Adelie", "Gentoo", "Chinstrap"] * 4,
         "data.target 'species' has 3 distinct values, but data.task is binary (two classes); for three "
         "classes or more set data.task: multiclass."),
        ("regression", "species", ["Adelie", "Gentoo"] * 5,
         "data.target 'species' is not a number (values such as 'Adelie'), but data.task is regression; "
         "for classes set data.task to binary or multiclass."),
        ("multiclass", "species", ["Adelie", "Gentoo", "Chinstrap"] * 4 + ["Emperor"],
         "data.target 'species' has a class in only 1 row ('Emperor'): each class needs two rows or more "
         "(the split keeps every class in train and test); drop or merge it."),
        ("regression", "mass", [3750.0, None, 4100.0, 3800.0],
         "data.target 'mass' has 1 missing values: drop those rows from the data."),
    ],
    ids=["multiclass-two-classes", "binary-three-classes", "regression-text", "rare-class", "missing"],
)  # fmt: skip
def test_a_target_that_does_not_fit_the_task_is_named_in_one_line(generated, task, target, values, expected):
    _, params = generated
    data = importlib.import_module(f"{PACKAGE}.data")
    config = importlib.import_module(f"{PACKAGE}.config")
    frame = pd.DataFrame({target: values, "x": range(len(values))})
    settings = {**params, "data": {**params["data"], "task": task, "target": target, "positive_class": None}}
    with pytest.raises(config.ParamsError) as raised:
        data.split(frame, settings)
    assert str(raised.value) == f"params.yaml: {expected}"


def test_a_regression_split_is_not_stratified_and_keeps_every_row(generated):
    _, params = generated
    data = importlib.import_module(f"{PACKAGE}.data")
    frame = pd.DataFrame({"y": np.linspace(25.0, 346.0, 100), "x": range(100)})
    settings = {**params, "data": {**params["data"], "task": "regression", "target": "y", "positive_class": None}}
    train, test = data.split(frame, settings)
    assert (len(train), len(test)) == (75, 25)
    assert sorted([*train["x"], *test["x"]]) == list(range(100))
