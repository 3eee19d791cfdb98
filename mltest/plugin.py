"""pytest glue for mltest: options, markers, seeding, recording and the report.

Only hooks live here: settings and the seed grammar are in :mod:`mltest._settings`, the
recorder in :mod:`mltest._recording`, rendering in :mod:`mltest._render`. Imports stay light
(no numpy, pandas, torch...), because pytest loads this module in every run of every project
where pytest-mltest is installed.

Where results go: a recording is open around each phase of each test (setup, call,
teardown), around each fixture of a wider scope than the function, and around each module's
collection. A result recorded by a test belongs to it; one recorded by a module- or
session-scoped fixture or at import time belongs to that fixture or module, and is reported
once even when several pytest-xdist workers ran it. The report lists results by test id, so a
parallel run's report is the same as a serial run's.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mltest import _recording, _render, _settings
from mltest.errors import MltestError
from mltest.report import FAMILIES, REPORT_ATTRIBUTE

MARKERS = {
    "schema": "data-schema checks (mltest): is this the data the model was trained on?",
    "fairness": "bias and fairness checks (mltest) across sensitive groups",
    "invariance": "behavioural checks (mltest): invariance, directional and minimum-functionality tests",
    "training": "training-sanity checks (mltest) for scikit-learn and PyTorch models",
    "monitoring": "monitoring checks (mltest): drift, training/serving skew, model age, estimated performance",
    "evaluation": "evaluation checks (mltest): weak slices, proxies, target leakage, calibration",
}
REPORT_SUFFIXES = (".md", ".markdown", ".json")

_SEED = pytest.StashKey[int]()
_SAVED_SETTINGS = pytest.StashKey[dict]()
_RESULTS = pytest.StashKey[dict]()  # on an item: {phase: [result dicts]}
_PENDING = pytest.StashKey[list]()  # on the config: import-time results not yet on a report
_CARD = pytest.StashKey[Any]()  # the model card's description, or None
_CACHE_KEY = "mltest/seed"
_WIDER_SCOPES = ("class", "module", "package", "session")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mltest", "ML tests (pytest-mltest)")
    group.addoption(
        "--mltest-seed",
        metavar="SEED",
        default=None,
        help="seed random, numpy and torch with SEED before each test; 'random' picks a new one, "
        "'last' reuses the previous run's (default: the 'seed' setting, 0)",
    )
    group.addoption(
        "--mltest-model-card",
        metavar="PATH",
        default=None,
        help="write a model card (Markdown with Hugging Face front matter) from this run's checks to PATH; "
        "describe the model under [tool.mltest.model_card]",
    )
    group.addoption(
        "--mltest-report",
        metavar="PATH",
        default=None,
        help="write every mltest check with its outcome and figures to PATH: "
        "Markdown (.md, for a CI job summary), or JSON (.json)",
    )
    for name, (default, help_text) in _settings.DEFAULTS.items():
        parser.addini(f"mltest_{name}", f"{help_text} (default: {default})", default=None)


def pytest_configure(config: pytest.Config) -> None:
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    config.stash[_SAVED_SETTINGS] = _settings.snapshot()
    try:
        _check_report_path(config.getoption("mltest_report"))
        card = _settings.load(config.rootpath, {name: config.getini(f"mltest_{name}") for name in _settings.DEFAULTS})
        config.stash[_CARD] = _card_config(config.getoption("mltest_model_card"), card, config.rootpath)
        seed = _resolve_seed(config)
    except MltestError as error:
        _settings.restore(config.stash[_SAVED_SETTINGS])
        raise pytest.UsageError(f"mltest: {error}") from None
    config.stash[_SEED] = seed
    config.stash[_PENDING] = []
    _settings.update({"seed": seed}, source="--mltest-seed")  # checks that take a seed default to this run's
    config.pluginmanager.register(_Collector(config), "mltest-collector")
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
    if cache is not None and not hasattr(config, "workerinput"):
        cache.set(_CACHE_KEY, seed)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SAVED_SETTINGS in config.stash:
        _settings.restore(config.stash[_SAVED_SETTINGS])


def _check_report_path(path: str | None) -> None:
    if path is not None and not path.lower().endswith(REPORT_SUFFIXES):
        raise MltestError(
            f"--mltest-report={path!r} is not valid: expected a path ending in "
            f"{', '.join(REPORT_SUFFIXES)} (Markdown or JSON)"
        )


def _card_config(path: str | None, raw: Any, root: Path) -> dict[str, str] | None:
    """The model card's description, checked at start-up (None without --mltest-model-card)."""
    if path is None:
        return None
    if not path.lower().endswith((".md", ".markdown")):
        raise MltestError(f"--mltest-model-card={path!r} is not valid: expected a path ending in .md")
    from mltest._model_card import read_card_config

    return read_card_config(raw if raw is not None else {}, root=Path(root))


