"""IPython syntax becomes plain Python: a table of cells and what they turn into."""

from __future__ import annotations

import ast

import pytest

from mltest.notebooks._ipython import transform_cell
from mltest.notebooks._module import build_module
from mltest.notebooks._select import Cell, Selection

CASES = [
    # (cell source, converted text, notes)
    ("x = 1\ny = x % 2", "x = 1\ny = x % 2", []),
    ("%matplotlib inline\nimport numpy as np", "import numpy as np\n", []),
    ("%load_ext autoreload\n%autoreload 2", "", []),
    ("!pip install -q pandas\n%pip install numpy\n!ls data", "", []),
    ("!wget https://x.org/a.csv", 'subprocess.run("wget https://x.org/a.csv", shell=True, check=True)\n', []),
    ("!curl {url} -o $name.csv", 'subprocess.run(f"curl {url} -o {name}.csv", shell=True, check=True)\n', []),
    ("!echo $HOME && make $$target", "", []),
    ("!make $$target", 'subprocess.run("make $target", shell=True, check=True)\n', []),
    ("!make -C $HOME all", 'subprocess.run("make -C $HOME all", shell=True, check=True)\n', []),
    (
        "files = !ls *.csv",
        'files = subprocess.run(\n    "ls *.csv", shell=True, check=True, capture_output=True, text=True\n)'
        ".stdout.splitlines()\n",
        [],
    ),
    ("%time model.fit(X, y)", "model.fit(X, y)\n", []),
    ("%timeit model.predict(X)", "", []),
    ("%%timeit\nresult = slow()", "", []),
    ("%%time\nmodel = fit()\nscore = model.score()", "model = fit()\nscore = model.score()\n", []),
    ("%%capture\n!pip install x\nimport x", "import x\n", []),
    ("%%bash\nls -la", "", ["%%bash cell not converted: it is not Python"]),
    ("%%writefile util.py\ndef f(): pass", "", ["%%writefile cell not converted: the module does not write util.py"]),
    ("%env SEED=3", 'os.environ["SEED"] = "3"\n', []),
    ("%cd ..", "", ["%cd .. dropped: the module does not change directory: use paths relative to the project"]),
    (
        "%run prepare.py",
        "",
        ["%run prepare.py dropped: it runs another script: import what the module needs from it instead"],
    ),
    ("out = %who_ls", "", ["out = %who_ls dropped: 'out' is not defined"]),
    ("df.merge?\n?pd.read_csv\nnp.mean??", "", []),
    (
        "for i in range(3):\n    !touch f{i}\n    %matplotlib inline",
        'for i in range(3):\n    subprocess.run(f"touch f{i}", shell=True, check=True)\n    pass\n',
        [],
    ),
    ('text = """\n%not magic\n!not shell\n"""\n%matplotlib inline', 'text = """\n%not magic\n!not shell\n"""\n', []),
    ("values = (1,\n  2)\n%matplotlib inline", "values = (1,\n  2)\n", []),
    (
        "!python train.py \\\n    --epochs 3",
        'subprocess.run("python train.py --epochs 3", shell=True, check=True)\n',
        [],
    ),
    ("print('it is %d' % 3)\n!!date", "print('it is %d' % 3)\n", []),
]


@pytest.mark.parametrize(("source", "expected", "notes"), CASES)
def test_transform_cell(source: str, expected: str, notes: list[str]) -> None:
    transformed = transform_cell(source)
    assert transformed.text == expected
    assert transformed.notes == notes
    ast.parse(transformed.text)
    assert len(transformed.origin) == len(transformed.text.splitlines())


def test_origin_points_at_the_cell_line() -> None:
    transformed = transform_cell("%matplotlib inline\n%load_ext x\nimport os\n!pip install y\nos.getcwd()")
    assert transformed.text == "import os\nos.getcwd()\n"
    assert transformed.origin == [3, 5]


