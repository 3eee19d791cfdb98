"""``mltest schema ...`` (placeholder until the schema family lands)."""

from __future__ import annotations

import argparse


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``mltest schema`` on the main parser."""
