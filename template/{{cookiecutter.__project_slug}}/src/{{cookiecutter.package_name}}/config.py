"""The pipeline's parameters, read from params.yaml (the file DVC tracks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PARAMS_FILE = Path("params.yaml")


def load_params(path: Path | str = PARAMS_FILE) -> dict[str, Any]:
    """Read params.yaml into a dict."""
    with open(path, encoding="utf-8") as file:
        return yaml.safe_load(file)
