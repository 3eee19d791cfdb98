"""The generated serving code, run for real on the example data (German credit).

A project rendered with serving=fastapi: its app, through FastAPI's test client, answers /predict
for valid rows like the model does and refuses invalid ones with a 422 naming the row and the
field; a broken model stops it at start-up; and uvicorn serves it over HTTP, where the Dockerfile's
own HEALTHCHECK command sees it healthy. A project rendered with serving=batch: its command
predicts a CSV file, and refuses one that does not fit the schema without writing anything.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import httpx
import pandas as pd
import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def template_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain-folder copy of the template: Copier renders it without cloning a git repository."""
    source = tmp_path_factory.mktemp("template-source")
    shutil.copy2(ROOT / "copier.yml", source / "copier.yml")
    shutil.copytree(ROOT / "template", source / "template")
    return source


def render(source: Path, tmp_path_factory: pytest.TempPathFactory, **answers: object) -> Path:
    import copier

    project = tmp_path_factory.mktemp("project") / "project"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(str(source), str(project), data=answers, defaults=True, quiet=True)
    return project


@contextlib.contextmanager
def inside(project: Path):
    """Import the project's package (its name is unique to this module) and run in its folder."""
    sys.path.insert(0, str(project / "src"))
    cwd = Path.cwd()
    os.chdir(project)
    try:
        yield
    finally:
        os.chdir(cwd)
        sys.path.remove(str(project / "src"))


def train_model(project: Path, package: str) -> Path:
    """The project's own `prepare` and `train` commands: models/model.joblib."""
    with inside(project):
        cli = importlib.import_module(f"{package}.cli")
        assert cli.main(["prepare"]) == 0
        assert cli.main(["train"]) == 0
    return project / "models" / "model.joblib"


@pytest.fixture(scope="module")
def web_project(template_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = render(template_source, tmp_path_factory, project_name="Serve Probe", serving="fastapi", docker=True)
    train_model(project, "serve_probe")
    return project


@pytest.fixture(scope="module")
def serve_module(web_project: Path):
    """The rendered serve.py."""
    with inside(web_project):
        return importlib.import_module("serve_probe.serve")


@pytest.fixture(scope="module")
def client(web_project: Path, serve_module):
    from fastapi.testclient import TestClient

    service = serve_module.Service(
        model_path=web_project / "models" / "model.joblib",
        params_path=web_project / "params.yaml",
        schema_path=web_project / "data" / "schema.yaml",
    )
    with TestClient(serve_module.create_app(service)) as client:
        yield client


@pytest.fixture(scope="module")
def rows(web_project: Path) -> list[dict]:
    test = pd.read_csv(web_project / "data" / "prepared" / "test.csv").drop(columns=["risk"]).head(20)
    return json.loads(test.to_json(orient="records"))


def test_health_names_the_model_version_and_age(client) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["model"]["version"] == body["model"]["sha256"][:12]
    assert body["model"]["trained_at"].endswith("Z")
    assert 0 <= body["model"]["age_seconds"] < 3600
    assert body["package_version"] == "0.1.0"


def test_predict_answers_valid_rows_like_the_model(client, rows, web_project) -> None:
    import joblib

    response = client.post("/predict", json={"rows": rows})
    assert response.status_code == 200, response.text
    predictions = response.json()["predictions"]
    model = joblib.load(web_project / "models" / "model.joblib")
    frame = pd.DataFrame.from_records(rows).drop(columns=["sex"])  # the sensitive attribute stays out
    assert [p["prediction"] for p in predictions] == model.predict(frame).tolist()
    assert all(abs(p["probability_0"] + p["probability_1"] - 1) < 1e-9 for p in predictions)
    # The sensitive attribute is optional: the model does not see it.
    without = [{k: v for k, v in row.items() if k != "sex"} for row in rows]
    assert client.post("/predict", json={"rows": without}).json()["predictions"] == predictions


@pytest.mark.parametrize(
    ("change", "location", "kind", "message"),
    [
        ({"age": "old"}, ["body", "rows", 1, "age"], "dtype", "expected a value of type int64, got 'old'"),
        (
            {"housing": "castle"},
            ["body", "rows", 1, "housing"],
            "check",
            "failed the schema check isin(['free', 'own', 'rent']): 'castle'",
        ),
        ({"duration": 500}, ["body", "rows", 1, "duration"], "check", "failed the schema check in_range(0, 78): 500"),
        ({"credit_amount": None}, ["body", "rows", 1, "credit_amount"], "null", "a value is required"),
        ({"colour": "red"}, ["body", "rows", 1, "colour"], "extra_forbidden", "unknown field"),
    ],
)
def test_an_invalid_row_gets_a_422_naming_the_field(client, rows, change, location, kind, message) -> None:
    response = client.post("/predict", json={"rows": [rows[0], {**rows[1], **change}, rows[2]]})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == location
    assert detail["type"] == kind
    assert detail["msg"].startswith(message)


def test_a_missing_field_gets_a_422_naming_it(client, rows) -> None:
    response = client.post("/predict", json={"rows": [{k: v for k, v in rows[0].items() if k != "duration"}]})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["body", "rows", 0, "duration"], "msg": "field required", "type": "missing", "input": None}]
    }


