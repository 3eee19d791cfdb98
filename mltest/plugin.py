"""pytest glue for mltest: options, markers, seeding, settings and the report.

Only hooks live here. Imports stay light (no numpy, pandas, torch...), because pytest loads
this module in every run of every project where pytest-mltest is installed.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

from mltest import _settings, report
from mltest.errors import MltestError
from mltest.report import REPORT_ATTRIBUTE

MARKERS = {
    "schema": "data-schema checks (mltest): is this the data the model was trained on?",
    "fairness": "bias and fairness checks (mltest) across sensitive groups",
    "invariance": "behavioural checks (mltest): invariance, directional and minimum-functionality tests",
    "training": "training-sanity checks (mltest) for scikit-learn and PyTorch models",
}

_SEED = pytest.StashKey[int]()
_SAVED_SETTINGS = pytest.StashKey[dict]()
_CACHE_KEY = "mltest/seed"


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
        "--mltest-report",
        metavar="PATH",
        default=None,
        help="write every mltest check with its outcome and figures to PATH: "
        "Markdown (for a CI job summary), or JSON when PATH ends in .json",
    )
    for name, (default, help_text) in _settings.DEFAULTS.items():
        parser.addini(f"mltest_{name}", f"{help_text} (default: {default})", default=None)


def pytest_configure(config: pytest.Config) -> None:
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    config.stash[_SAVED_SETTINGS] = _settings.snapshot()
    try:
        _load_settings(config)
        seed = _resolve_seed(config)
    except MltestError as error:
        _settings.restore(config.stash[_SAVED_SETTINGS])
        raise pytest.UsageError(f"mltest: {error}") from None
    config.stash[_SEED] = seed
    _settings.update({"seed": seed}, source="--mltest-seed")  # checks that take a seed default to this run's
    config.pluginmanager.register(_Collector(config), "mltest-collector")
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
    if cache is not None and not hasattr(config, "workerinput"):
        cache.set(_CACHE_KEY, seed)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SAVED_SETTINGS in config.stash:
        _settings.restore(config.stash[_SAVED_SETTINGS])


def _load_settings(config: pytest.Config) -> None:
    pyproject = Path(config.rootpath) / "pyproject.toml"
    if pyproject.is_file():
        try:
            table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("mltest", {})
        except tomllib.TOMLDecodeError as error:
            raise MltestError(f"cannot read {pyproject}: {error}") from None
        _settings.update(table, source="[tool.mltest]")
    ini = {name: config.getini(f"mltest_{name}") for name in _settings.DEFAULTS}
    _settings.update({k: v for k, v in ini.items() if v not in (None, "")}, source="ini option mltest_")


def _resolve_seed(config: pytest.Config) -> int:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and "mltest_seed" in workerinput:
        return int(workerinput["mltest_seed"])  # xdist: every worker uses the controller's seed
    raw = config.getoption("mltest_seed")
    if raw is None:
        raw = _settings.get("seed")
    if raw == "last":
        cache = getattr(config, "cache", None)
        raw = cache.get(_CACHE_KEY, None) if cache is not None else None
        if raw is None:
            raise MltestError("--mltest-seed=last: no previous run recorded a seed; pass a number")
    if raw == "random":
        return random.randrange(2**32)
    try:
        seed = int(raw)
    except (TypeError, ValueError):
        raise MltestError(f"--mltest-seed={raw!r} is not valid: expected an integer, 'random' or 'last'") from None
    if not 0 <= seed < 2**32:
        raise MltestError(f"--mltest-seed={seed} is not valid: expected 0 <= seed < 2**32")
    return seed


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


def pytest_runtest_setup(item: pytest.Item) -> None:
    seed = item.config.stash[_SEED]
    random.seed(seed)
    # Seed only what the test has already imported: importing numpy or torch here would
    # make every pytest run pay for them.
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(seed)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)
    report.session_results.clear()


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
    if report.session_results:
        results = []
        for result in report.session_results:
            result.test = item.nodeid
            results.append(result.to_dict())
        report.session_results.clear()
        # Extra report attributes travel from xdist workers to the controller.
        setattr(test_report, REPORT_ATTRIBUTE, results)
    return test_report


class _Collector:
    """Collects the results of every test (on the xdist controller too) and reports them."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.results: list[dict[str, Any]] = []
        self.failed_tests: set[str] = set()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.results.extend(getattr(report, REPORT_ATTRIBUTE, ()))
        if report.failed:
            self.failed_tests.add(report.nodeid)

    def pytest_sessionfinish(self) -> None:
        path = self.config.getoption("mltest_report")
        if path is None or hasattr(self.config, "workerinput"):
            return
        seed = self.config.stash[_SEED]
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.endswith(".json"):
            text = report.render_json(self.results, seed=seed)
        else:  # charts, when matplotlib is installed, go next to the Markdown file
            text = report.render_markdown(self.results, seed=seed, path=target)
        target.write_text(text, encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        path = self.config.getoption("mltest_report")
        if not self.results and path is None:
            return
        terminalreporter.section("mltest")
        for family in report.FAMILIES:
            rows = [r for r in self.results if r["family"] == family]
            if rows:
                counts = {o: sum(r["outcome"] == o for r in rows) for o in ("passed", "failed", "inconclusive")}
                text = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
                terminalreporter.write_line(f"{family}: {len(rows)} checks, {text}")
        for r in self.results:
            # A failed check inside a test that passed was expected (pytest.raises): no news.
            if r["outcome"] == "inconclusive" or (r["outcome"] == "failed" and r["test"] in self.failed_tests):
                first_line = r["message"].splitlines()[0] if r["message"] else ""
                terminalreporter.write_line(f"{r['check']} {r['outcome']} in {r['test']}: {first_line}")
        if not self.results:
            terminalreporter.write_line("no mltest checks ran")
        if path is not None:
            terminalreporter.write_line(f"mltest report written to {path}")
