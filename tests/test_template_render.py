"""The template renders the same project with Copier and with cookiecutter, for a matrix of answers.

Every value of every question appears at least once, with unusual names (spaces, unicode,
quotes). Each rendered project is checked: every YAML, TOML and JSON file parses, no Jinja is
left over, ruff is clean, no folder is empty. Running the projects is test_template_run.py's job.
"""

from __future__ import annotations

import ast
import filecmp
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Answers on top of the defaults. Together they use every choice of every question.
MATRIX = {
    "defaults": {},
    "unicode-apache-pytorch-gitlab-batch": {
        "project_name": "Crédit Scoring Ünïcode",
        "package_name": "credit_scoring",
        "description": 'Scores "credit" <risk> & it\'s fair, 100% \\ no {braces}',
        "author_name": "Zoë O'Brien-Łukasz",
        "license": "Apache-2.0",
        "python_version": "3.12",
        "task": "multiclass",
        "framework": "pytorch",
        "ci": "gitlab",
        "docker": False,
        "serving": "batch",
        "dvc_remote": "local",
        "tracking": "dvclive",
        "example_pipeline": False,
    },
    "quotes-bsd-no-ci-no-serving-s3-mlflow": {
        "project_name": "My 'Quoted' \"Project\"",
        "package_name": "quoted_project",
        "license": "BSD-3-Clause",
        "python_version": "3.13",
        "task": "regression",
        "ci": "none",
        "serving": "none",
        "dvc_remote": "s3",
        "tracking": "mlflow",
    },
    "spaces-proprietary-gcs": {
        "project_name": "  Fraud   detection v2.0 ",
        "license": "proprietary",
        "python_version": "3.10",
        "task": "multiclass",
        "dvc_remote": "gcs",
        "docker": False,
    },
    "azure-long-name": {
        "project_name": "Churn model of the retail bank",
        "dvc_remote": "azure",
        "dvc_remote_url": "azure://models/churn",
    },
}
DERIVED_PACKAGES = {
    "defaults": "my_ml_project",
    "spaces-proprietary-gcs": "fraud_detection_v2_0",
    "azure-long-name": "churn_model_of_the_retail_bank",
}
ANSWERS_FILE = ".copier-answers.yml"
# Left over Jinja. CI files have `{{ }}` of their own (GitHub's `${{ github.sha }}`,
# docker/metadata-action's `{{version}}`): only block tags and our variables count there.
LEFTOVER = re.compile(r"\{\{|\{%|\{#|\bcookiecutter\.")
LEFTOVER_IN_CI = re.compile(r"\{%|\{#|\bcookiecutter\.")


@pytest.fixture(scope="module")
def template_copy(tmp_path_factory) -> Path:
    """copier.yml and template/ in a plain folder: both engines render the working tree as it is."""
    folder = tmp_path_factory.mktemp("template-source")
    shutil.copy(ROOT / "copier.yml", folder / "copier.yml")
    shutil.copytree(ROOT / "template", folder / "template")
    return folder


def render_copier(source: Path, destination: Path, answers: dict) -> Path:
    import copier

    copier.run_copy(str(source), str(destination), data=answers, defaults=True, quiet=True, unsafe=False)
    return destination


def render_cookiecutter(source: Path, output: Path, answers: dict) -> Path:
    from cookiecutter.main import cookiecutter

    return Path(
        cookiecutter(str(source), directory="template", no_input=True, extra_context=answers, output_dir=str(output))
    )


