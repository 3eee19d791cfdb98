"""`make adopt DATA=... TARGET=...` turns a fresh project onto data the template does not ship.

One default project (Copier, scikit-learn), set up and committed as its README says; each test
works on a copy of it. On tests/data/cars.csv (regression on Miles_per_Gallon, 8 rows without
it) and tests/data/seattle-weather.csv (multiclass `weather`), `make adopt` then
`make repro lint` run as a user would; the bad inputs are refused in one line that says
what to do, and leave the project as it was.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from _template_projects import copy_template, make, project_env, python, run
from conftest import ROOT

pytestmark = pytest.mark.xdist_group("template-adopt")

DATA = ROOT / "tests" / "data"
PACKAGE = "adopt_project"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return project_env(tmp_path_factory.mktemp("adopt-env"))


@pytest.fixture(scope="module")
def fresh(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project, set up and committed (the README's quick start), never run."""
    import copier

    source = copy_template(tmp_path_factory.mktemp("adopt-template") / "template")
    project = tmp_path_factory.mktemp("adopt") / "adopt-project"
    copier.run_copy(str(source), str(project), data={"project_name": "Adopt Project"}, defaults=True, quiet=True)
    make("setup", project, env)
    run(["git", "add", "-A"], project, env)
    run(["git", "commit", "-q", "--no-verify", "-m", "Start"], project, env)
    return project


@pytest.fixture
def project(fresh: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "adopt-project"
    shutil.copytree(fresh, copy, symlinks=True)
    return copy


def adopt(project: Path, env: dict[str, str], *variables: str) -> subprocess.CompletedProcess:
    """`make adopt` with no terminal (nothing is asked)."""
    command = ["make", "--no-print-directory", "adopt", f"VENV={env['VENV']}", *variables]
    return subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
    )


def params(project: Path) -> dict:
    return yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))


def snapshot(project: Path) -> dict[str, bytes]:
    """Every file of the project but git's and DVC's own (to see that nothing changed)."""
    skip = (".git", ".dvc", ".venv")
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in project.rglob("*")
        if path.is_file() and path.relative_to(project).parts[0] not in skip
    }


REFUSED = [
    pytest.param(["DATA=nope.csv", "TARGET=mpg"], "DATA=nope.csv: no such file", id="missing-file"),
    pytest.param(
        [f"DATA={DATA / 'cars.csv'}", "TARGET=miles_per_gallon"],
        "TARGET=miles_per_gallon: no such column (did you mean 'Miles_per_Gallon'?); the columns: Name, "
        "Miles_per_Gallon, Cylinders, Displacement, Horsepower, Weight_in_lbs, Acceleration, Year, Origin",
        id="unknown-target",
    ),
    pytest.param(
        [f"DATA={DATA / 'cars.csv'}", "TARGET=Miles_per_Gallon"],
        "TARGET=Miles_per_Gallon is missing in 8 of 406 rows: run again with DROP_MISSING=1 to leave "
        "them out, or fill them in",
        id="missing-targets",
    ),
    pytest.param(
        [f"DATA={DATA / 'cars.csv'}", "TARGET=Origin", "TASK=regression"],
        "TARGET=Origin is not a number: it cannot be TASK=regression",
        id="text-for-regression",
    ),
    pytest.param(
        [f"DATA={DATA / 'seattle-weather.csv'}", "TARGET=weather", "TASK=binary"],
        "TARGET=weather has 5 classes, not 2: it cannot be TASK=binary",
        id="five-classes-for-binary",
    ),
    pytest.param(
        [f"DATA={DATA / 'seattle-weather.csv'}", "TARGET=weather", "TASK=multi"],
        "TASK=multi: not a task (did you mean 'multiclass'?); the tasks: binary, multiclass, regression",
        id="unknown-task",
    ),
    pytest.param(
        [f"DATA={DATA / 'seattle-weather.csv'}", "TARGET=weather", "SENSITIVE=Wind"],
        "SENSITIVE=Wind: no such column (did you mean 'wind'?); the columns: date, precipitation, "
        "temp_max, temp_min, wind, weather",
        id="unknown-sensitive",
    ),
]


@pytest.mark.parametrize(("variables", "message"), REFUSED)
def test_bad_input_is_refused_in_one_line_and_changes_nothing(fresh, env, variables, message):
    before = snapshot(fresh)
    result = adopt(fresh, env, *variables)
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == f"adopt-project adopt: error: {message}", result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(fresh) == before


def test_make_adopt_without_data_or_target_says_how_to_call_it(fresh, env):
    result = adopt(fresh, env, "DATA=x.csv")
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == (
        "make adopt: name the data and the column to predict: make adopt DATA=path/to/data.csv TARGET=column"
    )


