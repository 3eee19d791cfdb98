"""Use your own data in one command: `make adopt DATA=path TARGET=column` (README.md).

    python -m {{ cookiecutter.package_name }} adopt DATA --target COLUMN
        [--task binary|multiclass|regression] [--positive CLASS] [--sensitive A,B|none]
        [--drop A,B|none] [--drop-missing] [--force]

It does the README's steps: copies DATA to data/raw/ and tracks it with DVC (the previous data,
its .dvc file and its sample go), writes data/schema.yaml (`mltest schema infer --target`) and a
sample in data/samples/, sets data.raw, target, task, positive_class, features.sensitive and
drop, and the checks in params.yaml (by editing its text: the comments stay), the plots of
dvc.yaml and the model card of pyproject.toml (adopt_text.py), and replaces the
README's "Example data" section. It decides everything before it writes anything: bad input
stops it with one line and nothing changed. Run again with the same input, it changes nothing.
"""

from __future__ import annotations

import difflib
import hashlib
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from {{ cookiecutter.package_name }} import adopt_text, params_text
from {{ cookiecutter.package_name }}.config import TASKS, ParamsError

RAW_DIR, SAMPLES_DIR, SCHEMA = Path("data/raw"), Path("data/samples"), Path("data/schema.yaml")
SAMPLE_ROWS = 20
MAX_CLASSES = 20  # a number with more distinct values than this is a quantity (regression)
CLASSIFIER_METRICS = ("accuracy", "roc_auc", "log_loss", "brier")
REGRESSION_METRICS = ("r2", "mae", "rmse")

Ask = Callable[[str], str] | None


class AdoptError(ParamsError):
    """The data or the options do not fit: one line says what and what to do."""


@dataclass
class Plan:
    """What adopt decided, before it writes anything."""

    source: Path
    raw: Path
    data: pd.DataFrame
    target: str
    task: str
    positive: Any = None
    sensitive: list[str] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)
    dropped_rows: int = 0
    notes: list[str] = field(default_factory=list)


def adopt(args: Any, params: dict[str, Any], ask: Ask = None) -> int:
    """The `adopt` command: decide (plan), then write; `ask` prompts on a terminal, or None."""
    if not Path(".dvc").is_dir():
        raise AdoptError("no DVC here (.dvc/): run make setup first, in the project's folder")
    try:
        plan = decide(args, params, ask)
    except (EOFError, KeyboardInterrupt):  # a question left unanswered
        raise AdoptError("stopped at a question: nothing changed") from None
    writes = contents(plan, params)
    check_overwrites(writes, params, force=args.force)
    report = apply(plan, params, writes)
    for line in plan.notes + report:
        print(line)
    print("Next: make repro && make test, then git add . && make lint && git commit")
    return 0


def decide(args: Any, params: dict[str, Any], ask: Ask) -> Plan:
    source = Path(args.data)
    data = read(source)
    target = column(args.target, data.columns, "TARGET")
    data, dropped = missing_target(data, target, args.drop_missing, ask)
    task = choose_task(data[target], target, args.task)
    plan = Plan(source, RAW_DIR / source.name, data, target, task, dropped_rows=dropped)
    if task == "binary":
        plan.positive = positive_class(data[target], target, args.positive, ask)
    plan.sensitive = sensitive(args.sensitive, params, data.columns, target, ask)
    plan.drop = drop_columns(args.drop, plan)
    if dropped:
        plan.notes.append(f"left out the {dropped} rows whose {target} is missing (DROP_MISSING=1)")
    return plan


def read(source: Path) -> pd.DataFrame:
    if not source.is_file():
        raise AdoptError(f"DATA={source}: no such file")
    if source.suffix.lower() != ".csv":
        raise AdoptError(f"DATA={source}: not a .csv file (the pipeline reads data.raw as CSV)")
    try:
        data = pd.read_csv(source)
    except (ValueError, UnicodeDecodeError) as error:  # pandas' ParserError is a ValueError
        raise AdoptError(f"DATA={source}: not readable as CSV: {error}") from None
    if data.empty:
        raise AdoptError(f"DATA={source}: no rows")
    return data


