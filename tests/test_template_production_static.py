"""The template's production files, checked statically for every rendered combination.

Every combination of CI provider, Docker, serving and framework is rendered with Copier (the
other answers vary along with them), then: zizmor finds nothing in the GitHub workflows,
check-jsonschema's built-in schemas accept the workflows and the GitLab CI file, hadolint accepts
the Dockerfile, and dockerfile-parse and the .dockerignore rules show what the image holds.
There is no Docker engine or GitHub here, so nothing is built or pushed.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

# One worker builds the module's projects once (pytest-xdist --dist loadgroup).
pytestmark = pytest.mark.xdist_group("template-production-static")
BIN = Path(sys.executable).parent
CI = ("github", "gitlab", "none")
DOCKER = (True, False)
SERVING = ("fastapi", "batch", "none")
FRAMEWORK = ("scikit-learn", "pytorch")
PYTHON = ("3.10", "3.11", "3.12", "3.13")
TRACKING = ("none", "dvclive", "mlflow")
DVC_REMOTE = ("none", "s3", "gcs", "azure", "local")
COMBINATIONS = list(itertools.product(CI, DOCKER, SERVING))


def render(source: Path, destination: Path, **answers: object) -> Path:
    """Render the template in `source` with Copier into `destination` (defaults for the rest)."""
    import copier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(str(source), str(destination), data=answers, defaults=True, quiet=True, unsafe=False)
    return destination


@pytest.fixture(scope="module")
def template_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain-folder copy of the template: Copier renders it without cloning a git repository."""
    source = tmp_path_factory.mktemp("template-source")
    shutil.copy2(ROOT / "copier.yml", source / "copier.yml")
    shutil.copytree(ROOT / "template", source / "template")
    return source


@pytest.fixture(scope="module")
def rendered(template_source: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple, Path]:
    """Every (ci, docker, serving) combination; framework, Python, tracking and DVC remote vary along."""
    out = tmp_path_factory.mktemp("rendered")
    projects = {}
    for number, (ci, docker, serving) in enumerate(COMBINATIONS):
        answers = {
            "project_name": f"Project {number}",
            "ci": ci,
            "docker": docker,
            "serving": serving,
            "framework": FRAMEWORK[number % len(FRAMEWORK)],
            "python_version": PYTHON[number % len(PYTHON)],
            "tracking": TRACKING[number % len(TRACKING)],
            "dvc_remote": DVC_REMOTE[number % len(DVC_REMOTE)],
        }
        projects[(ci, docker, serving)] = render(template_source, out / f"p{number}", **answers)
    return projects


def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True)


def workflows(projects: dict[tuple, Path]) -> list[Path]:
    return sorted(path for project in projects.values() for path in project.glob(".github/workflows/*.yml"))


def dockerfiles(projects: dict[tuple, Path]) -> list[Path]:
    return sorted(project / "Dockerfile" for project in projects.values() if (project / "Dockerfile").exists())


# --- which files each answer produces ------------------------------------------------------------


def test_each_answer_renders_its_files(rendered: dict[tuple, Path]) -> None:
    for (ci, docker, serving), project in rendered.items():
        names = {path.name for path in project.glob(".github/workflows/*")}
        if ci == "github":
            expected = {"ci.yml", "train.yml", "monitor.yml"} | ({"cd.yml"} if docker else set())
            assert names == expected, project
        else:
            assert not (project / ".github").exists(), project
        assert (project / ".gitlab-ci.yml").exists() == (ci == "gitlab")
        assert (project / "Dockerfile").exists() == docker
        assert (project / ".dockerignore").exists() == docker
        assert (project / "DEPLOYMENT.md").exists() == (ci != "none" or docker or serving != "none")
        package = next((project / "src").iterdir())
        assert (package / "serve.py").exists() == (serving == "fastapi")
        assert (project / "tests" / "test_serve.py").exists() == (serving == "fastapi")
        assert (package / "batch.py").exists() == (serving == "batch")
        assert (project / "tests" / "test_batch.py").exists() == (serving == "batch")