def test_a_project_without_dvc_is_told_to_run_make_setup(project, env):
    shutil.rmtree(project / ".dvc")
    result = adopt(project, env, f"DATA={DATA / 'cars.csv'}", "TARGET=Miles_per_Gallon")
    assert result.stderr.splitlines()[0] == (
        "adopt-project adopt: error: no DVC here (.dvc/): run make setup first, in the project's folder"
    )


def test_a_binary_target_needs_its_favourable_class(project, env, tmp_path):
    """Two classes: without POSITIVE= and no terminal to ask on, adopt names POSITIVE=; on a
    terminal it asks; either way positive_class is the class as the data writes it ('yes'
    quoted: YAML reads yes as true)."""
    rows = (DATA / "seattle-weather.csv").read_text(encoding="utf-8").splitlines()
    header, *body = rows
    wet = [",".join([*row.split(",")[:-1], "yes" if row.endswith((",rain", ",drizzle")) else "no"]) for row in body]
    data = tmp_path / "wet.csv"
    data.write_text("\n".join([header.replace("weather", "wet"), *wet]) + "\n", encoding="utf-8")

    refused = adopt(project, env, f"DATA={data}", "TARGET=wet")
    assert refused.stderr.splitlines()[0] == (
        "adopt-project adopt: error: TARGET=wet has two classes: say which is favourable with POSITIVE=yes or no"
    )
    if shutil.which("script"):  # util-linux: a terminal, on which adopt asks
        command = f"make --no-print-directory adopt VENV={env['VENV']} DATA={data} TARGET=wet"
        asked = subprocess.run(["script", "-qec", command, "/dev/null"], input="yes\n\n", cwd=project,
                               env=env, capture_output=True, text=True, check=False)  # fmt: skip
        assert asked.returncode == 0, asked.stdout
        assert "The favourable class of wet (data.positive_class), yes or no? " in asked.stdout
        assert "Sensitive attributes for the fairness tests (a,b or none) [none]: " in asked.stdout
    done = adopt(project, env, f"DATA={data}", "TARGET=wet", "POSITIVE=yes")
    assert done.returncode == 0, done.stderr
    assert params(project)["data"] | {"seed": None} == {
        "raw": "data/raw/wet.csv", "schema": "data/schema.yaml", "target": "wet", "task": "binary",
        "positive_class": "yes", "test_size": 0.25, "seed": None,
    }  # fmt: skip
    assert "  positive_class: 'yes'  " in (project / "params.yaml").read_text(encoding="utf-8")


def test_an_edited_schema_is_not_replaced_without_force(project, env):
    schema = project / "data" / "schema.yaml"
    schema.write_text(schema.read_text(encoding="utf-8") + "# my note\n", encoding="utf-8")
    variables = [f"DATA={DATA / 'seattle-weather.csv'}", "TARGET=weather"]
    refused = adopt(project, env, *variables)
    assert refused.stderr.splitlines()[0] == (
        "adopt-project adopt: error: data/schema.yaml exists with changes git has not recorded (your "
        "edits?): commit them, or run again with FORCE=1 to replace it"
    )
    assert schema.read_text(encoding="utf-8").endswith("# my note\n")
    assert adopt(project, env, *variables, "FORCE=1").returncode == 0
    assert "# my note" not in schema.read_text(encoding="utf-8")


def adopted(project: Path, env: dict[str, str], *variables: str) -> str:
    """`make adopt`, then again: the second run changes nothing."""
    first = adopt(project, env, *variables)
    assert first.returncode == 0, first.stdout + first.stderr
    after = snapshot(project)
    second = adopt(project, env, *variables)
    assert second.returncode == 0, second.stderr
    assert "wrote" not in second.stdout and "params.yaml:" not in second.stdout, second.stdout
    assert snapshot(project) == after
    return first.stdout


def run_as_a_user(project: Path, env: dict[str, str]) -> tuple[dict, str]:
    """`make repro`, `make test`, `git add . && make lint` (every hook: the sample matches the
    schema, no data in git); the metrics and the tests' output."""
    make("repro", project, env)
    tests = make("test", project, env, ok=False).stdout
    assert re.search(r"=+ .*\d+ passed", tests), tests[-3000:]
    run(["git", "add", "-A"], project, env)
    make("lint", project, env)
    return json.loads((project / "reports" / "metrics.json").read_text(encoding="utf-8")), tests


def failed(tests: str) -> list[str]:
    return sorted(re.findall(r"^FAILED (\S+)", tests, flags=re.M))