def column(name: str, columns: Any, variable: str) -> str:
    names = [str(name) for name in columns]
    if name in names:
        return name
    close = difflib.get_close_matches(name, names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise AdoptError(f"{variable}={name}: no such column{hint}; the columns: {', '.join(names)}")


def missing_target(
    data: pd.DataFrame, target: str, drop: bool, ask: Ask
) -> tuple[pd.DataFrame, int]:
    """`data` without the rows whose target is missing, when the user agrees; else refuse."""
    missing = int(data[target].isna().sum())
    if not missing:
        return data, 0
    what = f"TARGET={target} is missing in {missing} of {len(data)} rows"
    if missing == len(data):
        raise AdoptError(f"{what}: there is nothing to learn from")
    if not drop and ask is not None:
        drop = ask(f"{what}. Leave them out of data/raw/? [y/N] ").strip().lower() in ("y", "yes")
    if not drop:
        raise AdoptError(
            f"{what}: run again with DROP_MISSING=1 to leave them out, or fill them in"
        )
    return data[data[target].notna()].reset_index(drop=True), missing


def choose_task(labels: pd.Series, target: str, given: str | None) -> str:
    """TASK= when it fits the target, else the task the target suggests."""
    number = pd.api.types.is_numeric_dtype(labels) and not pd.api.types.is_bool_dtype(labels)
    counts = labels.value_counts()
    if given is None:
        task = "regression" if number and len(counts) > MAX_CLASSES else "multiclass"
        task = "binary" if len(counts) == 2 else task
    elif given not in TASKS:
        close = difflib.get_close_matches(given.strip().lower(), TASKS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise AdoptError(f"TASK={given}: not a task{hint}; the tasks: {', '.join(TASKS)}")
    else:
        task = given
    problem = task_problem(task, number, counts)
    if problem:
        raise AdoptError(f"TARGET={target} {problem}")
    return task


def task_problem(task: str, number: bool, counts: pd.Series) -> str:
    """Why the target cannot be `task` ('' when it can)."""
    if task == "regression":
        return "" if number else "is not a number: it cannot be TASK=regression"
    classes = ", ".join(map(repr, counts.index.tolist()[:8])) + (", ..." if len(counts) > 8 else "")
    if len(counts) < 2:
        return f"has one value ({classes}): there is nothing to predict"
    if task == "binary" and len(counts) != 2:
        return f"has {len(counts)} classes, not 2: it cannot be TASK=binary"
    if task == "multiclass" and len(counts) < 3:
        return f"has 2 classes ({classes}): that is TASK=binary"
    if counts.min() < 2:
        rare = (counts < 2).sum()
        hint = "; for a number, TASK=regression" if number else "; merge or drop them"
        return f"has {rare} classes in one row only (a class needs two rows or more){hint}"
    return ""


def positive_class(labels: pd.Series, target: str, given: str | None, ask: Ask) -> Any:
    """The favourable class, as the data writes it (POSITIVE=, or asked on a terminal)."""
    classes = labels.drop_duplicates().tolist()
    shown = " or ".join(str(value) for value in classes)
    if given is None and ask is not None:
        given = ask(f"The favourable class of {target} (data.positive_class), {shown}? ")
    if given is None:
        raise AdoptError(
            f"TARGET={target} has two classes: say which is favourable with POSITIVE={shown}"
        )
    for value in classes:
        if str(value).lower() == str(given).strip().lower():
            return value.item() if hasattr(value, "item") else value
    raise AdoptError(f"POSITIVE={given}: not a class of {target}; its classes: {shown}")


def sensitive(
    given: str | None, params: dict[str, Any], columns: Any, target: str, ask: Ask
) -> list[str]:
    """SENSITIVE= columns; without it, those of features.sensitive that the data has."""
    current = (params.get("features") or {}).get("sensitive") or []
    current = [name for name in current if name in columns]
    if given is None and ask is not None:
        default = ",".join(current) or "none"
        given = ask(f"Sensitive attributes for the fairness tests (a,b or none) [{default}]: ")
        given = given.strip() or default
    if given is None:
        return current
    names = [name.strip() for name in given.split(",") if name.strip()]
    if names in ([], ["none"]):
        return []
    chosen = [column(name, columns, "SENSITIVE") for name in names]
    if target in chosen:
        raise AdoptError(f"SENSITIVE={given}: {target} is the target, not a sensitive attribute")
    return chosen


def drop_columns(given: str | None, plan: Plan) -> list[str]:
    """DROP= columns; without it, text columns with a value in (almost) every row (ids, names)."""
    if given is not None:
        names = [name.strip() for name in given.split(",") if name.strip()]
        if names in ([], ["none"]):
            return []
        return [column(name, plan.data.columns, "DROP") for name in names]
    drop = []
    for name in plan.data.columns:
        values = plan.data[name]
        distinct = values.nunique()
        if name == plan.target or name in plan.sensitive or pd.api.types.is_numeric_dtype(values):
            continue
        if distinct > MAX_CLASSES and distinct > len(values) / 2:
            drop.append(name)
            plan.notes.append(
                f"features.drop: {name} (text with {distinct} distinct values in "
                f"{len(values)} rows, an id or a name; DROP= to choose)"
            )
    return drop


def contents(plan: Plan, params: dict[str, Any]) -> dict[Path, bytes]:
    """The new bytes of each file adopt writes: the raw data, the schema and the sample."""
    raw = plan.source.read_bytes()
    if plan.dropped_rows:
        raw = plan.data.to_csv(index=False).encode()
    schema = infer_schema(raw, plan.raw, plan.target)
    return {plan.raw: raw, SCHEMA: schema, SAMPLES_DIR / plan.raw.name: head(raw)}


def infer_schema(raw: bytes, path: Path, target: str) -> bytes:
    """`mltest schema infer --target` on `raw`, as if it were at `path` (the header names it)."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / path).parent.mkdir(parents=True)
        (Path(folder) / path).write_bytes(raw)
        command = [sys.executable, "-m", "mltest.cli", "schema", "infer", str(path)]
        command += ["-o", "schema.yaml", "--target", target]
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
        if result.returncode:
            last = (result.stderr.strip() or result.stdout.strip()).splitlines()[-1:]
            raise AdoptError(f"mltest schema infer {path} failed: {' '.join(last)}")
        return (Path(folder) / "schema.yaml").read_bytes()


def check_overwrites(writes: dict[Path, bytes], params: dict[str, Any], *, force: bool) -> None:
    """Refuse to replace a file that holds changes git (or DVC, for the data) has not recorded."""
    for path, new in writes.items():
        if force or not path.exists() or path.read_bytes() == new:
            continue
        if path.parent == RAW_DIR and dvc_md5(path) == md5(path):
            continue  # DVC's cache keeps the old version
        if path.parent != RAW_DIR and (not unsaved(path) or inferred(path, params)):
            continue  # git keeps the old version, or it holds nothing but the old data's schema
        raise AdoptError(
            f"{path} exists with changes {'DVC' if path.parent == RAW_DIR else 'git'} has not "
            "recorded (your edits?): commit them, or run again with FORCE=1 to replace it"
        )


def inferred(path: Path, params: dict[str, Any]) -> bool:
    """True when `path` is the schema, or the sample, of params.yaml's data as adopt writes them."""
    old = Path(params["data"]["raw"])
    if not old.exists():
        return False
    if path == SCHEMA:
        return path.read_bytes() == infer_schema(old.read_bytes(), old, params["data"]["target"])
    return path.read_bytes() == head(old.read_bytes())


def unsaved(path: Path) -> bool:
    """True unless git has `path` committed as it is."""
    command = ["git", "status", "--porcelain", "--", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return result.returncode != 0 or bool(result.stdout.strip())


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def dvc_md5(path: Path) -> str | None:
    """The md5 of `path` that its .dvc file records (None without one)."""
    record = Path(f"{path}.dvc")
    if not record.exists():
        return None
    outs = (yaml.safe_load(record.read_text(encoding="utf-8")) or {}).get("outs") or [{}]
    return outs[0].get("md5")


def apply(plan: Plan, params: dict[str, Any], writes: dict[Path, bytes]) -> list[str]:
    """Write the files, move DVC to the new data, edit the text files (adopt_text.py); report."""
    report = retire(Path(params["data"]["raw"]), plan.raw)
    for path, new in writes.items():
        if not path.exists() or path.read_bytes() != new:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(new)
            report.append(f"wrote {path}")
    dvc("add", "--quiet", str(plan.raw))
    report.append(f"{plan.raw}: {len(plan.data)} rows, tracked by DVC ({plan.raw}.dvc goes to git)")
    report += edit_params(plan, params)
    report += adopt_text.edit_dvc_yaml(plan.task)
    report += adopt_text.edit_model_card(plan.task, Path(params["data"]["raw"]))
    report += adopt_text.edit_readme(plan)
    return report


def retire(old: Path, new: Path) -> list[str]:
    """Stop tracking the previous data; remove it and its sample when nothing is lost."""
    if old == new:
        return []
    report = []
    sample = SAMPLES_DIR / old.name
    # a sample that is the first rows of the data it samples holds nothing of its own
    derived = sample.exists() and old.exists() and sample.read_bytes() == head(old.read_bytes())
    if sample.exists() and (derived or not unsaved(sample)):
        sample.unlink()
        report.append(f"removed {sample}")
    elif sample.exists():
        report.append(f"kept {sample}: git has not recorded it as it is (remove it yourself)")
    recorded = dvc_md5(old)
    if recorded is not None:
        dvc("remove", f"{old}.dvc")
        report.append(f"removed {old}.dvc")
    if old.exists() and recorded is not None and recorded == md5(old):
        old.unlink()
        report.append(f"removed {old} (DVC's cache keeps it)")
    elif old.exists():
        report.append(f"kept {old}: DVC has not recorded it as it is (remove it yourself)")
    return report


def head(raw: bytes) -> bytes:
    """The header and the first SAMPLE_ROWS lines of a CSV file: the sample in data/samples/."""
    return b"".join(raw.splitlines(keepends=True)[: SAMPLE_ROWS + 1])


def dvc(*args: str) -> None:
    command = [sys.executable, "-m", "dvc", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        last = (result.stderr.strip() or result.stdout.strip()).splitlines()[-1:]
        raise AdoptError(f"dvc {' '.join(args)} failed: {' '.join(last)}")


def settings(plan: Plan, params: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """The values of params.yaml that follow the data."""
    values: dict[tuple[str, str], Any] = {
        ("data", "raw"): plan.raw.as_posix(),
        ("data", "target"): plan.target,
        ("data", "task"): plan.task,
        ("features", "sensitive"): plan.sensitive,
        ("features", "drop"): plan.drop,
    }
    values["data", "positive_class"] = plan.positive  # None (null) unless binary
    columns = set(map(str, plan.data.columns))
    checks = params.get("checks") or {}
    noise = checks.get("noise") or {}
    if any(name not in columns for name in noise):
        values["checks", "noise"] = {name: by for name, by in noise.items() if name in columns}
    directional = checks.get("directional") or []
    if any(entry.get("column") not in columns for entry in directional):
        values["checks", "directional"] = [e for e in directional if e.get("column") in columns]
    metric = (params.get("monitoring") or {}).get("promotion_metric")
    fits = REGRESSION_METRICS if plan.task == "regression" else CLASSIFIER_METRICS
    if metric is not None and metric not in fits:
        values["monitoring", "promotion_metric"] = fits[0] if plan.task != "regression" else "mae"
    return values


def edit_params(plan: Plan, params: dict[str, Any]) -> list[str]:
    path = Path("params.yaml")
    text = path.read_text(encoding="utf-8")
    values = settings(plan, params)
    try:
        after = {"task": "target", "positive_class": "task"}
        new = params_text.set_values(text, values, after=after)
    except params_text.EditError as error:
        raise AdoptError(f"params.yaml: could not edit its text: {error} by hand") from None
    if new == text:
        return []
    path.write_text(new, encoding="utf-8")
    changed = [f"{s}.{k} {params_text.flow(v)}" for (s, k), v in values.items()
               if (params.get(s) or {}).get(k) != v]  # fmt: skip
    return [f"params.yaml: {'; '.join(changed)}"]
