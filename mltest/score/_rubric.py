"""The 28 tests of the ML Test Score (Breck et al., 2017) and the evidence each one accepts.

Every test is worth 1 point when it is automated (a check that a CI-run test suite ran and
passed, or a mechanism that runs by itself: a hook, a pipeline stage, a scheduled job), half a
point when it is manual or documented (the check exists but nothing runs it, or the docs say how
it is done by hand), and 0 when nothing shows it. ``docs/score.md`` is this table in prose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from mltest.score._repository import Repository

__all__ = ["RUBRIC", "SECTIONS", "Item"]

SECTIONS = ("Data", "Model", "Infrastructure", "Monitoring")

Finder = Callable[["Repository"], "str | None"]


@dataclass(frozen=True)
class Item:
    """One test of the rubric.

    ``checks``: mltest checks whose passing run is the automated evidence. ``automated``: a
    repository fact that runs by itself (returns where it was found). ``documented``: a fact that
    earns half a point. ``missing``: what to add when neither is there.
    """

    id: str
    title: str
    missing: str
    checks: tuple[str, ...] = ()
    automated: Finder | None = None
    automated_what: str = ""
    documented: Finder | None = None
    documented_what: str = ""

    @property
    def section(self) -> str:
        return {"data": "Data", "model": "Model", "infra": "Infrastructure", "monitor": "Monitoring"}[
            self.id.split("-")[0]
        ]


def _hook(*ids: str) -> Finder:
    def find(repo: Repository) -> str | None:
        hooks = repo.precommit_hooks & set(ids)
        ran = repo.ci_runs(r"pre-commit run|\bmake lint\b") or repo.search(
            ("Makefile", "README*"), r"pre.commit install"
        )
        return f".pre-commit-config.yaml ({', '.join(sorted(hooks))}, run by {ran})" if hooks and ran else None

    return find


def _stage_reads(regex: str) -> Finder:
    def find(repo: Repository) -> str | None:
        import re

        for name, stage in repo.dvc_stages.items():
            if isinstance(stage, dict) and re.search(regex, str(stage.get("deps", "")) + str(stage.get("cmd", ""))):
                ran = repo.ci_runs(r"\bdvc (repro|exp run)\b|\bmake repro\b")
                if ran:
                    return f"dvc.yaml stage {name!r}, run by {ran}"
        return None

    return find


RUBRIC: tuple[Item, ...] = (
    # -- Data ------------------------------------------------------------------------------------
    Item("data-1", "Feature expectations are captured in a schema",
         "a data schema checked by a test: mltest.assert_schema(data, 'schema.yaml')",
         checks=("assert_schema",),
         documented=lambda r: r.search(("**/*schema*.yaml", "**/*schema*.yml", "**/*schema*.json"), r"columns"),
         documented_what="a schema file"),
    Item("data-2", "All features are beneficial",
         "a test that each feature adds to the model (ablation or permutation importance on held-out data)",
         documented=lambda r: r.docs_mention(r"feature (importance|ablation)|permutation importance"),
         documented_what="feature importance documented"),
    Item("data-3", "No feature's cost is too much",
         "a written cost of each feature (latency, memory, upstream dependencies), or a list of the features kept",
         documented=lambda r: r.search(("params.yaml", "**/*.toml"), r"^\s*(drop|features)\s*[:=]"),
         documented_what="the features used are chosen in configuration"),
    Item("data-4", "Features adhere to meta-level requirements",
         "sensitive attributes named and checked for proxies: mltest.assert_no_proxies",
         checks=("assert_no_proxies",),
         documented=lambda r: r.search(("params.yaml", "**/*.toml"), r"sensitive"),
         documented_what="sensitive attributes declared"),
    Item("data-5", "The data pipeline has appropriate privacy controls",
         "data kept out of git (the mltest-data-guard hook, run in CI) and out of images (.dockerignore)",
         automated=_hook("mltest-data-guard"), automated_what="data guard hook",
         documented=lambda r: r.search((".dockerignore", ".gitignore"), r"^/?data"),
         documented_what="data excluded by ignore files"),
    Item("data-6", "New features can be added quickly",
         "a pipeline (dvc.yaml) whose feature stage CI runs, so a new feature is one change and `dvc repro`",
         automated=_stage_reads(r"feature"), automated_what="a pipeline stage for features",
         documented=lambda r: "dvc.yaml" if r.dvc_stages else None, documented_what="a DVC pipeline"),
    Item("data-7", "All input feature code is tested",
         "tests of the feature code, and a skew test of the serving path: mltest.assert_no_skew",
         checks=("assert_no_skew",),
         documented=lambda r: r.tests_mention(r"\bfeatures\b"), documented_what="tests import the feature code"),
    # -- Model -----------------------------------------------------------------------------------
    Item("model-1", "Model specs are reviewed and submitted",
         "the model's code and parameters in git, with CI on every pull or merge request",
         automated=lambda r: r.ci_on_review, automated_what="CI on pull/merge requests",
         documented=lambda r: r.files("params.yaml") and "params.yaml", documented_what="parameters in a file"),
    Item("model-2", "Offline and online metrics correlate",
         "the label-free estimate compared with realised performance: mltest.assert_estimated_performance",
         checks=("assert_estimated_performance",),
         documented=lambda r: r.docs_mention(r"online metric|estimated performance|CBPE"),
         documented_what="online metrics documented"),
    Item("model-3", "All hyperparameters have been tuned",
         "a search over the hyperparameters (dvc exp run with a queue, or a tuning stage)",
         automated=_stage_reads(r"tun|search|sweep"), automated_what="a tuning stage",
         documented=lambda r: r.docs_mention(r"dvc exp run|hyperparameter (search|tuning)"),
         documented_what="how to tune documented"),
    Item("model-4", "The impact of model staleness is known",
         "a test of the model's age: mltest.assert_model_fresh",
         checks=("assert_model_fresh",),
         documented=lambda r: r.docs_mention(r"retrain|stale"), documented_what="retraining documented"),
    Item("model-5", "A simpler model is not better",
         "a test that the model beats a simple baseline: mltest.training.assert_learns",
         checks=("assert_learns",),
         documented=lambda r: r.docs_mention(r"baseline"), documented_what="a baseline documented"),
    Item("model-6", "Model quality is sufficient on all important data slices",
         "a test of quality by slice: mltest.assert_no_weak_slices or mltest.assert_group_metric",
         checks=("assert_no_weak_slices", "assert_group_metric"),
         documented=lambda r: r.docs_mention(r"slice"), documented_what="slices documented"),
    Item("model-7", "The model has been tested for considerations of inclusion",
         "fairness tests: mltest.assert_demographic_parity, assert_equalized_odds or assert_equal_opportunity",
         checks=("assert_demographic_parity", "assert_equalized_odds", "assert_equal_opportunity"),
         documented=lambda r: r.docs_mention(r"fairness"), documented_what="fairness documented"),
    # -- Infrastructure ----------------------------------------------------------------------------
    Item("infra-1", "Training is reproducible",
         "a test that training twice gives the same model: mltest.training.assert_deterministic",
         checks=("assert_deterministic",),
         documented=lambda r: r.files("dvc.lock") and "dvc.lock", documented_what="pipeline lock file"),
    Item("infra-2", "Model specification code is unit tested",
         "training-sanity tests: assert_can_overfit, assert_valid_predictions (or the PyTorch checks)",
         checks=("assert_can_overfit", "assert_valid_predictions", "assert_params_update", "assert_overfits_batch"),
         documented=lambda r: r.tests_mention(r"\btrain"), documented_what="tests of the training code"),
    Item("infra-3", "The full ML pipeline is integration tested",
         "CI that runs the whole pipeline (dvc repro) on example data",
         automated=lambda r: r.ci_runs(r"\bdvc (repro|exp run)\b|\bmake repro\b"),
         automated_what="CI runs the pipeline",
         documented=lambda r: "dvc.yaml" if r.dvc_stages else None, documented_what="a pipeline definition"),
    Item("infra-4", "Model quality is validated before attempting to serve it",
         "a gate that promotes a model only when it is not worse: mltest.assert_no_regression",
         checks=("assert_no_regression",),
         automated=lambda r: r.ci_runs(r"assert_no_regression|check_metrics|mltest gate|dvc metrics diff"),
         automated_what="CI gate on metrics",
         documented=lambda r: r.docs_mention(r"promot"), documented_what="promotion documented"),
    Item("infra-5", "The model allows debugging by observing the step-by-step computation",
         "behavioural tests on single inputs: mltest.assert_cases / assert_invariant",
         checks=("assert_cases", "assert_invariant", "assert_directional"),
         documented=lambda r: r.code_mentions(r"def predict"), documented_what="a predict entry point"),
    Item("infra-6", "Models are canaried before serving",
         "the built image started and probed (/health) before it is pushed or routed to",
         automated=lambda r: r.ci_runs(r"curl[^\n]*/health|health[- ]?check|smoke"),
         automated_what="CI probes the image",
         documented=lambda r: r.search(("Dockerfile", "**/Dockerfile"), r"HEALTHCHECK"), documented_what="HEALTHCHECK"),
    Item("infra-7", "Serving models can be rolled back",
         "versioned models and images (tags), and written steps to roll back",
         automated=lambda r: r.ci_runs(r"tags:\s*\[?\s*\n?\s*-?\s*['\"]?v|refs/tags|\$CI_COMMIT_TAG"),
         automated_what="images built per tag",
         documented=lambda r: r.docs_mention(r"roll ?back"), documented_what="rollback documented"),
    # -- Monitoring --------------------------------------------------------------------------------
    Item("monitor-1", "Dependency changes result in notification",
         "Dependabot or Renovate configuration",
         automated=lambda r: r.dependency_updates, automated_what="dependency update bot",
         documented=lambda r: r.files("uv.lock", "requirements*.txt", "poetry.lock") and "a lock file",
         documented_what="pinned dependencies"),
    Item("monitor-2", "Data invariants hold in training and serving inputs",
         "drift checks of serving inputs against the training profile: mltest.assert_no_drift, on a schedule",
         checks=("assert_no_drift",),
         automated=lambda r: r.scheduled_ci_runs(r"\bmonitor\b|mltest drift"), automated_what="a scheduled drift job",
         documented=lambda r: r.code_mentions(r"schema"), documented_what="serving validates inputs"),
    Item("monitor-3", "Training and serving features compute the same values",
         "a skew test on fixed rows: mltest.assert_no_skew",
         checks=("assert_no_skew",),
         documented=lambda r: r.docs_mention(r"skew"), documented_what="skew documented"),
    Item("monitor-4", "Models are not too stale",
         "the model's age checked in CI and by the scheduled job: mltest.assert_model_fresh",
         checks=("assert_model_fresh",),
         automated=lambda r: r.scheduled_ci_runs(r"\bmonitor\b|max.age"), automated_what="a scheduled age check",
         documented=lambda r: r.docs_mention(r"model age|stale"), documented_what="model age documented"),
    Item("monitor-5", "The model is numerically stable",
         "tests for NaN and infinite outputs: assert_valid_predictions or assert_finite",
         checks=("assert_valid_predictions", "assert_finite"),
         documented=lambda r: r.tests_mention(r"isnan|isfinite"), documented_what="tests look for NaN"),
    Item("monitor-6", "The model has not experienced a regression in prediction speed or serving load",
         "serving latency measured and exported (/metrics) and a latency budget checked",
         automated=lambda r: r.ci_runs(r"benchmark|latency"), automated_what="CI measures latency",
         documented=lambda r: r.code_mentions(r"prometheus|latency"), documented_what="latency exported"),
    Item("monitor-7", "The model has not experienced a regression in prediction quality",
         "quality compared with the previous model on the same rows: mltest.assert_no_regression",
         checks=("assert_no_regression", "assert_estimated_performance"),
         automated=lambda r: r.scheduled_ci_runs(r"estimate|assert_estimated_performance"),
         automated_what="scheduled performance estimate",
         documented=lambda r: r.docs_mention(r"dvc metrics diff|regress"), documented_what="metrics diff documented"),
)  # fmt: skip
