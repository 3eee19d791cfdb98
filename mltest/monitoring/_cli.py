"""``mltest profile DATA -o FILE`` and ``mltest drift REFERENCE CURRENT [--report FILE]``.

DATA, REFERENCE and CURRENT are CSV, Parquet or JSON-lines files; REFERENCE and CURRENT may also
be profiles (``.json``) written by ``mltest profile``. ``mltest drift`` exits 0 when no column
drifted, 1 when drift is confirmed or the comparison is undecided (unless
``--allow-inconclusive``), and writes the result as Markdown for a CI job summary with
``--report``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "drift", "profile"]

_FORMATS = "a .csv, .parquet or .jsonl file"


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [name.strip() for name in text.split(",") if name.strip()]


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``mltest profile`` and ``mltest drift`` on the main parser."""
    p = commands.add_parser(
        "profile",
        help="summarise a data file as a profile (JSON) to check drift against",
        description="Summarise DATA (CSV, Parquet or JSON lines) as an mltest profile: per numeric column "
        "quantile bins with counts and sums, per categorical column its most frequent values. Profiles made "
        "--like one another merge and compare exactly.",
    )
    p.add_argument("data", metavar="DATA", help=_FORMATS)
    p.add_argument("-o", "--output", metavar="FILE", help="write the profile to FILE (default: standard output)")
    p.add_argument("--like", metavar="PROFILE", help="reuse the columns, bins and values of this profile")
    p.add_argument("--columns", metavar="A,B", help="the columns to profile (default: all but dates)")
    p.add_argument("--categorical", metavar="A,B", help="numeric columns to profile as categories")
    p.add_argument("--bins", type=int, default=100, metavar="N", help="quantile bins per numeric column (default: 100)")
    p.add_argument(
        "--max-categories", type=int, default=50, metavar="N", help="values counted one by one (default: 50)"
    )
    p.set_defaults(func=profile)
    d = commands.add_parser(
        "drift",
        help="check that CURRENT data has not drifted from REFERENCE",
        description="Compare CURRENT with REFERENCE column by column: a distance with confidence bounds against "
        "a threshold (see docs/monitoring.md). Exit status: 0 no drift, 1 drift, an undecided comparison "
        "(unless --allow-inconclusive) or an error.",
    )
    d.add_argument("reference", metavar="REFERENCE", help=f"{_FORMATS}, or a profile (.json)")
    d.add_argument("current", metavar="CURRENT", help=f"{_FORMATS}, or a profile made --like the reference")
    d.add_argument("--report", metavar="FILE", help="also write the result as Markdown (a CI job summary)")
    d.add_argument("--columns", metavar="A,B", help="the columns to compare (default: all of the reference)")
    d.add_argument("--threshold", type=float, metavar="X", help="the largest acceptable distance, for every column")
    d.add_argument("--max-drifted-share", type=float, metavar="S", help="share of columns allowed to drift")
    d.add_argument("--allow-inconclusive", action="store_true", help="exit 0 when the data cannot decide")
    d.set_defaults(func=drift)


def read(path: str, name: str, *, profiles: bool) -> Any:
    """A data file as a pandas DataFrame, or (with ``profiles``) a ``.json`` file as a Profile."""
    from mltest.errors import InvalidArgument

    suffix = Path(path).suffix.lower()
    if profiles and suffix == ".json":
        from mltest.monitoring._format import read_file

        return read_file(path, name=name)
    if suffix in (".jsonl", ".ndjson"):
        import pandas as pd

        if not Path(path).is_file():
            raise InvalidArgument(f"{name} file '{path}' does not exist")
        try:
            return pd.read_json(path, lines=True)
        except ValueError as error:
            raise InvalidArgument(f"{name} file '{path}' cannot be read as JSON lines: {error}") from None
    if suffix not in (".csv", ".parquet", ".pq"):
        raise InvalidArgument(f"{name} file '{path}' has an unsupported suffix {suffix!r}: expected {_FORMATS}")
    from mltest.schema import DataFileError, read_data

    try:
        return read_data(path)
    except DataFileError as error:  # it says "data file": name the argument the file was given as
        text = str(error)
        raise InvalidArgument(
            f"{name} file{text[len('data file') :]}" if text.startswith("data file") else text
        ) from None


def profile(args: argparse.Namespace) -> int:
    from mltest.monitoring._summarise import profile as make

    data = read(args.data, "DATA", profiles=False)
    like = None if args.like is None else read(args.like, "--like", profiles=True)
    result = make(
        data,
        columns=_names(args.columns),
        categorical=_names(args.categorical),
        bins=args.bins,
        max_categories=args.max_categories,
        like=like,
    )
    if args.output is None:
        import json

        sys.stdout.write(json.dumps(result.to_dict(), allow_nan=False) + "\n")
    else:
        result.save(args.output)
        print(
            f"wrote {args.output}: {len(result.columns)} columns of {result.rows:,} rows of {args.data}",
            file=sys.stderr,
        )
    return 0


def drift(args: argparse.Namespace) -> int:
    from mltest.errors import CheckFailed
    from mltest.monitoring._drift import assert_no_drift
    from mltest.report import recording, render_markdown

    reference = read(args.reference, "REFERENCE", profiles=True)
    current = read(args.current, "CURRENT", profiles=True)
    with recording():  # this command reports its one result itself
        try:
            result = assert_no_drift(
                reference,
                current,
                columns=_names(args.columns),
                threshold=args.threshold,
                max_drifted_share=args.max_drifted_share,
            )
        except CheckFailed as failure:
            result = failure.result
    print(result.message)
    if args.report is not None:
        from mltest._io import write_text

        result.test = f"mltest drift {args.reference} {args.current}"
        write_text(args.report, render_markdown([result.to_dict()], path=args.report))
        print(f"wrote {args.report}", file=sys.stderr)
    if result.outcome == "inconclusive" and args.allow_inconclusive:
        return 0
    return 0 if result.outcome == "passed" else 1
