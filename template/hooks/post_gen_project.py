"""cookiecutter post-generation hook: remove the folders whose files were all skipped.

A file whose name renders empty is skipped by both engines; cookiecutter still creates its
folder. Copier leaves such folders out with `_exclude` in copier.yml.
"""

import os

for root, dirs, files in os.walk(".", topdown=False):
    if root != "." and not os.listdir(root):
        os.rmdir(root)
