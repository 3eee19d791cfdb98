"""A model card written from what a test run's checks measured (``--mltest-model-card``).

The card is Markdown with Hugging Face front matter (``model-index``), so that the Hub and
``huggingface_hub.ModelCard`` read its metrics. What people know and tests cannot (intended use,
the data's origin, limitations) comes from ``[tool.mltest.model_card]`` in pyproject.toml or the
YAML file it names; every figure comes from a check of the run and links to its test. A section
whose family did not run says so: nothing is invented.

A result names a headline metric through its figures: ``metric`` (the name) and ``score`` (the
value), with ``ci_low``/``ci_high`` when it has an interval (``assert_learns`` does this).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from mltest import _validation
from mltest.errors import MltestError

__all__ = ["CARD_FIELDS", "read_card_config", "render_model_card"]

# field: what it holds (the docs list these)
CARD_FIELDS = {
    "name": "the model's name (default: the project's name)",
    "description": "one paragraph: what the model does",
    "license": "an SPDX id or 'other' (Hugging Face license field)",
    "task": "Hugging Face task type, e.g. tabular-classification or tabular-regression",
    "dataset": "the name of the training data set",
    "authors": "who built the model",
    "intended_use": "who should use it, for what",
    "out_of_scope": "uses it is not meant for",
    "training_data": "where the training data comes from and what it covers",
    "limitations": "what the model cannot do, and known risks",
}

_NOT_RUN = "No {family} check ran in this test run, so this card says nothing about it."


def read_card_config(value: Any, *, root: Path) -> dict[str, str]:
    """``[tool.mltest.model_card]`` (a table) or the YAML file it names, checked field by field."""
    label = "[tool.mltest]: model_card"
    if isinstance(value, str):
        path = root / value
        try:
            value = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise MltestError(f"{label}={str(path)!r}: cannot read it as YAML: {error}") from None
        label = str(path)
    if not isinstance(value, dict):
        raise MltestError(f"{label} is not valid: expected a table of {', '.join(CARD_FIELDS)} or a YAML file path")
    for key, text in value.items():
        _validation.choice(f"{label}: field", key, CARD_FIELDS)
        if not isinstance(text, str):
            raise MltestError(f"{label}: {key}={text!r} is not valid: expected text")
    return dict(value)


def _link(test: str, card_dir: Path, root: Path) -> str:
    """``test`` as a Markdown link to its file, relative to the card."""
    file = test.split("::")[0].split(" (")[0]
    target = os.path.relpath(root / file, card_dir).replace(os.sep, "/")
    return f"[`{test}`]({target})"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|")


def _metrics(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for r in results:
        f = r.get("figures", {})
        if isinstance(f.get("metric"), str) and isinstance(f.get("score"), (int, float)):
            found.append({"result": r, "name": f["metric"], "value": float(f["score"]),
                          "low": f.get("ci_low"), "high": f.get("ci_high")})  # fmt: skip
    return found


def _front_matter(config: dict[str, str], metrics: list[dict[str, Any]]) -> str:
    name = config.get("name", "model")
    data: dict[str, Any] = {"license": config.get("license", "other"), "library_name": "sklearn"}
    data["tags"] = ["mltest", config.get("task", "tabular-classification")]
    if metrics:
        task = config.get("task", "tabular-classification")
        dataset = config.get("dataset", "evaluation data")
        values = [
            {"type": m["name"], "value": round(m["value"], 6), "name": f"{m['name']} ({m['result']['check']})"}
            for m in metrics
        ]
        result = {"task": {"type": task}, "dataset": {"name": dataset, "type": dataset}, "metrics": values}
        data["model-index"] = [{"name": name, "results": [result]}]
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n"


def _family_table(rows: list[dict[str, Any]], link: Any) -> list[str]:
    lines = ["| check | outcome | figures | test |", "|---|---|---|---|"]
    for r in rows:
        figures = ", ".join(f"{k}={_fmt(v)}" for k, v in r["figures"].items())
        lines.append(f"| {r['check']} | {r['outcome']} | {_fmt(figures)} | {link(r['test'])} |")
    return lines


def _group_tables(rows: list[dict[str, Any]], link: Any) -> list[str]:
    lines: list[str] = []
    for r in rows:
        lines += ["", f"**{r['check']}** ({r['outcome']}, {link(r['test'])}): {r['message'].splitlines()[0]}"]
        if r.get("table"):
            columns = list(dict.fromkeys(k for row in r["table"] for k in row))
            lines += ["", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
            lines += ["| " + " | ".join(_fmt(row.get(c, "")) for c in columns) + " |" for row in r["table"][:30]]
    return lines


def _section(title: str, family: str, rows: list[dict[str, Any]], body: list[str]) -> list[str]:
    return ["", f"## {title}", "", *(body if rows else [_NOT_RUN.format(family=family)])]


def render_model_card(
    results: Sequence[dict[str, Any]],
    *,
    config: dict[str, str],
    path: Path,
    root: Path,
    seed: Any = None,
    scorecard: str | None = None,
) -> str:
    """The model card for ``results`` (dicts), to be written at ``path``."""
    link = lambda test: _link(test, path.parent, root)  # noqa: E731
    by = {f: [r for r in results if r["family"] == f] for f in ("schema", "fairness", "invariance", "training",
                                                                  "monitoring", "evaluation")}  # fmt: skip
    metrics = _metrics(results)
    name = config.get("name", "model")
    lines = [_front_matter(config, metrics), f"# Model card: {name}", ""]
    if "description" in config:
        lines += [config["description"], ""]
    today = _dt.date.today().isoformat()
    lines.append(
        f"Written by pytest-mltest from the {len(results)} checks of a test run on {today}"
        + (f" (seed {seed})" if seed is not None else "")
        + ". Every figure links to the test that measured it; a section whose checks did not run says so."
    )
    for title, key in (("Intended use", "intended_use"), ("Out of scope", "out_of_scope"),
                       ("Authors", "authors")):  # fmt: skip
        if key in config:
            lines += ["", f"## {title}", "", config[key]]
    lines += [
        "",
        "## Training data",
        "",
        config.get("training_data", "Not described: set training_data in [tool.mltest.model_card]."),
    ]
    if by["schema"]:
        lines += ["", *_family_table(by["schema"], link)]
    lines += ["", "## Metrics", ""]
    if metrics:
        lines += ["| metric | value | interval | check | test |", "|---|---|---|---|---|"]
        for m in metrics:
            interval = f"{_fmt(m['low'])} to {_fmt(m['high'])}" if m["low"] is not None else ""
            check, test = m["result"]["check"], link(m["result"]["test"])
            lines.append(f"| {m['name']} | {_fmt(m['value'])} | {interval} | {check} | {test} |")
    else:
        lines.append("No check of this run reported a headline metric (assert_learns does).")
    lines += _section("Fairness", "fairness", by["fairness"], _group_tables(by["fairness"], link))
    lines += _section("Evaluation: slices, calibration, proxies, leakage", "evaluation", by["evaluation"],
                      _group_tables(by["evaluation"], link))  # fmt: skip
    lines += _section("Invariance", "invariance", by["invariance"], _family_table(by["invariance"], link))
    lines += _section(
        "Monitoring: drift, skew, model age", "monitoring", by["monitoring"], _family_table(by["monitoring"], link)
    )
    lines += _section("Training sanity", "training", by["training"], _family_table(by["training"], link))
    lines += [
        "",
        "## Limitations",
        "",
        config.get("limitations", "Not described: set limitations in [tool.mltest.model_card]."),
    ]
    if scorecard is not None:
        lines += ["", scorecard.rstrip("\n")]
    return "\n".join(lines) + "\n"