# --- GitHub Actions ------------------------------------------------------------------------------


def test_zizmor_finds_nothing_in_the_workflows(rendered: dict[tuple, Path]) -> None:
    files = workflows(rendered)
    assert len(files) == 6 * 3 + 3  # ci, train and monitor in 6 projects, cd in the 3 with Docker
    # Pedantic persona: also code smells (undocumented permissions, unnamed jobs, no concurrency).
    result = run(BIN / "zizmor", "--offline", "--persona", "pedantic", "--no-progress", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_workflows_match_githubs_schema(rendered: dict[tuple, Path]) -> None:
    result = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows(rendered))
    assert result.returncode == 0, result.stdout + result.stderr


ACTION_PIN = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def test_actions_are_pinned_by_commit_sha(rendered: dict[tuple, Path]) -> None:
    seen = set()
    for path in workflows(rendered):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith(("uses:", "- uses:")):
                reference = line.split("uses:", 1)[1].strip()
                assert ACTION_PIN.match(reference), f"{path}: {reference}"
                seen.add(reference.split("@")[0])
    assert {"actions/checkout", "actions/setup-python", "actions/cache", "docker/build-push-action"} <= seen


def test_permissions_are_least_privilege_per_job(rendered: dict[tuple, Path]) -> None:
    allowed_writes = {
        "cd.yml": {"packages"},
        "train.yml": {"contents", "pull-requests"},
        "ci.yml": set(),
        "monitor.yml": {"actions"},  # to start train.yml
    }
    for path in workflows(rendered):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert workflow["permissions"] == {}, path
        writes = set()
        for name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{path}: job {name} has no permissions"
            if any(step.get("uses", "").startswith("actions/checkout") for step in job["steps"]):
                assert job["permissions"].get("contents") in ("read", "write"), f"{path}: {name}"
            else:  # nothing to read: not even the repository
                assert "contents" not in job["permissions"], f"{path}: {name}"
            writes |= {scope for scope, level in job["permissions"].items() if level == "write"}
        assert writes == allowed_writes[path.name], path


def test_ci_reports_to_the_job_summary_and_caches(rendered: dict[tuple, Path]) -> None:
    ci = yaml.safe_load((rendered[("github", True, "fastapi")] / ".github/workflows/ci.yml").read_text())
    steps = ci["jobs"]["test"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    for command in ("ruff check", "mypy src", "dvc repro", "--mltest-report=reports/mltest.json",
                    "--mltest-model-card=reports/MODEL_CARD.md", "$GITHUB_STEP_SUMMARY", "mltest score"):  # fmt: skip
        assert command in runs
    assert runs.index("dvc repro") < runs.index("python -m pytest")
    setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == ".dvc/cache"


def test_continuous_training_blocks_promotion_on_failed_checks(rendered: dict[tuple, Path]) -> None:
    path = rendered[("github", False, "none")] / ".github/workflows/train.yml"
    workflow = yaml.safe_load(path.read_text())
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}  # YAML reads `on` as True
    train_runs = "\n".join(step.get("run", "") for step in workflow["jobs"]["train"]["steps"])
    assert "dvc repro" in train_runs and "dvc metrics diff" in train_runs and "pytest" in train_runs
    assert workflow["jobs"]["promote"]["needs"] == "train"  # runs only when every check passed