def _module(*sources: str, kinds: tuple[str, ...] = ()) -> str:
    cells = [Cell(i + 1, kinds[i] if i < len(kinds) else "code", source) for i, source in enumerate(sources)]
    return build_module(Selection(language="python", cells=cells)).body


def test_display_only_statements_are_dropped_and_side_effects_kept() -> None:
    body = _module(
        "import pandas as pd\ndf = pd.DataFrame({'a': [1]})\ndf.head()",
        "df.shape\ndf",
        "model.fit(df)",
        "display(df)\nplt.show()\ndf.describe()",
        "get_ipython().system('ls')",
    )
    assert "df.head()" not in body and "df.shape" not in body and "display(" not in body
    assert "plt.show()" not in body and "describe" not in body and "get_ipython" not in body
    assert "    model.fit(df)\n" in body


def test_imports_are_hoisted_deduplicated_and_sorted() -> None:
    body = _module(
        "import pandas as pd\nimport os",
        "import numpy as np\nimport pandas as pd\nfrom sklearn.metrics import f1_score",
        "from sklearn.metrics import accuracy_score\nfrom IPython.display import display\nimport sys",
        "from __future__ import annotations",
    )
    assert body.startswith(
        "from __future__ import annotations\n\nimport os\nimport sys\n\nimport numpy as np\nimport pandas as pd\n"
        "from sklearn.metrics import accuracy_score, f1_score\n"
    )
    assert "IPython" not in body


def test_functions_see_script_globals_through_a_global_statement() -> None:
    body = _module("n = 3\ndata = list(range(n))", "def total():\n    return sum(data)", "print(total())")
    assert "def main() -> None:\n    global data\n\n    n = 3\n" in body
    namespace: dict = {}
    exec(compile(body, "<module>", "exec"), namespace)
    namespace["main"]()
    assert namespace["data"] == [0, 1, 2]


def test_parameters_become_module_constants_and_all_lists_public_names() -> None:
    body = _module(
        "alpha = 0.5\n_private = 1",
        "LABELS = ['good', 'bad']\nSCALE = alpha * 2\nrows = load()",
        "class Model:\n    pass\n\ndef fit():\n    return Model()",
        kinds=("parameters",),
    )
    assert '__all__ = ["LABELS", "SCALE", "Model", "alpha", "fit"]' in body
    assert "\nalpha = 0.5\n_private = 1\n\nLABELS = ['good', 'bad']\nSCALE = alpha * 2\n" in body
    assert "def main() -> None:\n    rows = load()\n" in body


def test_comments_and_multiline_strings_survive_indentation() -> None:
    body = _module('# load the data\nsql = """\nselect *\n  from t\n"""\nrun(sql)  # go')
    assert '    # load the data\n    sql = """\nselect *\n  from t\n"""\n    run(sql)  # go\n' in body


def test_a_notebook_main_function_is_not_overwritten() -> None:
    body = _module("def main():\n    return 1", "print(main())")
    assert "def main():\n    return 1" in body
    assert (
        'def run_notebook() -> None:\n    print(main())\n\n\nif __name__ == "__main__":\n    run_notebook()\n' in body
    )


def test_tab_indented_cells_still_compile() -> None:
    body = _module("for i in range(2):\n\tif i:\n\t\tprint(i)")
    assert "    for i in range(2):\n            if i:\n                    print(i)\n" in body
    compile(body, "<module>", "exec")


def test_star_imports_disable_the_undefined_name_warnings() -> None:
    cells = [Cell(1, "code", "from numpy import *\nx = array([1])")]
    module = build_module(Selection(language="python", cells=cells))
    assert module.warnings == ["a star import hides which names are defined: undefined names were not checked"]


def test_statements_sharing_a_line_keep_the_comments_above_them() -> None:
    body = _module("import os; x = 1; print(x)\n# the answer\ny = 42; df.head()")
    assert "    x = 1\n    print(x)\n    # the answer\n    y = 42\n" in body
    assert "df.head" not in body
