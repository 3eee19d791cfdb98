"""``mltest score [PATH] [--report JSON] [--min N] [-o FILE]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_parser", "run"]

DEFAULT_REPORT = Path("reports") / "mltest.json"


def _points(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0 to 7") from None
    if not 0 <= value <= 7:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0 to 7")
    return value


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``mltest score`` on the main parser."""
    parser = commands.add_parser(
        "score",
        help="the ML Test Score of a repository, from its files and a pytest run's JSON report",
        description="Score the repository at PATH against the 28 tests of the ML Test Score (Breck et al. 2017): "
        "1 point per automated test, 0.5 per manual or documented one. The score is the lowest section sum. "
        "Exit status 1 when it is below --min.",
    )
    parser.add_argument("path", nargs="?", default=".", metavar="PATH", help="the repository's root (default: .)")
    parser.add_argument(
        "--report",
        metavar="JSON",
        help=f"a pytest run's report (pytest --mltest-report=report.json; default: PATH/{DEFAULT_REPORT} if it exists)",
    )
    parser.add_argument("--min", type=_points, default=None, metavar="N", help="exit 1 when the score is below N")
    parser.add_argument("-o", "--output", metavar="FILE", help="also write the Markdown scorecard to FILE")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from mltest.score import load_results, render_scorecard, score_repository

    report = args.report
    if report is None and (Path(args.path) / DEFAULT_REPORT).is_file():
        report = str(Path(args.path) / DEFAULT_REPORT)
    results = load_results(Path(report)) if report is not None else None
    card = score_repository(args.path, results, report=report)
    text = render_scorecard(card)
    print(text, end="")
    if args.output:
        from mltest._io import write_text

        write_text(args.output, text)
    if args.min is not None and card.score < args.min:
        weakest = min(card.sections, key=card.sections.get)
        print(
            f"mltest score: {card.score:g} is below --min {args.min:g} (weakest section: {weakest}); "
            "each 0 above says what is missing",
            file=sys.stderr,
        )
        return 1
    return 0