def test_the_metrics_gate_judges_a_regressors_errors_upwards_and_relative_to_their_size(
    rendered: dict[tuple, Path], tmp_path: Path
) -> None:
    """scripts/check_metrics.py on a regressor's `dvc metrics diff`: an error (mae, rmse) that
    grows is worse (it was read as a quality metric that rose), judged as a share of its
    committed value (an absolute 0.02 means nothing in the target's unit); a gap in that unit
    (mae_difference) as a share of the committed mae."""
    script = rendered[("github", False, "none")] / "scripts" / "check_metrics.py"
    limits = ["--max-drop", "0.02", "--max-gap-increase", "0.02", "--max-relative-increase", "0.05"]

    def gate(changes: dict) -> subprocess.CompletedProcess[str]:
        diff = tmp_path / "diff.json"
        diff.write_text(json.dumps({"reports/metrics.json": changes}), encoding="utf-8")
        return run(sys.executable, script, diff, *limits)

    def change(old: float, new: float) -> dict:
        return {"old": old, "new": new, "diff": new - old}

    close = gate({"mae": change(42.76, 44.0), "rmse": change(54.0, 55.0), "mae_difference.sex": change(2.5, 4.0)})
    assert close.returncode == 0, close.stdout
    assert "| reports/metrics.json: mae | 42.76 | 44 | +1.24 | 5% | ok |" in close.stdout
    worse = gate({"mae": change(42.76, 60.0), "r2": change(0.47, 0.46)})
    assert worse.returncode == 1
    assert "- mae grew by 17.24 (42.76 -> 60), limit 5%" in worse.stdout
    gap = gate({"mae": change(42.76, 42.76), "mae_difference.sex": change(2.5, 5.0)})
    assert gap.returncode == 1 and "- mae_difference.sex grew by 2.5 (2.5 -> 5), limit 5%" in gap.stdout
    r2 = gate({"r2": change(0.47, 0.40)})
    assert r2.returncode == 1 and "- r2 dropped by 0.07 (0.47 -> 0.4), limit 0.02" in r2.stdout


def test_cd_pushes_the_pipelines_model_on_version_tags(rendered: dict[tuple, Path]) -> None:
    path = rendered[("github", True, "fastapi")] / ".github/workflows/cd.yml"
    workflow = yaml.safe_load(path.read_text())
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    model, image = workflow["jobs"]["model"], workflow["jobs"]["image"]
    assert "dvc repro" in "\n".join(step.get("run", "") for step in model["steps"])
    assert image["needs"] == "model"
    uses = [step.get("uses", "").split("@")[0] for step in image["steps"]]
    assert uses.index("actions/download-artifact") < uses.index("docker/build-push-action")
    push = next(step for step in image["steps"] if step.get("uses", "").startswith("docker/build-push-action"))
    assert push["with"]["push"] is True
    login = next(step for step in image["steps"] if step.get("uses", "").startswith("docker/login-action"))
    assert login["with"]["registry"] == "ghcr.io"


# --- GitLab CI -----------------------------------------------------------------------------------


def test_gitlab_ci_matches_gitlabs_schema(rendered: dict[tuple, Path]) -> None:
    files = sorted(p / ".gitlab-ci.yml" for p in rendered.values() if (p / ".gitlab-ci.yml").exists())
    assert len(files) == 6
    result = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gitlab_ci_jobs(rendered: dict[tuple, Path]) -> None:
    with_docker = yaml.safe_load((rendered[("gitlab", True, "fastapi")] / ".gitlab-ci.yml").read_text())
    without = yaml.safe_load((rendered[("gitlab", False, "fastapi")] / ".gitlab-ci.yml").read_text())
    assert "release-image" in with_docker and "release-image" not in without
    script = "\n".join(with_docker["test"]["script"])
    for command in ("ruff check", "mypy src", "dvc repro", "--mltest-report"):
        assert command in script
    assert with_docker["promote"]["needs"] == ["train"]
    assert "dvc metrics diff" in "\n".join(with_docker["train"]["script"])
    assert "$CI_REGISTRY_IMAGE" in "\n".join(with_docker["release-image"]["script"])
    assert {entry["paths"][0] for entry in with_docker[".python"]["cache"]} == {".cache/pip", ".dvc/cache"}


# --- Dockerfile ----------------------------------------------------------------------------------