@pytest.fixture(scope="module")
def rendered(template_copy, tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Each matrix entry rendered by Copier and by cookiecutter."""
    result = {}
    for name, answers in MATRIX.items():
        base = tmp_path_factory.mktemp(name)
        copier_project = render_copier(template_copy, base / "copier" / "project", answers)
        cookiecutter_project = render_cookiecutter(template_copy, base / "cookiecutter", answers)
        result[name] = (copier_project, cookiecutter_project)
    return result


def files(project: Path) -> list[str]:
    return sorted(str(path.relative_to(project)) for path in project.rglob("*") if path.is_file())


@pytest.mark.parametrize("name", MATRIX)
def test_copier_and_cookiecutter_make_the_same_files(rendered, name):
    copier_project, cookiecutter_project = rendered[name]
    copier_files = files(copier_project)
    assert ANSWERS_FILE in copier_files
    copier_files.remove(ANSWERS_FILE)
    assert copier_files == files(cookiecutter_project)
    _, mismatch, errors = filecmp.cmpfiles(copier_project, cookiecutter_project, copier_files, shallow=False)
    assert (mismatch, errors) == ([], [])


@pytest.mark.parametrize("name", MATRIX)
def test_project_folder_and_package_are_named_after_the_answers(rendered, name):
    copier_project, cookiecutter_project = rendered[name]
    package = MATRIX[name].get("package_name") or DERIVED_PACKAGES[name]
    assert cookiecutter_project.name == package.replace("_", "-")
    assert (copier_project / "src" / package / "__init__.py").is_file()
    answers = yaml.safe_load((copier_project / ANSWERS_FILE).read_text(encoding="utf-8"))
    assert answers["package_name"] == package
    assert "cookiecutter" not in answers
    expected = {key: value for key, value in MATRIX[name].items() if key != "dvc_remote_url"}
    assert {key: answers[key] for key in expected} == expected


@pytest.mark.parametrize("name", MATRIX)
def test_every_yaml_toml_and_json_file_parses(rendered, name):
    project = rendered[name][0]
    parsed = 0
    for path in project.rglob("*"):
        text = path.read_text(encoding="utf-8") if path.is_file() else None
        if path.suffix in {".yaml", ".yml"} or path.name == ".copier-answers.yml":
            yaml.safe_load(text)
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix in {".json", ".ipynb"} or path.name == "cookiecutter.json":
            json.loads(text)
        else:
            continue
        parsed += 1
    assert parsed >= 5
    description = MATRIX[name].get("description")
    if description:
        pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
        assert pyproject["project"]["description"] == description


@pytest.mark.parametrize("name", MATRIX)
def test_no_jinja_is_left_over_and_no_folder_is_empty(rendered, name):
    project = rendered[name][0]
    for path in project.rglob("*"):
        if path.is_dir():
            assert any(path.iterdir()), f"empty folder {path.relative_to(project)}"
            continue
        text = path.read_text(encoding="utf-8")
        ci = ".github" in path.parts or path.name == ".gitlab-ci.yml"
        found = (LEFTOVER_IN_CI if ci else LEFTOVER).search(text)
        assert found is None, f"{path.relative_to(project)}: {text[max(found.start() - 60, 0) : found.end() + 60]}"


@pytest.mark.parametrize("name", MATRIX)
def test_ruff_is_clean(rendered, name):
    project = rendered[name][0]
    ruff = [str(ROOT / ".venv" / "bin" / "ruff")]
    check = subprocess.run([*ruff, "check", "--no-cache", "."], cwd=project, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    formatted = subprocess.run(
        [*ruff, "format", "--check", "--no-cache", "."], cwd=project, capture_output=True, text=True
    )
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def hypothesis_settings_calls(tree: ast.AST, name: str) -> list[ast.Call]:
    """The calls `settings.<name>(...)` (or `settings(...)` for name="") in a module."""
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    if name:
        return [
            call
            for call in calls
            if isinstance(call.func, ast.Attribute)
            and call.func.attr == name
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "settings"
        ]
    return [call for call in calls if isinstance(call.func, ast.Name) and call.func.id == "settings"]


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((item.value for item in call.keywords if item.arg == name), None)


@pytest.mark.parametrize("name", MATRIX)
def test_generated_tests_load_a_hypothesis_profile_without_deadline(rendered, name):
    """A slow machine never fails a generated test: conftest.py loads a profile with deadline=None
    (and no too_slow health check), and no test sets a deadline of its own."""
    tests = rendered[name][0] / "tests"
    conftest = ast.parse((tests / "conftest.py").read_text(encoding="utf-8"))
    registered = {
        call.args[0].value: call
        for call in hypothesis_settings_calls(conftest, "register_profile")
        if call.args and isinstance(call.args[0], ast.Constant)
    }
    loaded = [call.args[0].value for call in hypothesis_settings_calls(conftest, "load_profile") if call.args]
    assert loaded, "tests/conftest.py loads no Hypothesis profile"
    profile = registered.get(loaded[-1])
    assert profile is not None, f"tests/conftest.py loads the profile {loaded[-1]!r}, which it does not register"
    deadline = keyword(profile, "deadline")
    assert isinstance(deadline, ast.Constant) and deadline.value is None, ast.unparse(profile)
    assert "too_slow" in ast.unparse(keyword(profile, "suppress_health_check") or ast.Constant(None))
    for path in sorted(tests.glob("test_*.py")):
        for call in hypothesis_settings_calls(ast.parse(path.read_text(encoding="utf-8")), ""):
            deadline = keyword(call, "deadline")
            allowed = deadline is None or (isinstance(deadline, ast.Constant) and deadline.value is None)
            assert allowed, f"{path.name}: {ast.unparse(call)}"


def test_optional_files_follow_the_answers(rendered):
    default = rendered["defaults"][0]
    assert (default / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert (default / "data" / "raw" / "german_credit.csv").is_file()
    assert (default / ".github" / "workflows").is_dir()
    assert (default / "Dockerfile").is_file()
    assert "storage" not in (default / "Makefile").read_text(encoding="utf-8")

    other = rendered["unicode-apache-pytorch-gitlab-batch"][0]
    assert "Apache License" in (other / "LICENSE").read_text(encoding="utf-8")
    assert not (other / "data" / "raw" / "german_credit.csv").exists()
    assert not (other / "data" / "schema.yaml").exists()
    assert (other / "data" / "raw" / ".gitkeep").is_file()
    assert not (other / ".github").exists()
    assert not (other / "Dockerfile").exists()
    makefile = (other / "Makefile").read_text(encoding="utf-8")
    assert 'dvc remote add --default --force storage "/tmp/credit_scoring-dvc-storage"' in makefile
    assert "EXTRAS := dev,tracking\n" in makefile

    quoted = rendered["quotes-bsd-no-ci-no-serving-s3-mlflow"][0]
    assert "Redistribution and use" in (quoted / "LICENSE").read_text(encoding="utf-8")
    assert '"dvc[s3]==' in (quoted / "pyproject.toml").read_text(encoding="utf-8")
    assert "s3://my-bucket/quoted_project" in (quoted / "Makefile").read_text(encoding="utf-8")

    proprietary = rendered["spaces-proprietary-gcs"][0]
    assert "All rights reserved" in (proprietary / "LICENSE").read_text(encoding="utf-8")
    assert '"dvc[gs]==' in (proprietary / "pyproject.toml").read_text(encoding="utf-8")


EXAMPLES = {  # the example data of each task: file, target, positive class
    "binary": ("german_credit.csv", "risk", 1),
    "multiclass": ("penguins.csv", "species", None),
    "regression": ("diabetes.csv", "progression", None),
}


@pytest.mark.parametrize("name", MATRIX)
def test_the_task_answer_is_params_data_task_and_picks_the_example_data(rendered, name):
    """params.yaml's data.task is the answer (the project reads it at run time); the example data,
    its sample and its schema are the task's, and no other task's example data is there."""
    project = rendered[name][0]
    answers = {"task": "binary", "example_pipeline": True, **MATRIX[name]}
    params = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))
    assert params["data"]["task"] == answers["task"]
    raw = sorted(path.name for path in (project / "data" / "raw").iterdir())
    if not answers["example_pipeline"]:
        assert raw == [".gitkeep"]
        assert params["data"]["raw"] == "data/raw/data.csv"
        return
    example, target, positive = EXAMPLES[answers["task"]]
    assert raw == [".gitkeep", example]
    assert sorted(path.name for path in (project / "data" / "samples").iterdir()) == [example]
    assert params["data"]["raw"] == f"data/raw/{example}"
    assert (params["data"]["target"], params["data"]["positive_class"]) == (target, positive)
    schema = yaml.safe_load((project / "data" / "schema.yaml").read_text(encoding="utf-8"))
    header = (project / "data" / "raw" / example).read_text(encoding="utf-8").splitlines()[0]
    assert list(schema["columns"]) == header.split(",")
    model = params["model"]
    assert {"C", "alpha"} <= set(model) or {"hidden_size", "epochs"} <= set(model)


def test_tool_caches_in_the_template_are_left_out_by_both_engines(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(ROOT / "copier.yml", source / "copier.yml")
    shutil.copytree(ROOT / "template", source / "template")
    project_dir = source / "template" / "{{cookiecutter.__project_slug}}"
    for cache in ("tests/__pycache__", ".ruff_cache/0.1", ".pytest_cache", "notebooks/.ipynb_checkpoints"):
        (project_dir / cache).mkdir(parents=True)
        (project_dir / cache / "leftover.txt").write_text("x\n", encoding="utf-8")
    (project_dir / "src" / ".DS_Store").write_bytes(b"\0")
    (project_dir / "tests" / "__pycache__" / "conftest.cpython-311.pyc").write_bytes(b"\0")
    made = [
        render_copier(source, tmp_path / "copier", {}),
        render_cookiecutter(source, tmp_path / "cookiecutter", {}),
    ]
    for project in made:
        left = [path for path in project.rglob("*") if path.name in {"leftover.txt", ".DS_Store"}]
        assert left == [], left
        assert not list(project.rglob("*.pyc"))
        assert not (project / "tests" / "__pycache__").exists()
