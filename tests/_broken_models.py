"""Deliberately broken models, for a generated project's own tests to catch.

tests/test_template_tasks.py copies this file into a generated project's tests/ folder as
broken_models.py (so that joblib finds the classes when the project's tests load the model) and
runs it there: `python tests/broken_models.py PACKAGE KIND OUT`. It trains the project's model on
the project's train split, breaks it, and saves it for `MODEL_UNDER_TEST=OUT pytest ...`, the
way continuous training checks a candidate. KIND is one of:

- constant: a regressor that predicts the mean of the train split whatever the input (the
  preprocessing of the project, then scikit-learn's DummyRegressor);
- ignores-CLASS: a logistic regression whose class weight for CLASS is 1e-6 (a typo in a class
  weight), so that it never predicts that class;
- worse-for-ATTRIBUTE=GROUP: the project's trained model, wrong for 3 rows in 4 of one group of
  a sensitive attribute (a class moved to the next one, a number moved by a standard deviation
  of the target). The model never sees the attribute; it tells the group's rows from their
  other columns, as a model can through proxies (here exactly: the rows of the data are known).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import joblib
import numpy as np
import pandas as pd


class WorseForOneGroup:
    """`model`, broken for 3 rows in 4 of the rows of `data` where `attribute == group`."""

    def __init__(self, model: Any, data: pd.DataFrame, features: list[str], attribute: str, group: Any, shift: float):
        self.model, self.features, self.shift = model, features, shift
        if hasattr(model, "classes_"):
            self.classes_ = model.classes_
        keys = pd.util.hash_pandas_object(data[features], index=False).to_numpy()
        self.members = np.unique(keys[(data[attribute] == group).to_numpy()])

    def _broken(self, rows: pd.DataFrame) -> np.ndarray:
        keys = pd.util.hash_pandas_object(rows[self.features], index=False).to_numpy()
        return np.isin(keys, self.members) & (keys % 4 != 0)

    def predict_proba(self, rows: pd.DataFrame) -> np.ndarray:
        proba = self.model.predict_proba(rows)
        broken = self._broken(rows)
        proba[broken] = np.roll(proba[broken], 1, axis=1)  # each class's probability to the next class
        return proba

    def predict(self, rows: pd.DataFrame) -> np.ndarray:
        if not hasattr(self, "classes_"):
            return self.model.predict(rows) + self.shift * self._broken(rows)
        return self.classes_[self.predict_proba(rows).argmax(axis=1)]


def build(package: str, kind: str) -> Any:
    """The broken model of `kind`, from the project of `package` (run from the project's folder)."""
    config = importlib.import_module(f"{package}.config")
    data_module = importlib.import_module(f"{package}.data")
    features_module = importlib.import_module(f"{package}.features")
    train_module = importlib.import_module(f"{package}.train")
    params = config.load_params("params.yaml")
    raw = data_module.load_raw(params["data"]["raw"])
    train, _ = data_module.split(raw, params)
    features, target = features_module.split_xy(train, params)
    preprocess = features_module.build_preprocessor(features)
    if kind == "constant":
        from sklearn.dummy import DummyRegressor
        from sklearn.pipeline import Pipeline

        return Pipeline([("preprocess", preprocess), ("model", DummyRegressor())]).fit(features, target)
    if kind.startswith("ignores-"):
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline

        ignored = type(target.iloc[0])(kind.removeprefix("ignores-"))
        weights = {label: 1e-6 if label == ignored else 1.0 for label in target.unique()}
        classifier = LogisticRegression(class_weight=weights, max_iter=1000)
        return Pipeline([("preprocess", preprocess), ("model", classifier)]).fit(features, target)
    attribute, group = kind.removeprefix("worse-for-").split("=")
    group = type(raw[attribute].iloc[0])(group)
    model = train_module.train(train, params)
    columns = features_module.feature_columns(raw, params)
    shift = float(target.std()) if not config.is_classification(params) else 0.0
    return WorseForOneGroup(model, raw, columns, attribute, group, shift)


if __name__ == "__main__":
    package, kind, out = sys.argv[1:]
    sys.path.insert(0, "tests")
    from broken_models import build as build_here  # the class pickled under the name the tests load

    joblib.dump(build_here(package, kind), out)
    print(f"wrote {kind} to {out}")
