"""Which columns the model sees, and how they are encoded."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def feature_columns(data: pd.DataFrame, params: dict[str, Any]) -> list[str]:
    """Every column but the target, the sensitive attributes and the dropped ones.

    The sensitive attributes stay out of the model; the fairness tests use them to compare groups.
    """
    left_out = {
        params["data"]["target"],
        *params["features"]["sensitive"],
        *params["features"]["drop"],
    }
    return [column for column in data.columns if column not in left_out]


def split_xy(data: pd.DataFrame, params: dict[str, Any]) -> tuple[pd.DataFrame, pd.Series]:
    """The model's input columns and the target."""
    return data[feature_columns(data, params)], data[params["data"]["target"]]


def build_preprocessor(features: pd.DataFrame) -> ColumnTransformer:
    """Scale numeric columns and one-hot encode the others (unknown categories are ignored)."""
    numeric = [c for c in features.columns if pd.api.types.is_numeric_dtype(features[c])]
    categorical = [c for c in features.columns if c not in numeric]
    return ColumnTransformer(
        [
            ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            (
                "categorical",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value="missing"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                categorical,
            ),
        ]
    )
