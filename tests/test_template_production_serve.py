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
import signal
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
        "detail": [{"loc": ["body", "rows", 0, "duration"], "msg": "field required", "type": "missing", "input": None}],
        "error_count": 1,
    }


def strict_json(text: str) -> object:
    """JSON as the standard says: no NaN or Infinity (Python's json module accepts them)."""

    def refuse(constant: str) -> object:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e400", "-1e400"])
def test_a_non_finite_number_gets_a_422_in_valid_json_and_the_next_request_is_answered(client, rows, number) -> None:
    body = json.dumps({"rows": rows[:2]}).replace(f'"age": {rows[1]["age"]}', f'"age": {number}', 1)
    assert number in body
    response = client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert strict_json(response.text) == {
        "detail": [
            {
                "loc": ["body", "rows", 1, "age"],
                "msg": f"expected a finite number, got {number} (send null for a missing value)",
                "type": "dtype",
                "input": number,
            }
        ],
        "error_count": 1,
    }
    assert client.post("/predict", json={"rows": rows[:2]}).status_code == 200


@pytest.mark.parametrize(
    ("value", "shown"),
    [(6.9, "6.9"), (True, "True"), ("24", "'24'"), (None, None)],
    ids=["fraction", "boolean", "text", "null"],
)
def test_types_are_strict_nothing_is_cut_or_converted(client, rows, value, shown) -> None:
    response = client.post("/predict", json={"rows": [{**rows[0], "duration": value}]})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "rows", 0, "duration"]
    if value is None:
        assert detail["type"] == "null"
    else:
        assert detail["msg"] == f"expected a value of type int64, got {shown}"


def test_a_whole_number_written_as_a_float_is_the_same_number(client, rows) -> None:
    as_float = [{**row, "duration": float(row["duration"])} for row in rows[:5]]
    assert json.dumps(as_float) != json.dumps(rows[:5])
    answer = client.post("/predict", json={"rows": as_float})
    assert answer.status_code == 200, answer.text
    assert answer.json() == client.post("/predict", json={"rows": rows[:5]}).json()


def test_optional_fields_may_be_left_out_row_by_row(client, rows) -> None:
    """The sensitive attribute (the model does not see it) is in some rows and not in others."""
    mixed = [{k: v for k, v in row.items() if k != "sex" or i % 2} for i, row in enumerate(rows[:6])]
    assert "sex" in mixed[1] and "sex" not in mixed[0]
    answer = client.post("/predict", json={"rows": mixed})
    assert answer.status_code == 200, answer.text
    assert answer.json() == client.post("/predict", json={"rows": rows[:6]}).json()


def test_the_422_body_is_capped_never_an_echo_of_the_request(client, rows) -> None:
    """30 rows with a 40,000-character age (1.2 MB): 20 problems, each value cut, and the count."""
    many = [{**rows[i % len(rows)], "age": "old " * 10_000} for i in range(30)]
    response = client.post("/predict", json={"rows": many})
    assert response.status_code == 422
    body = response.json()
    assert body["error_count"] == 30
    assert len(body["detail"]) == 20
    assert body["detail"][0]["input"] == "old " * 20 + "... (40000 characters)"
    assert len(response.content) < 10_000


@pytest.fixture
def small_client(web_project, serve_module, monkeypatch):
    """The service with MAX_BODY_BYTES=2000, as set in the environment."""
    from fastapi.testclient import TestClient

    monkeypatch.setenv("MAX_BODY_BYTES", "2000")
    service = serve_module.Service(
        model_path=web_project / "models" / "model.joblib",
        params_path=web_project / "params.yaml",
        schema_path=web_project / "data" / "schema.yaml",
    )
    assert service.max_body_bytes == 2000
    with TestClient(serve_module.create_app(service)) as client:
        yield client


