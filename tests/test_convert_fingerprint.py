"""A hand edit to a converted module is never lost; ruff's fixes and formatting are not hand edits.

The sync hash covers the imports (swapping one is an edit), and stays the same through
``ruff check --fix`` with the rules the project template selects and ``ruff format``, at module
level and inside ``main()``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from mltest.cli import main
from mltest.notebooks import _fingerprint

NOTEBOOK = ROOT / "tests" / "notebooks" / "credit_risk_tutorial.ipynb"
RUFF = [sys.executable, "-m", "ruff"]
TEMPLATE_RULES = ["--select", "E,F,W,I,B,UP,SIM", "--target-version", "py311", "--line-length", "100"]

# Code that ruff's safe fixes rewrite, in a function (module level) and in script cells (main()).
LINT_BAIT = [
    "import os, sys\nimport json\nfrom collections import OrderedDict, Counter\nimport numpy.random as rnd\n",
    "class Box(object):\n    def __init__(self):\n        super(Box, self).__init__()\n\n"
    "def describe(name, count):\n    '''Say it.   \n\n       Twice.\n    '''\n"
    "    return 'name={} count={:>4d}'.format(name, count)\n",
    "settings = {'a': 1}\nif not 'b' in settings.keys():\n    print(u'missing {}'.format('b'))\n"
    "try:\n    import zlib, bz2\n    text = open(os.path.join('x'), 'r')\nexcept IOError as error:\n"
    "    print(f'no file')\nif 1 == len(settings):\n    value = getattr(json, 'dumps')\n"
    "print(describe('x', 2), str('y'), Counter(), sys.argv)\n",
]


def _notebook(path: Path, cells: list[str]) -> None:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells],
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")


def _check(module: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["convert", "--check", str(module.with_suffix(".ipynb")), "--to", str(module)])
    out = capsys.readouterr().out
    return "ok" if code == 0 else out


@pytest.fixture
def converted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    _notebook(tmp_path / "bait.ipynb", LINT_BAIT)
    assert main(["convert", "-q", str(tmp_path / "bait.ipynb"), "--to", str(tmp_path / "bait.py")]) == 0
    capsys.readouterr()
    return tmp_path / "bait.py"


def test_ruff_fix_and_format_with_the_template_rules_are_not_a_hand_edit(
    converted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = converted.read_text()
    subprocess.run([*RUFF, "check", "--isolated", "--fix", *TEMPLATE_RULES, str(converted)], capture_output=True)
    subprocess.run([*RUFF, "format", "--isolated", "--line-length", "100", str(converted)], check=True)
    after = converted.read_text()
    for fixed in ("import numpy.random", "(object)", "super(Box, self)", "}'.format(", "not 'b' in", ".keys()"):
        assert fixed in before and fixed not in after, fixed
    for fixed in (", 'r')", "IOError", "f'no file'", "1 == len", "getattr(", "str('y')", "u'missing", "import zlib"):
        assert fixed in before.replace('"', "'") and fixed not in after.replace('"', "'"), fixed
    assert _check(converted, capsys) == "ok"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("from collections import Counter, OrderedDict", "from collections import OrderedDict\nfrom my import Counter"),
        ("import json\n", "import json\nimport warnings\n"),  # unused, but an edit all the same
        ("import os\n", "import os.path as os\n"),
        ("import zlib, bz2", "import zlib, lzma as bz2"),  # inside main()
        ("        print(f'no file')", "        print(f'no file!')"),
        ("    '''Say it.", "    '''Say it again."),
        ("    settings = {'a': 1}", "    settings = {'a': 2}"),
    ],
)
def test_a_hand_edit_to_imports_code_or_comments_is_an_edit(
    converted: Path, capsys: pytest.CaptureFixture[str], old: str, new: str
) -> None:
    text = converted.read_text().replace('"', "'")
    converted.write_text(text)
    assert _check(converted, capsys) == "ok"  # quotes are not an edit
    assert old in text, text
    converted.write_text(text.replace(old, new, 1))
    assert "was edited by hand after conversion" in _check(converted, capsys)


def test_pruning_only_some_unused_imports_by_hand_is_an_edit(
    converted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = converted.read_text()
    assert "import numpy.random as rnd\n" in text and "import zlib, bz2\n" in text
    converted.write_text(text.replace("import numpy.random as rnd\n", ""))
    assert "edited by hand" in _check(converted, capsys)  # zlib is still there: not what ruff leaves


def test_the_fingerprint_is_the_same_under_every_python_version() -> None:
    """Pinned: no ast.dump in the hash (Python 3.13 dumps trees differently), so make test-compat checks it."""
    body = (
        '"""Doc."""\n\nimport os\nimport sys\n\n\ndef f(x: int = 1, *args, **kwargs) -> str:\n'
        '    return f"{x!r:>4}" + os.sep\n\n\nclass A:\n    pass\n\n\ndef main() -> None:\n    global y\n'
        '    y = [i for i in range(3) if i]  # comment\n    with open("x") as h, open("y"):\n        pass\n'
        "    match y:\n        case [1, *rest]:\n            pass\n"
    )
    assert _fingerprint.fingerprint(body) == ("e3bba988931bb8c3", "6adac373727dac28")


def test_a_swapped_import_in_the_tutorial_is_caught_and_not_overwritten_by_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's case: swap the model's import, change the notebook, run the hook with --fix."""
    from mltest.hooks import notebook_sync

    monkeypatch.chdir(tmp_path)
    Path("train.ipynb").write_text(NOTEBOOK.read_text())
    assert main(["convert", "-q", "train.ipynb"]) == 0
    module = Path("train.py")
    text = module.read_text()
    line = next(line for line in text.splitlines() if line.startswith("from sklearn.ensemble import"))
    edited = text.replace(line, "from mymodels import RandomForestClassifier")
    module.write_text(edited)
    Path("train.ipynb").write_text(NOTEBOOK.read_text().replace("RANDOM_STATE = 42", "RANDOM_STATE = 7"))
    capsys.readouterr()
    assert notebook_sync.main(["--fix", "train.ipynb"]) == 1
    assert "train.py was edited by hand after conversion" in capsys.readouterr().out
    assert module.read_text() == edited
