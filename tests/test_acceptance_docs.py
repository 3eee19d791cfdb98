"""The examples of the docs pages that no other test runs do what the page says.

docs/schema.md and the training pages have their own tests (test_schema_docs.py,
test_training_docs.py); these cover fairness, invariance, configuration, convert, hooks and
getting started: each runnable example runs as shown and prints what the page shows.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import tomllib
import yaml
from conftest import GERMAN_CREDIT, ROOT

import mltest
import mltest.cli

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _page(name: str) -> str:
    return (ROOT / "docs" / name).read_text(encoding="utf-8")


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def _run(code: str, namespace: dict, name: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, name, "exec"), namespace)
    return out.getvalue()


def _shown_matches(got: str, shown: str) -> None:
    """Every line shown matches; '...' elides the rest of a line, or (a line of its own) the rest."""
    got_lines = got.splitlines()
    for i, line in enumerate(shown.splitlines()):
        if line.strip() == "...":
            return
        pattern = ".*".join(re.escape(part) for part in line.split("..."))
        assert re.fullmatch(pattern, got_lines[i]), (got_lines[i], line)


# --- fairness.md ------------------------------------------------------------------------------


def test_fairness_failure_example_prints_what_the_page_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    page = _page("fairness.md")
    code, shown = re.search(r"```python\n(import numpy.*?)```\s*prints\s*```text\n(.*?)```", page, re.S).groups()
    monkeypatch.chdir(ROOT)
    assert _run(code, {}, "docs/fairness.md") == shown


def test_fairness_test_and_group_metrics_examples_run(german_credit: pd.DataFrame) -> None:
    from sklearn.linear_model import LogisticRegression

    blocks = _blocks(_page("fairness.md"), "python")
    first = {}
    exec(compile(blocks[0], "docs/fairness.md", "exec"), first)
    X = pd.get_dummies(german_credit.drop(columns=["risk", "sex", "age"]), dtype=float)
    model = LogisticRegression(max_iter=2000).fit(X, german_credit["risk"])

    class OnItsColumns:  # the page's model takes the whole frame
        def predict(self, frame: pd.DataFrame):
            return model.predict(pd.get_dummies(frame.drop(columns=["sex", "age"]), dtype=float))

    # even a model that never sees sex or age has false positive rates 0.17 apart between sex x age
    # bands, more than their few negatives can tell from 0.15: the example is a real test that can
    # fail (an inconclusive check fails by default)
    undecided = r"^equalized odds inconclusive: .*false_positive_rate difference 0\.174 \(95% interval 0 to "
    with pytest.raises(mltest.CheckFailed, match=undecided):
        first["test_credit_model_is_fair"](OnItsColumns(), german_credit)

    group_block = next(b for b in blocks if "group_metrics(" in b)
    df = german_credit.assign(age_band=pd.cut(german_credit["age"], [0, 25, 35, 50, 120]))
    namespace = {
        "y": german_credit["risk"],
        "y_pred": OnItsColumns().predict(german_credit.drop(columns="risk")),
        "df": df,
    }
    exec(compile(group_block, "docs/fairness.md", "exec"), namespace)
    assert len(namespace["gm"].to_pandas()) == 8


# --- invariance.md ----------------------------------------------------------------------------


def test_invariance_examples_fail_and_pass_as_the_page_says(monkeypatch: pytest.MonkeyPatch) -> None:
    page = _page("invariance.md")
    blocks = _blocks(page, "python")
    texts = _blocks(page, "text")
    monkeypatch.chdir(ROOT)
    namespace: dict = {"pytest": pytest}
    failures = []
    for block in blocks[:5]:  # the German credit walk-through, one namespace as on the page
        try:
            exec(compile(block, "docs/invariance.md", "exec"), namespace)
            failures.append(None)
        except mltest.CheckFailed as failure:
            failures.append(str(failure))
    assert failures[1] is None and failures[3] is None and failures[4] is None  # blind, monotone, cases pass
    _shown_matches(failures[0], texts[0])
    _shown_matches(failures[2], texts[1])

    credit = pd.read_csv(GERMAN_CREDIT)
    perturbation_errors = texts[2].splitlines()
    for perturbation, shown in zip(
        [
            mltest.perturb.swap("sexx", ["male", "female"]),
            mltest.perturb.noise("sex", 2),
            mltest.perturb.shift("age", 0.5),
        ],
        perturbation_errors,
        strict=True,
    ):
        with pytest.raises(mltest.errors.MltestError) as info:
            perturbation.apply(credit, seed=0)
        _shown_matches(str(info.value), shown)

    # the property-based example: Hypothesis finds the women over 60 whose decision is inverted
    exec(compile(blocks[6], "docs/invariance.md", "exec"), namespace)
    with pytest.raises(mltest.CheckFailed, match=r"^1 of 1 rows \(100.0%\) changed prediction"):
        namespace["test_sex_blind_everywhere"]()


# --- configuration.md -------------------------------------------------------------------------


def test_configuration_example_and_table_are_the_defaults() -> None:
    from mltest import _settings

    page = _page("configuration.md")
    example = tomllib.loads(_blocks(page, "toml")[0])["tool"]["mltest"]
    assert example == {name: default for name, (default, _) in _settings.DEFAULTS.items()}
    table = dict(re.findall(r"^\| `(\w+)` \| `([^`]+)` \|", page, flags=re.M))
    assert table == {name: repr(default).replace("'", '"') for name, (default, _) in _settings.DEFAULTS.items()}


def test_configuration_recording_example_renders_a_report() -> None:
    [code] = _blocks(_page("configuration.md"), "python")
    out = _run(code, {}, "docs/configuration.md")
    assert out.startswith("# mltest report\n\n1 checks: 1 passed.")
    assert "| `` | assert_group_metric | ✅ passed | accuracy_difference=0.5" in out


def test_configuration_page_shows_the_start_up_error_the_plugin_gives(pytester: pytest.Pytester) -> None:
    [shown] = [b for b in _blocks(_page("configuration.md"), "text") if b.startswith("ERROR: mltest:")]
    pytester.makepyprojecttoml("[tool.mltest]\nfairness_min_ratio = 1.5\n")
    pytester.makepyfile("def test_x(): pass")
    assert pytester.runpytest().stderr.lines[0] == shown.strip()


# --- architecture.md --------------------------------------------------------------------------


def test_architecture_example_check_passes_and_fails_in_the_shared_grammar() -> None:
    [code] = _blocks(_page("architecture.md"), "python")
    namespace: dict = {}
    assert _run(code, namespace, "docs/architecture.md") == "assert_close_means passed: mean gap 0.2 <= max_gap 0.5\n"
    with pytest.raises(mltest.CheckFailed) as failed:
        namespace["assert_close_means"]([0.0, 1.0], [5.0, 6.0])
    assert str(failed.value) == (
        "assert_close_means failed: mean gap 5 > max_gap 0.5\n\n"
        "    reference mean 0.5, current mean 5.5\n\n"
        "Likely causes:\n"
        "  - the population changed\n"
        "  - a feature is computed differently in production\n"
        "What to change:\n"
        "  - compare the feature code paths (assert_no_skew)\n"
        "  - retrain on recent data\n"
        "To waive this check: pass max_gap=5 if a gap of 5 is acceptable."
    )


# --- convert.md -------------------------------------------------------------------------------


def test_convert_example_is_the_golden_module_and_the_python_api_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _page("convert.md")
    blocks = _blocks(page, "python")
    golden = (ROOT / "tests" / "notebooks" / "expected" / "papermill_parameters.py").read_text(encoding="utf-8")
    shown = blocks[0].replace("notebook-sha256=... module-sha256=...", "")
    assert re.sub(r"notebook-sha256=\w+ module-sha256=\w+", "", golden) == shown

    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "tests" / "notebooks" / "papermill_parameters.ipynb", tmp_path / "notebooks" / "train.ipynb")
    monkeypatch.chdir(tmp_path)
    api = next(b for b in blocks if "convert_notebook(" in b)
    out = _run(api, {}, "docs/convert.md").splitlines()
    assert out[0] == "written src/credit/train.py []"
    assert out[1] == "True up-to-date " + "src/credit/train.py is up to date with notebooks/train.ipynb"

    # the --check example: a notebook changed after conversion
    notebook = tmp_path / "notebooks" / "train.ipynb"
    notebook.write_text(notebook.read_text().replace("n_estimators = 100", "n_estimators = 200"))
    check = subprocess.run(
        [sys.executable, "-m", "mltest.cli", "convert", "--check", "notebooks/train.ipynb", "--out-dir", "src/credit"],
        capture_output=True,
        text=True,
    )
    example = re.search(r"\$ mltest convert --check .*?\n(.*?)\n\$ echo \$\?\n(\d)", page, re.S)
    assert (check.stdout.strip(), str(check.returncode)) == example.groups()


# --- hooks.md ---------------------------------------------------------------------------------


def test_hooks_local_config_runs_the_manifest_modules() -> None:
    page = _page("hooks.md")
    manifest = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    remote, local = (yaml.safe_load(block)["repos"][0] for block in _blocks(page, "yaml")[:2])
    assert {hook["id"] for hook in remote["hooks"]} == set(manifest)
    for hook in local["hooks"]:
        assert hook["entry"].startswith(manifest[hook["id"]]["entry"])


def test_hooks_data_guard_and_validate_data_print_what_the_page_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mltest.hooks import data_guard, validate_data

    page = _page("hooks.md")
    texts = _blocks(page, "text")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    for folder in ("data", "models", "backup"):
        (tmp_path / folder).mkdir()
    raw = "x,y\n" + "1,2\n" * 400  # over 1 KB: copies of it are found by content
    (tmp_path / "data" / "raw.csv").write_text(raw)
    md5 = hashlib.md5(raw.encode()).hexdigest()
    (tmp_path / "data" / "raw.csv.dvc").write_text(f"outs:\n- md5: {md5}\n  path: raw.csv\n")
    (tmp_path / "backup" / "credit.csv").write_text(raw)
    (tmp_path / "data" / "train.csv").write_text("a,b\n" + "1,2\n" * 38_200)  # 149 KB
    (tmp_path / "model.pkl").write_bytes(b"\0\0")
    (tmp_path / "models" / "model.joblib").write_bytes(b"\0")
    (tmp_path / "dvc.yaml").write_text(
        "stages:\n  train:\n    cmd: python train.py\n    outs:\n    - models/model.joblib\n"
    )
    files = ["backup/credit.csv", "data/raw.csv", "data/train.csv", "model.pkl", "models/model.joblib"]
    subprocess.run(["git", "add", "-f", *files], check=True)
    assert data_guard.main(files) == 1
    guard = next(t for t in texts if t.startswith("mltest-data-guard: 5 file(s)"))
    assert capsys.readouterr().out == guard

    lines = GERMAN_CREDIT.read_text().splitlines(keepends=True)[:51]
    (tmp_path / "data" / "sample.csv").write_text("".join(lines))
    assert mltest.cli.main(["schema", "infer", "data/sample.csv", "-o", "data/sample.schema.yaml"]) == 0
    (tmp_path / "data" / "sample.csv").write_text("".join(lines).replace(",male,", ",mail,", 1))
    capsys.readouterr()
    assert validate_data.main(["data/sample.csv"]) == 1
    shown = next(t for t in texts if t.startswith("mltest-validate-data:"))
    assert capsys.readouterr().out.rstrip("\n") == shown.rstrip("\n")


# --- getting-started.md -----------------------------------------------------------------------


def test_getting_started_first_test_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = _page("getting-started.md")
    (tmp_path / "data").mkdir()
    shutil.copy(GERMAN_CREDIT, tmp_path / "data" / "train.csv")
    monkeypatch.chdir(tmp_path)
    command = re.search(r"`(mltest schema infer data/train.csv -o schema.yaml)`", page).group(1)
    assert mltest.cli.main(command.split()[1:]) == 0
    namespace: dict = {}
    exec(compile(_blocks(page, "python")[0], "docs/getting-started.md", "exec"), namespace)
    namespace["test_training_data_matches_schema"]()
