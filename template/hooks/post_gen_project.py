"""cookiecutter post-generation hook: remove tool caches, then the folders left empty.

A file whose name renders empty is skipped by both engines; cookiecutter still creates its
folder. Copier leaves such folders out with `_exclude` in copier.yml, and the same caches.
"""

import os
import shutil

CACHES = {"__pycache__", ".ruff_cache", ".pytest_cache", ".ipynb_checkpoints"}
FILES = {".DS_Store"}

for root, dirs, files in os.walk(".", topdown=False):
    for name in dirs:
        if name in CACHES:
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    for name in files:
        if name in FILES or name.endswith((".pyc", ".pyo")):
            os.remove(os.path.join(root, name))
    if root != "." and not os.listdir(root):
        os.rmdir(root)
