"""Unit tests of the module converted from notebooks/exploration.ipynb."""

from __future__ import annotations

import pandas as pd

from {{ cookiecutter.package_name }}.exploration import missing_values, positive_rate_by_group


def test_missing_values_lists_only_columns_with_gaps():
    data = pd.DataFrame({"a": [1, None, None], "b": [1, 2, 3], "c": ["x", None, "z"]})
    assert missing_values(data).to_dict() == {"a": 2, "c": 1}


def test_positive_rate_by_group_counts_the_class_it_is_given():
    data = pd.DataFrame({"group": ["f", "f", "m", "m", "m"], "y": [1, 0, 1, 1, 0]})
    table = positive_rate_by_group(data, "group", "y", positive=1)
    assert table.loc["f"].tolist() == [2, 0.5]
    assert table.loc["m", "rows"] == 3
    assert round(table.loc["m", "positive_rate"], 3) == 0.667
    labels = data.assign(y=data["y"].map({1: "good", 0: "bad"}))  # not the last one sorted
    table = positive_rate_by_group(labels, "group", "y", positive="bad")
    assert table.loc["m", "positive_rate"] == 1 / 3
