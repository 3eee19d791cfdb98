"""Ordinary unit tests: features, the command line, the whole pipeline in a temporary folder."""

from __future__ import annotations

import json

import pandas as pd
import yaml
from conftest import ROOT, TASK

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.features import build_preprocessor, feature_columns
from {{ cookiecutter.package_name }}.predict import predict


def test_feature_columns_leave_out_target_and_sensitive_attributes(raw_data, params):
    columns = feature_columns(raw_data, params)
    assert params["data"]["target"] not in columns
    assert not set(params["features"]["sensitive"]) & set(columns)
    assert columns


def test_preprocessor_ignores_categories_it_has_not_seen(train_data, params):
    features = train_data[feature_columns(train_data, params)]
    preprocessor = build_preprocessor(features).fit(features)
    unseen = features.head(1).copy()
    for column in unseen.columns:
        if not pd.api.types.is_numeric_dtype(unseen[column]):
            unseen[column] = "a value never seen in training"
    assert preprocessor.transform(unseen).shape[0] == 1


def test_predict_returns_a_class_and_probabilities_per_row(model, test_data, params):
    result = predict(model, test_data.head(5), params)
    assert len(result) == 5
    if TASK == "regression":  # a number per row, and nothing else
        assert list(result.columns) == ["prediction"]
        assert result["prediction"].dtype == "float64"
        return
    assert list(result.columns) == ["prediction", *(f"probability_{c}" for c in model.classes_)]
    assert set(result["prediction"]) <= set(model.classes_)
    probabilities = result.drop(columns="prediction")
    assert probabilities.sum(axis=1).round(6).eq(1).all()


def test_cli_runs_the_pipeline_end_to_end(tmp_path, monkeypatch, params, raw_data):
    local = {**params, "data": {**params["data"], "raw": str(ROOT / params["data"]["raw"])}}
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(local), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for stage in ("prepare", "train", "evaluate"):
        assert main([stage]) == 0
    metrics = json.loads((tmp_path / "reports" / "metrics.json").read_text(encoding="utf-8"))
    if TASK == "regression":
        assert metrics["mae"] >= 0 and metrics["r2"] <= 1
    else:
        assert 0 <= metrics["accuracy"] <= 1
    assert (tmp_path / "reports" / "predictions.csv").exists()
    assert (tmp_path / "reports" / "roc.csv").exists() == (TASK == "binary")  # one class's curve
    assert main(["predict", "data/prepared/test.csv", "predictions.csv"]) == 0
    assert len(pd.read_csv("predictions.csv")) == len(pd.read_csv("data/prepared/test.csv"))


def test_cli_reports_a_missing_params_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["--params", "missing.yaml", "prepare"]) == 1
    assert "missing.yaml" in capsys.readouterr().err