def test_hadolint_accepts_the_dockerfiles(rendered: dict[tuple, Path]) -> None:
    files = dockerfiles(rendered)
    assert len(files) == 3 * 3
    result = run(BIN / "hadolint", "--failure-threshold", "info", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_structure(rendered: dict[tuple, Path]) -> None:
    from dockerfile_parse import DockerfileParser

    for (_ci, _docker, serving), project in rendered.items():
        if not (project / "Dockerfile").exists():
            continue
        parser = DockerfileParser(str(project / "Dockerfile"))
        instructions = [(item["instruction"], item["value"]) for item in parser.structure]
        stages = [value for instruction, value in instructions if instruction == "FROM"]
        assert len(stages) == 2 and all("-slim@sha256:" in stage for stage in stages), stages
        final = instructions[[i for i, (instruction, _) in enumerate(instructions) if instruction == "FROM"][-1] :]
        users = [value for instruction, value in final if instruction == "USER"]
        assert users and users[-1].split(":")[0] not in ("root", "0"), users
        assert any(instruction == "HEALTHCHECK" for instruction, _ in final)
        copies = [value for instruction, value in final if instruction == "COPY"]
        assert any(value.startswith("--from=build ") for value in copies)
        # The runtime stage copies only the built environment, the model, and what checks inputs.
        sources = {" ".join(part for part in value.split()[:-1] if not part.startswith("--chown")) for value in copies}
        assert sources == {"--from=build /opt/venv", "params.yaml", "data/schema.yaml", "models/"}, copies
        entry = " ".join(value for instruction, value in final if instruction in ("CMD", "ENTRYPOINT"))
        expected = {"fastapi": ".serve:app", "batch": ".batch", "none": '"-m"'}[serving]
        assert expected in entry, entry


def dockerignore_regex(pattern: str) -> re.Pattern[str]:
    """Docker's pattern syntax: `**` spans folders, `*` and `?` stay inside one."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def dockerignore_excludes(patterns: list[str], path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent folders wins."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        regex = dockerignore_regex(pattern.lstrip("!").strip("/"))
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not negate
    return excluded


def test_dockerignore_keeps_data_caches_notebooks_and_secrets_out(rendered: dict[tuple, Path]) -> None:
    project = rendered[("github", True, "fastapi")]
    lines = (project / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for path in (
        "data/raw/german_credit.csv",
        "data/prepared/train.csv",
        "notebooks/example.ipynb",
        ".dvc/cache/files/md5/ab/cdef",
        ".venv/bin/python",
        ".git/config",
        ".env",
        "src/pkg/.env",
        "tests/test_serve.py",
        "src/pkg/__pycache__/serve.cpython-311.pyc",
        "deploy/key.pem",
        "mlruns/0/meta.yaml",
        "dvclive/metrics.json",
        # Keys, certificates and cloud credentials, wherever they sit (also in src/ and models/).
        "src/pkg/server.key",
        "src/pkg/.envrc",
        "models/cert.pfx",
        "models/store.p12",
        "src/pkg/id_rsa",
        "src/pkg/id_ed25519.pub",
        "models/.ssh/id_ecdsa",
        "src/pkg/.aws/credentials",
        "models/credentials",
        "src/pkg/application_default_credentials.json",
        "models/gcp-service-account.json",
        "src/pkg/my-project-key.json",
        "src/pkg/.netrc",
        "src/pkg/.docker/config.json",
    ):
        assert dockerignore_excludes(patterns, path), path
    for path in (
        "pyproject.toml",
        "README.md",
        "requirements.lock",
        "src/pkg/serve.py",
        "src/pkg/identity.py",
        "src/pkg/credentials_check.py",
        "models/model.joblib",
        "models/metadata.json",
    ):
        assert not dockerignore_excludes(patterns, path), path


# --- supply chain ---------------------------------------------------------------------------------

DIGEST_PIN = re.compile(r"^python:(3\.\d+)-slim@sha256:[0-9a-f]{64} AS \w+$")


def test_base_images_are_pinned_by_digest_with_the_tag_in_a_comment(rendered: dict[tuple, Path]) -> None:
    for project in dockerfiles(rendered):
        lines = project.read_text(encoding="utf-8").splitlines()
        froms = [i for i, line in enumerate(lines) if line.startswith("FROM ")]
        python = re.search(r'requires-python = ">=(3\.\d+)"', (project.parent / "pyproject.toml").read_text())
        for i in froms:
            pinned = DIGEST_PIN.match(lines[i].removeprefix("FROM "))
            assert pinned, f"{project}: {lines[i]}"
            assert pinned.group(1) == python.group(1), lines[i]
            assert lines[i - 1] == f"# python:{pinned.group(1)}-slim", lines[i - 1]
        assert not any(line.startswith("# syntax=") for line in lines)  # a frontend image, unpinned


def project_files(projects: dict[tuple, Path]) -> list[Path]:
    return [path for project in projects.values() for path in project.rglob("*") if path.is_file()]


def test_torch_comes_from_its_index_for_torch_only(rendered: dict[tuple, Path]) -> None:
    """No extra index anywhere (any package could come from it); --index-url only for torch's lock."""
    torch_lines = 0
    for path in project_files(rendered):
        text = path.read_text(encoding="utf-8")
        assert "EXTRA_INDEX_URL" not in text and "extra-index-url" not in text, path
        for line in text.replace("\\\n", " ").splitlines():  # continued lines joined
            if "--index-url" in line and "pip install" in line and not line.lstrip().startswith("#"):
                assert "--no-deps" in line and "download.pytorch.org/whl/cpu" in line, f"{path}: {line}"
                assert "requirements-torch.lock" in line or '"torch>=2.1"' in line, f"{path}: {line}"
                torch_lines += 1
    assert torch_lines >= 6  # the Makefile, the Dockerfile and CI of PyTorch projects


def test_ci_and_the_image_install_the_lock_with_hashes(rendered: dict[tuple, Path]) -> None:
    gitlab = sorted(p / ".gitlab-ci.yml" for p in rendered.values() if (p / ".gitlab-ci.yml").exists())
    for path in [*workflows(rendered), *dockerfiles(rendered), *gitlab]:
        text = path.read_text(encoding="utf-8")
        if path.name == "Dockerfile" or "pip install" in text:
            assert "--require-hashes -r requirements.lock" in text, path
            assert "pip install --upgrade pip" not in text, path


def test_dependabot_and_renovate_keep_the_pins_fresh(rendered: dict[tuple, Path]) -> None:
    dependabot = sorted(p / ".github" / "dependabot.yml" for p in rendered.values() if (p / ".github").exists())
    renovate = sorted(p / "renovate.json" for p in rendered.values() if (p / "renovate.json").exists())
    assert len(dependabot) == len(renovate) == 6  # every GitHub project, every GitLab one
    for files, schema in ((dependabot, "vendor.dependabot"), (renovate, "vendor.renovate")):
        result = run(BIN / "check-jsonschema", "--builtin-schema", schema, *files)
        assert result.returncode == 0, result.stdout + result.stderr
    for (_ci, docker, _serving), project in rendered.items():
        if (project / ".github").exists():
            config = yaml.safe_load((project / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
            ecosystems = {update["package-ecosystem"] for update in config["updates"]}
            assert ecosystems == ({"github-actions", "pip", "docker"} if docker else {"github-actions", "pip"})
        elif (project / "renovate.json").exists():
            config = json.loads((project / "renovate.json").read_text(encoding="utf-8"))
            assert "docker:pinDigests" in config["extends"]


def test_make_lock_takes_torch_from_its_index_and_the_rest_from_the_package_index(
    template_source: Path, tmp_path: Path
) -> None:
    """A PyTorch project's `make lock`, with PyTorch's index played by a folder holding a torch wheel."""
    import zipfile

    project = render(template_source, tmp_path / "project", framework="pytorch", serving="none", ci="none")
    index = tmp_path / "torch-index"
    index.mkdir()
    with zipfile.ZipFile(index / "torch-2.99.0+cpu-py3-none-any.whl", "w") as wheel:
        info = "torch-2.99.0+cpu.dist-info"
        wheel.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\nName: torch\nVersion: 2.99.0+cpu\n")
        wheel.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        wheel.writestr(f"{info}/RECORD", "")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert 'url = "https://download.pytorch.org/whl/cpu"' in text
    pyproject.write_text(
        text.replace('url = "https://download.pytorch.org/whl/cpu"', f'url = "{index}"\nformat = "flat"'),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "scripts/lock.py"], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    torch_lock = (project / "requirements-torch.lock").read_text(encoding="utf-8")
    lock = (project / "requirements.lock").read_text(encoding="utf-8")
    assert "\ntorch==2.99.0+cpu \\\n    --hash=sha256:" in torch_lock
    assert "torch==" not in lock and "nvidia" not in lock
    requirements = [line for line in lock.splitlines() if line and not line.startswith((" ", "#"))]
    assert {"numpy", "pandas", "scikit-learn"} <= {line.split("==")[0] for line in requirements}
    assert all(line.endswith(" \\") for line in requirements)  # each followed by its hashes


# --- the checks above catch what they are meant to catch ---------------------------------------


def test_zizmor_and_the_pin_check_catch_a_careless_workflow(rendered: dict[tuple, Path], tmp_path: Path) -> None:
    """The same workflow with a tag instead of a SHA and credentials left in .git/config is flagged."""
    text = (rendered[("github", True, "fastapi")] / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    careless = text.replace(
        "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0", "actions/checkout@v5"
    ).replace("          persist-credentials: false\n", "          fetch-depth: 1\n")
    assert careless != text
    (tmp_path / "ci.yml").write_text(careless, encoding="utf-8")
    result = run(BIN / "zizmor", "--offline", "--persona", "pedantic", "--no-progress", tmp_path / "ci.yml")
    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout and "artipacked" in result.stdout
    assert not ACTION_PIN.match("actions/checkout@v5")


def test_hadolint_and_the_structure_check_catch_a_careless_dockerfile(
    rendered: dict[tuple, Path], tmp_path: Path
) -> None:
    """A single-stage image that runs as root and installs unpinned packages is refused."""
    from dockerfile_parse import DockerfileParser

    careless = tmp_path / "Dockerfile"
    careless.write_text(
        'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install fastapi uvicorn\nCMD ["uvicorn", "pkg.serve:app"]\n',
        encoding="utf-8",
    )
    result = run(BIN / "hadolint", "--failure-threshold", "info", careless)
    assert result.returncode != 0
    assert "DL3013" in result.stdout and "DL3042" in result.stdout  # unpinned, pip cache kept
    instructions = [item["instruction"] for item in DockerfileParser(str(careless)).structure]
    assert instructions.count("FROM") == 1 and "USER" not in instructions and "HEALTHCHECK" not in instructions


def test_the_dockerignore_check_catches_a_leaky_context() -> None:
    """A deny-list that forgot the data folder and .env lets them into the image."""
    leaky = ["__pycache__", "*.pyc", ".git"]
    assert not dockerignore_excludes(leaky, "data/raw/german_credit.csv")
    assert not dockerignore_excludes(leaky, ".env")
    assert dockerignore_excludes(leaky, ".git/config")


def test_gitlab_and_github_run_the_same_checks(template_source: Path, tmp_path: Path) -> None:
    """The same answers but the CI provider give the same install, lint, type-check and test lines."""
    github = render(template_source, tmp_path / "github", ci="github", dvc_remote="s3")
    gitlab = render(template_source, tmp_path / "gitlab", ci="gitlab", dvc_remote="s3")
    steps = yaml.safe_load((github / ".github/workflows/ci.yml").read_text())["jobs"]["test"]["steps"]
    github_lines = {line.strip() for step in steps for line in step.get("run", "").splitlines() if line.strip()}
    job = yaml.safe_load((gitlab / ".gitlab-ci.yml").read_text())
    gitlab_lines = set(job[".python"]["before_script"]) | set(job["test"]["script"])
    for line in github_lines:
        if "GITHUB_STEP_SUMMARY" not in line:  # GitLab has no job summary: the report is an artefact
            assert any(other.startswith(line) for other in gitlab_lines), f"{line!r} is in ci.yml only"
    assert "dvc pull --allow-missing" in gitlab_lines & github_lines
