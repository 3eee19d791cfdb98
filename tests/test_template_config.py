"""copier.yml and template/cookiecutter.json ask the same questions and validate the same way."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

COPIER_YML = ROOT / "copier.yml"
COOKIECUTTER_JSON = ROOT / "template" / "cookiecutter.json"
PROJECT_DIR = "{{cookiecutter.__project_slug}}"
# Answers Copier computes from others (their defaults are Jinja): compared by rendering, below.
DERIVED = {"package_name", "dvc_remote_url"}


def copier_config() -> dict:
    return yaml.safe_load(COPIER_YML.read_text(encoding="utf-8"))


def cookiecutter_config() -> dict:
    return json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))


def questions(config: dict) -> dict:
    return {name: spec for name, spec in config.items() if not name.startswith("_") and name != "cookiecutter"}


def choice_values(spec: dict) -> list:
    choices = spec["choices"]
    return list(choices.values()) if isinstance(choices, dict) else list(choices)


def test_copier_needs_no_trust_and_renders_the_cookiecutter_folder():
    config = copier_config()
    assert not {"_tasks", "_migrations", "_jinja_extensions", "_external_data"} & set(config)
    assert config["_subdirectory"] == "template/{{ '" + PROJECT_DIR + "' }}"
    assert (ROOT / "template" / PROJECT_DIR).is_dir()
    assert config["_templates_suffix"] == ""
    assert config["cookiecutter"]["type"] == "yaml"
    assert config["cookiecutter"]["when"] is False


def test_both_engines_ask_the_same_questions():
    copier_questions = questions(copier_config())
    cookiecutter_questions = [name for name in cookiecutter_config() if not name.startswith("_")]
    assert list(copier_questions) == cookiecutter_questions
    required = {
        "project_name", "package_name", "description", "author_name", "author_email", "license",
        "python_version", "framework", "ci", "docker", "serving", "dvc_remote", "tracking", "example_pipeline",
    }  # fmt: skip
    assert required <= set(copier_questions)


def test_the_computed_cookiecutter_answer_maps_every_key():
    mapping = copier_config()["cookiecutter"]["default"]
    keys = [line.split(":", 1)[0] for line in mapping.splitlines() if line.strip()]
    expected = [name for name in cookiecutter_config() if not name.startswith("_") or name.startswith("__")]
    expected = [name for name in expected if name != "__prompts__"]
    assert keys == expected


@pytest.mark.parametrize("name", sorted(questions(copier_config())))
def test_defaults_and_choices_agree(name):
    spec = questions(copier_config())[name]
    cookiecutter = cookiecutter_config()[name]
    if "choices" in spec:
        assert choice_values(spec) == cookiecutter, "same choices, in the same order"
        assert spec["default"] == cookiecutter[0], "cookiecutter's default is its first choice"
    elif name in DERIVED:
        assert isinstance(cookiecutter, str)
        assert "{{" in cookiecutter or "{%" in cookiecutter
    else:
        assert spec["default"] == cookiecutter
        assert spec["type"] == ("bool" if isinstance(cookiecutter, bool) else "str")


def test_every_question_has_the_same_help_in_both():
    prompts = cookiecutter_config()["__prompts__"]
    for name, spec in questions(copier_config()).items():
        assert prompts[name].startswith(spec["help"]), name


def test_same_jinja_options_in_both_engines():
    copier_envops = dict(copier_config()["_envops"])
    assert copier_envops.pop("keep_trailing_newline") is True  # cookiecutter always sets it
    assert copier_envops == cookiecutter_config()["_jinja2_env_vars"]


# Validation: Copier's validators and cookiecutter's pre-generation hook say the same thing.
INVALID = [
    (
        {"package_name": "My-Project"},
        '"My-Project" is not a valid package name: use lowercase ASCII letters, digits and underscores, '
        "starting with a letter (for example my_project).",
    ),
    (
        {"package_name": "2fast"},
        '"2fast" is not a valid package name: use lowercase ASCII letters, digits and underscores, '
        "starting with a letter (for example my_project).",
    ),
    (
        {"package_name": "a_package_name_of_thirty_one_ch"},
        '"a_package_name_of_thirty_one_ch" is too long (31 characters): keep it to 30 or fewer, '
        "it is typed in every import.",
    ),
    ({"package_name": "pandas"}, '"pandas" would shadow another package or folder: choose a more specific name.'),
    ({"author_email": "nobody"}, '"nobody" is not an email address (expected name@domain.tld).'),
    (
        {"dvc_remote": "s3", "dvc_remote_url": "https://bucket"},
        'An S3 remote URL starts with s3:// (got "https://bucket").',
    ),
    (
        {"dvc_remote": "gcs", "dvc_remote_url": "s3://bucket"},
        'A Google Cloud Storage remote URL starts with gs:// (got "s3://bucket").',
    ),
    (
        {"dvc_remote": "azure", "dvc_remote_url": "gs://x"},
        'An Azure remote URL starts with azure:// (got "gs://x").',
    ),
    ({"dvc_remote": "local", "dvc_remote_url": "  "}, "A local remote needs a directory path."),
]


@pytest.fixture(scope="module")
def template_copy(tmp_path_factory) -> Path:
    """copier.yml and template/ in a plain folder (not a git repository: Copier copies it as is)."""
    folder = tmp_path_factory.mktemp("template-source")
    shutil.copy(COPIER_YML, folder / "copier.yml")
    shutil.copytree(ROOT / "template", folder / "template")
    return folder


@pytest.mark.parametrize(("answers", "message"), INVALID)
def test_copier_rejects_invalid_answers_with_a_sentence(template_copy, tmp_path, answers, message):
    import copier

    with pytest.raises(ValueError) as error:
        copier.run_copy(str(template_copy), str(tmp_path / "out"), data=answers, defaults=True, quiet=True)
    question = next(iter(answers)) if len(answers) == 1 else "dvc_remote_url"
    assert str(error.value) == f"Validation error for question '{question}': {message}"
    assert not (tmp_path / "out" / "pyproject.toml").exists()


@pytest.mark.parametrize(("answers", "message"), INVALID)
def test_cookiecutter_rejects_invalid_answers_with_the_same_sentence(template_copy, tmp_path, answers, message):
    context = [f"{key}={value}" for key, value in answers.items()]
    command = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(tmp_path), str(template_copy)]
    result = subprocess.run(
        [*command, "--directory", "template", *context], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert f"error: {message}" in result.stderr
    assert list(tmp_path.iterdir()) == []