def _resolve_seed(config: pytest.Config) -> int:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and "mltest_seed" in workerinput:
        return int(workerinput["mltest_seed"])  # xdist: every worker uses the controller's seed
    raw = config.getoption("mltest_seed")
    label = "--mltest-seed"
    if raw is None:
        raw, label = _settings.get("seed"), "seed setting"
    cache = getattr(config, "cache", None)
    seed = _settings.parse_seed(raw, label=label, last=lambda: cache.get(_CACHE_KEY, None) if cache else None)
    return random.randrange(2**32) if seed == "random" else int(seed)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    node.workerinput["mltest_seed"] = node.config.stash[_SEED]


def pytest_report_header(config: pytest.Config) -> str:
    seed = config.stash[_SEED]
    return f"mltest: seed {seed} (rerun with --mltest-seed={seed}, or --mltest-seed=last)"


@pytest.fixture
def mltest_seed(request: pytest.FixtureRequest) -> int:
    """The seed mltest used for this run (random, numpy and torch are seeded with it)."""
    return request.config.stash[_SEED]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    seed = item.config.stash[_SEED]
    random.seed(seed)
    # Seed only what the test has already imported: importing numpy or torch here would
    # make every pytest run pay for them.
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(seed)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)
    return (yield from _record_phase(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    return (yield from _record_phase(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    return (yield from _record_phase(item, "teardown"))


def _record_phase(item: pytest.Item, phase: str) -> Iterator[None]:
    """Keep what the checks of one phase of ``item`` record on the item's stash."""
    with _recording.recording() as recorded:
        try:
            return (yield)
        finally:
            done = item.stash.setdefault(_RESULTS, {})
            done[phase] = [r.to_dict() | {"test": r.test or item.nodeid} for r in recorded]


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fixture of a wider scope records for itself: it runs once, whichever test needs it first."""
    if fixturedef.scope not in _WIDER_SCOPES:
        return (yield)
    recorded = _recording.Recording()
    try:
        with _recording.recording() as recorded:
            return (yield)
    finally:
        outer = _recording.current()  # the phase of the test that needed the fixture first
        if outer is not None:
            owner = f"{request.node.nodeid or '<session>'} (fixture {fixturedef.argname})"
            for result in recorded:
                result.test = owner
                outer.add(result)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[Any]:
    """Checks run while a test module is imported belong to that module."""
    with _recording.recording() as recorded:
        collect_report = yield
    if recorded.results:
        owner = f"{collector.nodeid} (import)"
        collector.config.stash[_PENDING].extend(r.to_dict() | {"test": owner} for r in recorded)
    return collect_report


_PACKAGE = str(Path(__file__).resolve().parent)


def _hide_mltest_frames(excinfo: pytest.ExceptionInfo) -> None:
    """End the traceback of a failed check or a bad argument at the call in the user's code.

    The frames inside mltest that raised it (the check, ``conclude``) say nothing the message
    does not: drop the trailing run of them, as pytest does for its own helpers.
    """
    tb = excinfo.tb
    last_outside = None
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(_PACKAGE):
            last_outside = tb
        tb = tb.tb_next
    if last_outside is not None and last_outside.tb_next is not None:
        last_outside.tb_next = None
        excinfo.traceback = type(excinfo.traceback)(excinfo.tb)  # pytest's Traceback, rebuilt


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    excinfo = call.excinfo
    if excinfo is not None and excinfo.errisinstance(MltestError) and not item.config.getoption("fulltrace"):
        _hide_mltest_frames(excinfo)  # --fulltrace shows every frame
    test_report = yield
    results = item.stash.get(_RESULTS, {}).pop(call.when, [])
    pending = item.config.stash[_PENDING]
    if pending:  # import-time results ride on the next report
        results, pending[:] = [*pending, *results], []
    if results:
        # Extra report attributes travel from xdist workers to the controller.
        setattr(test_report, REPORT_ATTRIBUTE, results)
    return test_report


class _Collector:
    """Collects the results of every test (on the xdist controller too) and reports them."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.results: list[dict[str, Any]] = []
        self.shared: set[str] = set()  # results of fixtures and imports, which each xdist worker may send
        self.failed_tests: set[str] = set()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for result in getattr(report, REPORT_ATTRIBUTE, ()):
            if result["test"] != report.nodeid:
                key = json.dumps(result, sort_keys=True, default=str)
                if key in self.shared:
                    continue
                self.shared.add(key)
            if hasattr(report, "wasxfail") and result["outcome"] == "failed":
                result = result | {"xfail": True}
            self.results.append(result)
        if report.failed:
            self.failed_tests.add(report.nodeid)

    def ordered(self) -> list[dict[str, Any]]:
        """The results by test id (a stable sort: a test's own order is kept)."""
        return sorted(self.results, key=lambda r: r["test"])

    def pytest_sessionfinish(self) -> None:
        if hasattr(self.config, "workerinput"):
            return
        pending = self.config.stash[_PENDING]
        self.results.extend(pending)  # imported, but no test ran after
        pending.clear()
        self._write_model_card()
        path = self.config.getoption("mltest_report")
        if path is None:
            return
        seed = self.config.stash[_SEED]
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.lower().endswith(".json"):
            text = _render.render_json(self.ordered(), seed=seed)
        else:  # PNG charts, when matplotlib is installed, go next to the Markdown file
            text = _render.render_markdown(self.ordered(), seed=seed, path=target)
        target.write_text(text, encoding="utf-8")

    def _write_model_card(self) -> None:
        config = self.config.stash[_CARD]
        if config is None:
            return
        from mltest._model_card import render_model_card
        from mltest.score import render_scorecard, score_repository

        root, results = Path(self.config.rootpath), self.ordered()
        target = Path(self.config.getoption("mltest_model_card"))
        target = target if target.is_absolute() else Path(self.config.invocation_params.dir) / target
        config = {"name": root.name} | config
        scorecard = render_scorecard(score_repository(root, results), heading="##")
        text = render_model_card(
            results, config=config, path=target, root=root, seed=self.config.stash[_SEED], scorecard=scorecard
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        path = self.config.getoption("mltest_report")
        if not self.results and path is None and self.config.stash[_CARD] is None:
            return
        results = self.ordered()
        terminalreporter.section("mltest")
        families = [*FAMILIES, *sorted({r["family"] for r in results} - set(FAMILIES))]
        for family in families:
            rows = [r for r in results if r["family"] == family]
            if rows:
                counts = _render.count(rows)
                text = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
                terminalreporter.write_line(f"{family}: {len(rows)} checks, {text}")
        for r in results:
            # A failed check inside a test that passed was expected (pytest.raises): no news.
            if r["outcome"] == "inconclusive" or (r["outcome"] == "failed" and r["test"] in self.failed_tests):
                first_line = r["message"].splitlines()[0] if r["message"] else ""
                terminalreporter.write_line(f"{r['check']} {r['outcome']} in {r['test']}: {first_line}")
        if not self.results:
            terminalreporter.write_line("no mltest checks ran")
        if path is not None:
            terminalreporter.write_line(f"mltest report written to {path}")
        if self.config.getoption("mltest_model_card") is not None:
            terminalreporter.write_line(f"model card written to {self.config.getoption('mltest_model_card')}")
