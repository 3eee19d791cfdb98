"""What `make adopt` changes in the project's text files besides params.yaml (adopt.py).

README.md: the "Example data" section becomes a "Data" section about the new data. dvc.yaml: the
plots follow the task (a confusion matrix for classes, a scatter for a number; the ROC curve for
binary only). pyproject.toml: the model card's task, and its words about the example data become
questions for the user. Each function returns the lines that say what it changed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.adopt import Plan

README_MARK = "`make adopt` wrote this section from the data"
EXAMPLES = ("german_credit.csv", "penguins.csv", "diabetes.csv")  # the template's example data
PLOTS = {  # the plot of reports/predictions.csv: (template, title)
    "classes": ("confusion", "Confusion matrix (test set)"),
    "regression": ("scatter", "Predicted against actual (test set)"),
}
ROC = """\
  # The ROC curve of data.positive_class. evaluate writes reports/roc.csv for a binary classifier
  # only, so it is a plot of the project, not an output of the stage (a stage's outputs must exist
  # whatever data.task says); if data.task becomes multiclass or regression, remove this entry.
  - reports/roc.csv:
      x: fpr
      y: tpr
      title: ROC curve (test set)
"""
MODEL_CARD = {  # what the model card says of data adopt cannot describe: questions for the user
    "dataset": "Describe the data (README.md, Data; params.yaml: data.raw)",
    "training_data": "Where the data comes from, how many rows, which period, and how it is split "
    "(params.yaml).",
    "intended_use": "Who uses the predictions, and for what decisions.",
    "out_of_scope": "Decisions the model must not be used for.",
    "limitations": "Where the model is known not to work, or was not tested.",
}


def data_section(plan: Plan) -> str:
    kind = {"binary": "two classes", "multiclass": "classes", "regression": "a number"}[plan.task]
    favourable = f", the favourable class is `{plan.positive}`" if plan.task == "binary" else ""
    groups = ", ".join(f"`{name}`" for name in plan.sensitive)
    fairness = f"the fairness tests compare groups by {groups}" if groups else "no groups"
    return (
        f"## Data\n\n`{plan.raw.as_posix()}`: {len(plan.data)} rows of {len(plan.data.columns)} "
        f"columns; the model predicts `{plan.target}`\n({plan.task}: {kind}{favourable}); "
        f"{fairness} (`features.sensitive` in `params.yaml`).\n\n{README_MARK}: replace it with\n"
        "what the data is, where it comes from, its license, what a row and the target are.\n\n"
    )


def edit_readme(plan: Plan) -> list[str]:
    """Replace the README's "Example data" section (or the one adopt wrote) with a "Data" one."""
    path = Path("README.md")
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    titles = ("## Example data", "## Data")
    heading = next((i for i, line in enumerate(lines) if line.rstrip() in titles), None)
    if heading is None:
        return ['README.md: no "Example data" section; say there what your data is']
    after = range(heading + 1, len(lines))
    end = next((i for i in after if lines[i].startswith("## ")), len(lines))
    old = "".join(lines[heading:end])
    if lines[heading].rstrip() == "## Data" and README_MARK not in old:
        return ['README.md: kept your "Data" section; check that it describes the new data']
    new = data_section(plan)
    if old == new:
        return []
    path.write_text("".join(lines[:heading]) + new + "".join(lines[end:]), encoding="utf-8")
    return ['README.md: the "Example data" section is now "Data": say there what the data is']


def edit_dvc_yaml(task: str) -> list[str]:
    """The plots of dvc.yaml for `task`; [] when they fit it already."""
    path = Path("dvc.yaml")
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    kind = "regression" if task == "regression" else "classes"
    other = "classes" if kind == "regression" else "regression"
    new = text
    for old_value, new_value in zip(PLOTS[other], PLOTS[kind], strict=True):
        pattern = rf"^(\s+(template|title): ){re.escape(old_value)}$"
        new = re.sub(pattern, rf"\g<1>{new_value}", new, flags=re.M)
    new = _roc(new, binary=task == "binary")
    if new == text:
        return []
    try:
        yaml.safe_load(new)
    except yaml.YAMLError:
        return [f"dvc.yaml: its plots do not fit a {task} task: change them by hand"]
    path.write_text(new, encoding="utf-8")
    return [f"dvc.yaml: the plots of a {task} task"]


def _roc(text: str, *, binary: bool) -> str:
    """`text` with the top-level reports/roc.csv plot when `binary`, without it otherwise."""
    lines = text.splitlines(keepends=True)
    entry = next((i for i, line in enumerate(lines) if line == "  - reports/roc.csv:\n"), None)
    if binary and entry is None:
        plots = next((i for i, line in enumerate(lines) if line == "plots:\n"), None)
        if plots is None:
            return text.rstrip("\n") + "\nplots:\n" + ROC
        return "".join(lines[: plots + 1]) + ROC + "".join(lines[plots + 1 :])
    if binary or entry is None:
        return text
    start = entry
    while start > 0 and lines[start - 1].startswith("  #"):
        start -= 1
    end = entry + 1
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    del lines[start:end]
    if lines[start - 1] == "plots:\n" and (start == len(lines) or not lines[start].startswith(" ")):
        del lines[start - 1]
    return "".join(lines)


def edit_model_card(task: str, old_raw: Path) -> list[str]:
    """pyproject.toml's [tool.mltest.model_card]: the task; the example's words go."""
    path = Path("pyproject.toml")
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    kind = "regression" if task == "regression" else "classification"
    new = re.sub(r'^task = "tabular-\w+"$', f'task = "tabular-{kind}"', text, flags=re.M)
    if old_raw.name in EXAMPLES:
        for key, value in MODEL_CARD.items():
            replacement = f"{key} = {_toml(value)}".replace("\\", "\\\\")  # as re.sub reads it
            new = re.sub(rf"^{key} = .*$", replacement, new, flags=re.M)
    if new == text:
        return []
    path.write_text(new, encoding="utf-8")
    return ["pyproject.toml: the model card's task and data ([tool.mltest.model_card]): fill it"]


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
