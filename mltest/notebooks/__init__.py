"""Notebook to module conversion: ``mltest convert`` and the notebook sync hook.

``convert_notebook(path, to=..., out_dir=..., force=...)`` writes the module of a notebook;
``check(path, to=..., out_dir=...)`` tells whether that module is up to date, from the JSON and
two hashes only (no nbformat, no nbconvert). See docs/convert.md.
"""

from mltest.notebooks._convert import Conversion, convert_notebook
from mltest.notebooks._module import ConversionError
from mltest.notebooks._raw import NotebookError
from mltest.notebooks._sync import SyncStatus, check, module_path

__all__ = ["Conversion", "ConversionError", "NotebookError", "SyncStatus", "check", "convert_notebook", "module_path"]
