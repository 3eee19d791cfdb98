"""The generated project closes the loop, run for real (issue 14): it watches its model in
production and retrains it safely.

One default project (Copier), set up and run as its user would (`make setup`, `make repro`, a
commit), then: the service under uvicorn on 127.0.0.1 answers every row of the test split and
logs them (rotated files; `/metrics` read with Prometheus' own text parser); `make monitor` on
those logs passes, and on the same rows with `duration` moved up by two years it fails naming
`duration`; the scheduled monitoring job's steps (monitor.yml) run in order, and when action is
needed its second job starts continuous training; continuous training's steps (train.yml) let a
retrained model that is as good as the one in production in, and keep a deliberately worse one
out, saying why in the job summary. All in one module: one project, one xdist worker.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest
import yaml
from _template_projects import copy_template, make, project_env, python, run
from _workflow_runner import condition, run_job

pytestmark = pytest.mark.xdist_group("template-loop")

PACKAGE = "loop_project"
ROTATE_KB = 20  # params.yaml's rotate_mb, made small here so that a few hundred rows rotate
SHIFT = 24  # months added to `duration` in the shifted traffic (the schema allows up to 78)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return project_env(tmp_path_factory.mktemp("loop-env"))


@pytest.fixture(scope="module")
def project(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project, set up, its pipeline run, committed."""
    import copier

    source = copy_template(tmp_path_factory.mktemp("loop-template") / "template")
    project = tmp_path_factory.mktemp("loop") / "loop-project"
    copier.run_copy(str(source), str(project), data={"project_name": "Loop Project"}, defaults=True, quiet=True)
    params = project / "params.yaml"
    text = params.read_text(encoding="utf-8")
    assert "rotate_mb: 16 " in text
    params.write_text(text.replace("rotate_mb: 16 ", f"rotate_mb: {ROTATE_KB / 1024:.6f} "), encoding="utf-8")
    make("setup", project, env)
    make("repro", project, env)
    run(["git", "add", "-A"], project, env)
    run(["git", "commit", "-q", "--no-verify", "-m", "Start"], project, env)  # test_template_run runs the hooks
    return project


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(project: Path, env: dict[str, str], log: Path) -> Iterator[httpx.Client]:
    """`uvicorn <package>.serve:app` on 127.0.0.1, logging to `log`; stopped with SIGTERM after."""
    port = free_port()
    command = [python(env), "-m", "uvicorn", f"{PACKAGE}.serve:app", "--host", "127.0.0.1", "--port", str(port)]
    output = log.parent / f"{log.name}-uvicorn.txt"
    with output.open("w", encoding="utf-8") as out:
        server = subprocess.Popen(command, cwd=project, env={**env, "PREDICTION_LOG": str(log)},
                                  stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
    try:
        for _ in range(600):  # start-up imports pandas, sklearn and the model: slow on a busy machine
            with contextlib.suppress(httpx.TransportError):
                if client.get("/health").status_code == 200:
                    break
            assert server.poll() is None, output.read_text(encoding="utf-8")
            time.sleep(0.5)
        yield client
    finally:
        client.close()
        server.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown: the log is written out
        server.wait(timeout=120)
        assert "Application shutdown complete" in output.read_text(encoding="utf-8")


def split_rows(project: Path) -> list[dict]:
    test = pd.read_csv(project / "data" / "prepared" / "test.csv").drop(columns=["risk"])
    return json.loads(test.to_json(orient="records"))


def serve_rows(client: httpx.Client, rows: list[dict]) -> dict:
    """Each row in its own request (as a client of a live service would send them)."""
    ids = []
    for row in rows:
        response = client.post("/predict", json={"rows": [row]})
        assert response.status_code == 200, response.text
        ids.append(response.headers["x-request-id"])
    for _ in range(600):  # the log writes in the background: wait until every row is written
        metrics = client.get("/metrics").text
        if f'prediction_log_rows_total{{outcome="written"}} {float(len(rows))}' in metrics:
            break
        time.sleep(0.1)
    return {"ids": ids, "metrics": metrics, "health": client.get("/health").json()}


@pytest.fixture(scope="module")
def traffic(project: Path, env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The test split served twice: as it is, and with `duration` moved up by SHIFT months."""
    logs = tmp_path_factory.mktemp("production-logs")
    rows = split_rows(project)
    shifted = [{**row, "duration": min(row["duration"] + SHIFT, 78)} for row in rows]
    with serving(project, env, logs / "normal") as client:
        normal = serve_rows(client, rows)
    with serving(project, env, logs / "shifted") as client:
        serve_rows(client, shifted)
    return {"rows": rows, "normal": normal, "logs": logs}


@pytest.fixture(scope="module")
def monitored(project: Path, env: dict[str, str], traffic: dict) -> dict:
    """`make monitor` on each log, and the monitor command (its exit code: make's is 0 or 2)."""
    found = {}
    for name in ("normal", "shifted"):
        log_env = {**env, "PREDICTION_LOG": str(traffic["logs"] / name)}
        make_result = make("monitor", project, log_env, ok=False)
        result = run([python(env), "-m", PACKAGE, "monitor"], project, log_env, ok=False)
        report = (project / "reports" / "monitoring.md").read_text(encoding="utf-8")
        found[name] = {"make": make_result.returncode, "code": result.returncode, "report": report,
                       "output": result.stdout + result.stderr}  # fmt: skip
    return found


def drifted(report: str, section: str) -> list[str]:
    """The columns a report's section finds drifted (its table's verdict column says `drift`)."""
    text = report.split(f"## {section}")[1].split("\n## ")[0]
    lines = [line.rstrip() for line in text.splitlines()]
    return [line.split()[0] for line in lines if line.endswith(" drift") and not line.endswith(" no drift")]


def test_training_writes_the_reference_and_the_models_time_and_version(project: Path, env: dict[str, str]) -> None:
    import mltest

    meta = json.loads((project / "models" / "model.joblib.meta.json").read_text(encoding="utf-8"))
    lock = yaml.safe_load((project / "dvc.lock").read_text(encoding="utf-8"))
    (model_out,) = [o for o in lock["stages"]["train"]["outs"] if o["path"] == "models/model.joblib"]
    assert meta["dvc_md5"] == model_out["md5"]  # the DVC hash of the model, as dvc.lock has it
    assert meta["version"] == meta["sha256"][:12] and meta["package_version"] == "0.1.0"
    assert meta["trained_at"].endswith("Z") and "git_commit" in meta
    inputs = mltest.load_profile(project / "models" / "reference" / "inputs.json")
    raw = pd.read_csv(project / "data" / "raw" / "german_credit.csv", nrows=1)
    assert set(inputs.columns) == set(raw.columns) - {"risk"} and inputs.rows == 750  # the train split
    predictions = mltest.load_profile(project / "models" / "reference" / "predictions.json")
    assert set(predictions.columns) == {"prediction", "probability_0", "probability_1"}
    assert predictions.columns["prediction"].kind == "categorical" and predictions.rows == 250  # held out
    # Outputs of the train stage that git keeps (cache: false), so monitoring has them anywhere.
    tracked = run(["git", "ls-files", "models"], project, env).stdout.split()
    assert tracked == ["models/model.joblib.meta.json", "models/reference/inputs.json",
                       "models/reference/predictions.json"]  # fmt: skip


def test_the_service_logs_every_prediction_in_rotated_files(traffic: dict) -> None:
    files = sorted((traffic["logs"] / "normal").glob("predictions-*.jsonl"))
    assert len(files) > 3, files  # rotated by size
    records = [json.loads(line) for path in files for line in path.read_text(encoding="utf-8").splitlines()]
    line_size = max(len(json.dumps(r, separators=(",", ":"))) + 1 for r in records)
    assert all(path.stat().st_size < ROTATE_KB * 1024 + line_size for path in files[:-1])
    assert [r["inputs"] for r in records] == traffic["rows"]  # every row, in order
    assert [r["request_id"] for r in records] == traffic["normal"]["ids"]
    assert {r["model_version"] for r in records} == {traffic["normal"]["health"]["model"]["version"]}
    assert set(records[0]) == {"time", "request_id", "row", "model_version", "inputs", "outputs"}
    assert set(records[0]["outputs"]) == {"prediction", "probability_0", "probability_1"}


def test_metrics_parse_with_the_prometheus_text_parser(traffic: dict) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    samples = {}
    for family in text_string_to_metric_families(traffic["normal"]["metrics"]):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    served = len(traffic["rows"])
    predict_ok = (("method", "POST"), ("path", "/predict"), ("status", "200"))
    assert samples[("http_requests_total", predict_ok)] == served
    assert samples[("http_request_duration_seconds_count", predict_ok)] == served
    assert sum(v for (name, _), v in samples.items() if name == "predictions_total") == served
    assert samples[("prediction_confidence_count", ())] == served
    assert samples[("prediction_log_rows_total", (("outcome", "written"),))] == served
    assert samples[("prediction_log_rows_total", (("outcome", "dropped"),))] == 0
    meta = traffic["normal"]["health"]["model"]
    assert samples[("model_info", (("sha256", meta["sha256"]), ("version", meta["version"])))] == 1
    trained = samples[("model_trained_timestamp_seconds", ())]
    assert time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(trained)) == meta["trained_at"]


def test_health_gives_the_version_and_age_from_the_metadata(project: Path, traffic: dict) -> None:
    meta = json.loads((project / "models" / "model.joblib.meta.json").read_text(encoding="utf-8"))
    model = traffic["normal"]["health"]["model"]
    assert (model["trained_at"], model["dvc_md5"], model["version"]) == (
        meta["trained_at"], meta["dvc_md5"], meta["version"])  # fmt: skip
    assert 0 < model["age_seconds"] < 86400


def test_make_monitor_passes_on_requests_from_the_test_split(monitored: dict) -> None:
    normal = monitored["normal"]
    assert normal["make"] == normal["code"] == 0, normal["output"]
    assert "monitoring: no action needed" in normal["output"]
    assert "**No action needed.**" in normal["report"]
    assert "| model age | passed |" in normal["report"]
    assert drifted(normal["report"], "Feature drift") == drifted(normal["report"], "Prediction drift") == []


def test_make_monitor_fails_on_a_shifted_feature_and_names_it(monitored: dict) -> None:
    shifted = monitored["shifted"]
    assert shifted["code"] == 1 and shifted["make"] != 0, shifted["output"]
    assert "monitoring: action needed" in shifted["output"]
    action = next(line for line in shifted["report"].splitlines() if line.startswith("**Action needed**"))
    assert action.startswith("**Action needed**: feature drift in 'duration';"), action
    assert drifted(shifted["report"], "Feature drift") == ["duration"], shifted["report"]


def monitor_workflow(project: Path) -> dict:
    return yaml.safe_load((project / ".github" / "workflows" / "monitor.yml").read_text(encoding="utf-8"))


def test_the_monitoring_job_runs_in_order_and_starts_training_when_action_is_needed(
    project: Path, env: dict[str, str], traffic: dict, monitored: dict, tmp_path: Path
) -> None:
    workflow = monitor_workflow(project)
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}  # YAML reads `on` as True
    names = [step["name"] for step in workflow["jobs"]["monitor"]["steps"] if "run" in step]
    assert names == [
        "Install",
        "Monitor the predictions logged in production",
        "Action needed (the model is retrained)",
    ]
    runs = {}
    for name in ("normal", "shifted"):
        job_env = {**env, "PREDICTION_LOG": str(traffic["logs"] / name), "CI": "true"}
        workflow["env"]["PREDICTION_LOG"] = str(traffic["logs"] / name)  # the repository variable
        runs[name] = run_job(workflow, "monitor", project, job_env, tmp_path / name)
    normal, shifted = runs["normal"], runs["shifted"]
    assert normal.failed == [] and list(normal.results) == names[:2], normal.log()
    assert normal.skipped == [names[2]] and normal.outputs["monitor"] == {}
    assert "**No action needed.**" in normal.summary
    assert shifted.failed == [names[2]], shifted.log()  # red: action needed
    assert shifted.outputs["monitor"] == {"retrain": "true"}
    assert "feature drift in 'duration'" in shifted.summary

    # The second job starts train.yml when (and only when) the first said so; `gh` is GitHub's
    # command line, which cannot reach GitHub here: a stand-in records how it is called.
    retrain = workflow["jobs"]["retrain"]
    assert retrain["needs"] == "monitor" and retrain["permissions"] == {"actions": "write"}
    expression = retrain["if"].replace("needs.monitor.outputs.retrain", "steps.monitor.outputs.retrain")
    assert condition(expression.replace("always() && ", ""), False, shifted.outputs)
    assert not condition(expression.replace("always() && ", ""), False, normal.outputs)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text('#!/bin/sh\necho "$@" >> "$GH_CALLS"\n', encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    calls = tmp_path / "gh-calls.txt"
    job_env = {**env, "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}", "GH_CALLS": str(calls)}
    workflow["jobs"]["retrain"]["steps"][0]["env"] = {"GH_TOKEN": "t", "REPOSITORY": "o/r", "REF": "main"}
    started = run_job(workflow, "retrain", project, job_env, tmp_path / "retrain")
    assert started.failed == [], started.log()
    assert calls.read_text(encoding="utf-8") == "workflow run train.yml --repo o/r --ref main\n"
    assert "Continuous training (train.yml) started on main" in started.summary


@contextlib.contextmanager
def restored(project: Path, env: dict[str, str]) -> Iterator[None]:
    """Put the committed project back afterwards: files from git, the model from DVC's cache."""
    try:
        yield
    finally:
        run(["git", "checkout", "-q", "--", "."], project, env)
        run([python(env), "-m", "dvc", "checkout", "-q", "--force"], project, env)


def continuous_training(project: Path, env: dict[str, str], runner: Path, change: str | None = None) -> dict:
    """train.yml's `train` job; `change`, when given, is a shell step run before it retrains."""
    workflow = yaml.safe_load((project / ".github" / "workflows" / "train.yml").read_text(encoding="utf-8"))
    job_env = {**env, "CI": "true"}
    with restored(project, env):
        if change is not None:  # the candidate is trained by other code than production
            steps = workflow["jobs"]["train"]["steps"]
            at = next(i for i, step in enumerate(steps) if step.get("name") == "Pipeline")
            steps.insert(at, {"name": "A change to the training code", "run": change})
        job = run_job(workflow, "train", project, job_env, runner)
        report = project / "reports" / "mltest.md"
        return {"job": job, "report": report.read_text(encoding="utf-8") if report.exists() else ""}


@pytest.fixture(scope="module")
def ct_equal(project: Path, env: dict[str, str], monitored: dict, tmp_path_factory) -> dict:
    return continuous_training(project, env, tmp_path_factory.mktemp("ct-equal"))


# A bug that makes a deliberately worse model: the two classes swapped when the model is fitted.
SWAP_LABELS = f"""python - <<'EOF'
from pathlib import Path
path = Path("src/{PACKAGE}/train.py")
text = path.read_text()
fit = "build_model(features, params).fit(features, target)"
assert fit in text
swapped = "target.map(dict(zip(sorted(set(target)), sorted(set(target))[::-1])))"
path.write_text(text.replace(fit, fit.replace("target)", swapped + ")")))
EOF
"""


@pytest.fixture(scope="module")
def ct_worse(project: Path, env: dict[str, str], ct_equal: dict, tmp_path_factory) -> dict:
    return continuous_training(project, env, tmp_path_factory.mktemp("ct-worse"), SWAP_LABELS)


def test_continuous_training_lets_a_model_as_good_as_production_in(ct_equal: dict) -> None:
    job = ct_equal["job"]
    assert job.failed == [], job.log()
    gate = "Candidate against production, quality and fairness (block promotion when they fail)"
    assert list(job.results)[:4] == ["Install", "The model in production", "Pipeline", gate]
    assert "Why the model in production stays" in job.skipped
    assert "assert_no_regression" in ct_equal["report"]
    assert "No metric is worse than its limit allows." in job.summary or "No metric changed." in job.summary


def test_continuous_training_keeps_a_worse_model_out_and_says_why(ct_worse: dict) -> None:
    job = ct_worse["job"]
    gate = "Candidate against production, quality and fairness (block promotion when they fail)"
    assert gate in job.failed, job.log()
    assert "Why the model in production stays" in job.results  # ran on failure
    summary = job.summary
    assert "## Not promoted: the model in production stays" in summary
    why = summary.split("## Not promoted: the model in production stays")[1]
    assert "test_promotion.py::test_the_candidate_is_not_worse_than_the_model_in_production" in why
    assert "assert_no_regression failed: accuracy" in why, why
    assert "**worse**" in summary  # the metrics diff ran too, and blocked