def test_a_broken_model_stops_the_service_at_start_up(web_project, serve_module, tmp_path) -> None:
    from fastapi.testclient import TestClient

    broken = tmp_path / "model.joblib"
    broken.write_bytes(b"not a model")
    service = serve_module.Service(model_path=broken, params_path=web_project / "params.yaml")
    with pytest.raises(Exception), TestClient(serve_module.create_app(service)):  # noqa: B017 - joblib's own error
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dockerfile_healthcheck(project: Path, port: int) -> list[str]:
    from dockerfile_parse import DockerfileParser

    (healthcheck,) = [
        i["value"] for i in DockerfileParser(str(project / "Dockerfile")).structure if i["instruction"] == "HEALTHCHECK"
    ]
    command = json.loads(healthcheck.split("CMD", 1)[1].strip())
    return [part.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for part in command]


def test_uvicorn_serves_the_app_and_the_docker_healthcheck_passes(web_project) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(web_project / "src"), "MODEL_VERSION": "v1.2.3"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "serve_probe.serve:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=web_project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    healthcheck = dockerfile_healthcheck(web_project, port)
    try:
        # uvicorn says when the app has started (model and schema loaded), or exits if it cannot.
        output = []
        assert server.stdout is not None
        for line in server.stdout:
            output.append(line)
            if "Application startup complete" in line:
                break
        else:
            pytest.fail("uvicorn stopped before the app started:\n" + "".join(output))
        check = subprocess.run(healthcheck, capture_output=True, text=True)
        assert check.returncode == 0, f"{shlex.join(healthcheck)}: {check.stderr}"
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/health").json()["model"]["version"] == "v1.2.3"
        row = pd.read_csv(web_project / "data" / "prepared" / "test.csv").drop(columns=["risk"]).head(1)
        valid = json.loads(row.to_json(orient="records"))
        assert httpx.post(f"{base}/predict", json={"rows": valid}).status_code == 200
        invalid = httpx.post(f"{base}/predict", json={"rows": [{**valid[0], "age": "old"}]})
        assert invalid.status_code == 422 and invalid.json()["detail"][0]["loc"][-1] == "age"
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert subprocess.run(healthcheck, capture_output=True).returncode != 0  # and fails once it is down


@pytest.fixture(scope="module")
def batch_project(template_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = render(template_source, tmp_path_factory, project_name="Batch Probe", serving="batch", docker=True)
    train_model(project, "batch_probe")
    return project


def batch(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`python -m batch_probe.batch ARGS` in the project's folder (in this process): code, out, err."""
    with inside(project):
        code = importlib.import_module("batch_probe.batch").main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_batch_predicts_a_csv_file(batch_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = batch(batch_project, capsys, "data/prepared/test.csv", "-o", "out/predictions.csv")
    assert code == 0, err
    assert out == "wrote 250 predictions to out/predictions.csv\n"
    written = pd.read_csv(batch_project / "out" / "predictions.csv")
    assert list(written.columns) == ["prediction", "probability_0", "probability_1"]
    assert len(written) == 250


def test_batch_refuses_a_file_that_does_not_fit_and_writes_nothing(
    batch_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = pd.read_csv(batch_project / "data" / "prepared" / "test.csv").head(5).astype({"age": object})
    data.loc[3, "age"] = "old"
    data.loc[1, "housing"] = "castle"
    data.to_csv(tmp_path / "bad.csv", index=False)
    code, _, err = batch(batch_project, capsys, str(tmp_path / "bad.csv"), "-o", str(tmp_path / "out.csv"))
    assert code == 1
    assert "does not fit the schema data/schema.yaml (2 problem(s); rows count from 0); nothing written" in err
    assert "row 3, field 'age': expected a value of type int64, got 'old'" in err
    assert "row 1, field 'housing': failed the schema check isin(['free', 'own', 'rent']): 'castle'" in err
    assert not (tmp_path / "out.csv").exists()


def test_batch_check_is_the_images_health_check(batch_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # As the Docker HEALTHCHECK runs it: a new interpreter, in the project's folder.
    env = {**os.environ, "PYTHONPATH": str(batch_project / "src")}
    command = [sys.executable, "-m", "batch_probe.batch", "--check"]
    ok = subprocess.run(command, cwd=batch_project, env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == "ok: the model models/model.joblib and the schema data/schema.yaml load\n"
    code, _, err = batch(batch_project, capsys, "--check", "--model", "models/nothing.joblib")
    assert code == 1
    assert err.startswith("python -m batch_probe.batch: error: [Errno 2] No such file or directory")
