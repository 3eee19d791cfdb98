"""Run a GitHub Actions job's `run:` steps here, in order, as a runner would (no GitHub needed).

Each step runs with bash -eo pipefail (GitHub's default shell) in the project, with the
workflow's `env`, the step's `env` and the runner's files: $GITHUB_STEP_SUMMARY, $GITHUB_OUTPUT
(read back into `steps.<id>.outputs`) and $RUNNER_TEMP. A step's `if:` is evaluated for the
expressions the generated workflows use: success(), failure(), always(), `||`, `&&` and
`steps.<id>.outputs.<name> == 'value'`. `uses:` steps (GitHub's own actions: checkout,
setup-python, caches, artefacts) are skipped; ${{ ... }} values in `env` are empty here, but
for ${{ runner.temp }}.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class JobRun:
    """What a job's steps did: results by step name (in order), outputs by step id, the summary."""

    results: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    summary: str = ""

    @property
    def failed(self) -> list[str]:
        return [name for name, result in self.results.items() if result.returncode != 0]

    def log(self) -> str:
        return "\n".join(
            f"--- {n} ({r.returncode})\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}" for n, r in self.results.items()
        )


def _value(expression: str, env: dict[str, str]) -> str:
    if "runner.temp" in expression:
        return env["RUNNER_TEMP"]
    return ""


def expand(values: dict, env: dict[str, str]) -> dict[str, str]:
    """`env:` values as strings; ${{ ... }} expressions become what a runner here would have."""
    return {
        name: re.sub(r"\$\{\{(.*?)\}\}", lambda m: _value(m.group(1), env), str(value))
        for name, value in (values or {}).items()
    }


def condition(expression: str | None, failed: bool, outputs: dict[str, dict[str, str]]) -> bool:
    """Whether a step whose `if:` is `expression` runs (default: success())."""
    text = (expression or "success()").replace("${{", "").replace("}}", "").strip()

    def atom(part: str) -> bool:
        part = part.strip()
        if part in ("success()", "failure()", "always()"):
            return {"success()": not failed, "failure()": failed, "always()": True}[part]
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.(\w+)\s*==\s*'([^']*)'", part)
        if match:
            return outputs.get(match.group(1), {}).get(match.group(2), "") == match.group(3)
        raise ValueError(f"an `if:` this runner does not know: {part!r}")

    result = any(all(atom(p) for p in alternative.split("&&")) for alternative in text.split("||"))
    uses_status = re.search(r"success\(\)|failure\(\)|always\(\)", text)
    return result if uses_status else (result and not failed)


def run_job(workflow: dict, job: str, project: Path, env: dict[str, str], runner: Path) -> JobRun:
    """The `run:` steps of `job`, in order, honouring `if:`."""
    runner.mkdir(parents=True, exist_ok=True)
    summary, output = runner / "step-summary.md", runner / "output.txt"
    summary.write_text("", encoding="utf-8")
    base = {**env, "RUNNER_TEMP": str(runner), "GITHUB_STEP_SUMMARY": str(summary)}
    base |= expand(workflow.get("env", {}), base)
    run, failed = JobRun(), False
    for step in workflow["jobs"][job]["steps"]:
        if "run" not in step:
            continue
        if not condition(step.get("if"), failed, run.outputs):
            run.skipped.append(step["name"])
            continue
        output.write_text("", encoding="utf-8")
        step_env = {**base, **expand(step.get("env", {}), base), "GITHUB_OUTPUT": str(output)}
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=project,
            env=step_env,
            capture_output=True,
            text=True,
        )
        run.results[step["name"]] = result
        if "id" in step:
            lines = output.read_text(encoding="utf-8").splitlines()
            run.outputs[step["id"]] = dict(line.split("=", 1) for line in lines if "=" in line)
        failed = failed or result.returncode != 0
    run.summary = summary.read_text(encoding="utf-8")
    return run