def accept(project: Path, line: str, accepted: str, why: str) -> None:
    """A finding accepted as the generated README says: in [tool.mltest], with why."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert f"\n{line}\n" in text, line
    pyproject.write_text(text.replace(f"\n{line}\n", f"\n# {why}\n{accepted}\n"), encoding="utf-8")


def test_cars_regression(project, env):
    """Regression on Miles_per_Gallon: the 8 rows without it are left out when the user says so;
    `Name` (an id) is dropped; the example's sensitive `sex` and its checks go; Origin is the
    sensitive attribute the user names."""
    output = adopted(
        project, env, f"DATA={DATA / 'cars.csv'}", "TARGET=Miles_per_Gallon", "DROP_MISSING=1", "SENSITIVE=Origin"
    )
    assert "left out the 8 rows whose Miles_per_Gallon is missing (DROP_MISSING=1)" in output
    settings = params(project)
    assert settings["data"]["raw"] == "data/raw/cars.csv" and settings["data"]["task"] == "regression"
    assert settings["features"] == {"sensitive": ["Origin"], "drop": ["Name"]}
    assert settings["checks"] == {"noise": {}, "directional": []}
    assert settings["monitoring"]["promotion_metric"] == "mae"
    assert not list((project / "data").rglob("german_credit*"))
    assert (project / "data" / "raw" / "cars.csv.dvc").is_file()
    text = (project / "params.yaml").read_text(encoding="utf-8")
    assert "# the favourable class, as the data writes it" in text  # the comments stay
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "## Example data" not in readme and "`data/raw/cars.csv`: 398 rows of 9 columns" in readme
    plots = yaml.safe_load((project / "dvc.yaml").read_text(encoding="utf-8"))
    assert "plots" not in plots  # the ROC curve is for binary tasks
    assert plots["stages"]["evaluate"]["plots"][0]["reports/predictions.csv"]["template"] == "scatter"
    assert 'task = "tabular-regression"' in (project / "pyproject.toml").read_text(encoding="utf-8")

    metrics, tests = run_as_a_user(project, env)
    assert metrics["r2"] > 0.8 and metrics["mae"] < 2.6, metrics  # MPG within 2.5 on average
    # Two findings about the data, both real: the engine's size tells an American car (a proxy of
    # Origin), and the error is larger for the 20 Japanese cars of the test split than for the 63
    # American ones (ratio 0.7997 against the four-fifths rule; the 17 European cars are too few
    # to judge).
    assert failed(tests) == [
        "tests/test_evaluation.py::test_features_do_not_stand_in_for_a_sensitive_attribute[Origin]",
        "tests/test_fairness.py::test_error_is_similar_across_groups[Origin]",
    ], tests[-4000:]
    assert "assert_no_proxies failed: 'Displacement' predicts Origin with AUC 0.848 > max_strength 0.8" in tests
    assert "worst pair: Japan (n=20) mean_absolute_error 2.9638 vs USA (n=63) 2.3702" in tests
    # Accepted as the README says, in [tool.mltest] with why: the project is green.
    accept(project, "evaluation_max_proxy_strength = 0.8", "evaluation_max_proxy_strength = 0.9",
           "cars: engine size tells the origin (AUC 0.85); Origin is checked by group instead")  # fmt: skip
    accept(project, "fairness_min_ratio = 0.8", "fairness_min_ratio = 0.75",
           "cars: 20 Japanese cars in the test split, MAE 2.96 against 2.37 (ratio 0.80)")  # fmt: skip
    # The two settings change only the fairness and the evaluation tests: those run again.
    again = [python(env), "-m", "pytest", "tests/test_fairness.py", "tests/test_evaluation.py"]
    tests = run(again, project, env).stdout
    assert failed(tests) == [] and " passed" in tests, tests[-4000:]


def test_seattle_weather_multiclass(project, env):
    """Multiclass `weather` (5 classes, fog and snow rare); `date` is one per row: dropped."""
    output = adopted(project, env, f"DATA={DATA / 'seattle-weather.csv'}", "TARGET=weather")
    assert "features.drop: date (text with 1461 distinct values in 1461 rows" in output
    settings = params(project)
    assert settings["data"]["task"] == "multiclass" and settings["data"]["target"] == "weather"
    assert settings["features"] == {"sensitive": [], "drop": ["date"]}
    assert settings["monitoring"]["promotion_metric"] == "accuracy"

    metrics, tests = run_as_a_user(project, env)
    assert metrics["accuracy"] > 0.55, metrics  # the most common class, sun, is 49% of the days
    assert failed(tests) == [], tests[-4000:]