def test_a_body_over_the_size_limit_gets_a_413_whether_or_not_it_says_its_length(small_client, rows) -> None:
    body = json.dumps({"rows": rows}).encode()
    assert len(body) > 2000
    expected = {
        "detail": "the request body is larger than 2000 bytes: send fewer rows per request (or raise MAX_BODY_BYTES)"
    }
    declared = small_client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert (declared.status_code, declared.json()) == (413, expected)
    chunks = (body[i : i + 500] for i in range(0, len(body), 500))  # chunked: no content-length
    streamed = small_client.post("/predict", content=chunks, headers={"content-type": "application/json"})
    assert (streamed.status_code, streamed.json()) == (413, expected)
    assert small_client.post("/predict", json={"rows": rows[:3]}).status_code == 200


@pytest.mark.parametrize(
    ("body", "kind"),
    [(b"{not json", "json_invalid"), (b"\xff\xfe", "json_invalid"), (b"[1, 2]", "model_attributes_type")],
    ids=["syntax", "not-utf8", "not-an-object"],
)
def test_a_body_that_is_not_a_request_gets_a_422(client, body, kind) -> None:
    response = client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == kind


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


def test_make_serve_serves_the_app_on_its_port_and_the_docker_healthcheck_passes(web_project) -> None:
    """`make serve PORT=...` (uvicorn), with this repository's environment as the project's VENV."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(web_project / "src"), "MODEL_VERSION": "v1.2.3"}
    venv = Path(sys.executable).parent.parent
    server = subprocess.Popen(
        ["make", "serve", f"VENV={venv}", f"PORT={port}"],
        cwd=web_project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # make and uvicorn in a process group of their own, stopped together
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
        # One keep-alive connection: a request with Infinity gets its 422, and the next its answer.
        with httpx.Client(base_url=base) as connection:
            body = json.dumps({"rows": valid}).replace(f'"age": {valid[0]["age"]}', '"age": Infinity')
            headers = {"content-type": "application/json"}
            assert connection.post("/predict", content=body, headers=headers).status_code == 422
            assert connection.post("/predict", json={"rows": valid}).status_code == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
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


def test_batch_refuses_a_fraction_in_a_whole_number_column_and_infinity(
    batch_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV value 6.9 in an integer column is not cut to 6, and inf is not a number to predict on."""
    data = pd.read_csv(batch_project / "data" / "prepared" / "test.csv").head(5).astype({"duration": float})
    data.loc[2, "duration"] = 6.9
    data.loc[4, "duration"] = float("inf")
    data.to_csv(tmp_path / "bad.csv", index=False)
    code, _, err = batch(batch_project, capsys, str(tmp_path / "bad.csv"), "-o", str(tmp_path / "out.csv"))
    assert code == 1
    assert "row 2, field 'duration': expected a value of type int64, got 6.9" in err
    assert "row 4, field 'duration': expected a finite number, got inf (send null for a missing value)" in err
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


def test_the_fast_input_path_gives_panderas_frame_and_leaves_a_bad_row_to_pandera(client, rows) -> None:
    """fastcheck.py skips pandera for rows that surely fit the schema (it costs milliseconds per
    request): the frame is the one pandera's validation makes, dtypes included; a row out of range,
    a null where none is allowed or a value outside the categories goes to pandera, which names it."""
    fastcheck = importlib.import_module("serve_probe.fastcheck")
    inputs = importlib.import_module("serve_probe.inputs")
    schema = client.app.state.service.schema
    fast = fastcheck.fast_frame(rows, schema)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, inputs.check_inputs(pd.DataFrame.from_records(rows), schema)[0])
    mixed = [{k: v for k, v in row.items() if k != "sex" or i % 2} for i, row in enumerate(rows)]  # optional
    pandera_frame = inputs.check_inputs(pd.DataFrame.from_records(mixed), schema)[0]
    pd.testing.assert_frame_equal(fastcheck.fast_frame(mixed, schema), pandera_frame)
    for change in ({"age": 200}, {"duration": None}, {"housing": "castle"}):
        assert fastcheck.fast_frame([rows[0] | change], schema) is None, change
        _, problems = inputs.check_records([rows[0] | change], schema)
        assert [problem.field for problem in problems] == list(change), problems
