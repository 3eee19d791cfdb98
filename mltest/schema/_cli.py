"""``mltest schema infer DATA [-o FILE]`` and ``mltest schema check DATA SCHEMA``.

``infer`` writes a pandera schema inferred from a CSV or Parquet file; ``check`` validates such
a file against a schema file and exits 1, listing every failure, when it does not match.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "check", "infer"]


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``mltest schema`` on the main parser."""
    schema = commands.add_parser("schema", help="data schemas (pandera): infer one from data, check data against one")
    actions = schema.add_subparsers(dest="action", metavar="ACTION", required=True)
    infer_parser = actions.add_parser(
        "infer",
        help="infer a pandera schema from a CSV or Parquet file",
        description="Infer a pandera schema from DATA (CSV or Parquet) that the data passes and obvious "
        "corruption fails: exact dtypes, nullable only where values are missing, isin for text columns "
        "with few values, in_range for numbers. Edit the file to tighten or loosen it.",
    )
    infer_parser.add_argument("data", metavar="DATA", help="a .csv or .parquet file")
    infer_parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the schema to FILE (JSON if it ends in .json, else YAML)"
    )
    infer_parser.add_argument(
        "--max-categories",
        type=int,
        default=20,
        metavar="N",
        help="text columns with at most N distinct values get an isin check (default: 20)",
    )
    infer_parser.add_argument(
        "--range-margin",
        type=float,
        default=0.1,
        metavar="M",
        help="widen each numeric range by M times its width on each side (default: 0.1; 0 for the seen range)",
    )
    infer_parser.add_argument(
        "--target",
        metavar="COLUMN",
        help="the label column: text labels get isin their classes whatever --max-categories says, numbers their range",
    )
    infer_parser.set_defaults(func=infer)
    check_parser = actions.add_parser(
        "check",
        help="check a CSV or Parquet file against a schema file",
        description="Check DATA (CSV or Parquet) against SCHEMA (a pandera YAML or JSON file) and list every "
        "failing column and check. Exit status: 0 if the data matches, 1 if not or on an error.",
    )
    check_parser.add_argument("data", metavar="DATA", help="a .csv or .parquet file")
    check_parser.add_argument("schema", metavar="SCHEMA", help="a pandera schema file (.yaml, .yml or .json)")
    check_parser.set_defaults(func=check)


def infer(args: argparse.Namespace) -> int:
    from mltest.schema import dump_schema, infer_schema, read_data

    data = read_data(args.data)
    schema = infer_schema(data, max_categories=args.max_categories, range_margin=args.range_margin, target=args.target)
    text = dump_schema(schema, args.output, source=f"{args.data} ({len(data)} rows)")
    if args.output is None:
        sys.stdout.write(text)
    else:
        print(
            f"wrote {args.output}: {len(schema.columns)} columns from {len(data)} rows of {args.data}", file=sys.stderr
        )
    return 0


def check(args: argparse.Namespace) -> int:
    from mltest.errors import CheckFailed
    from mltest.schema import assert_schema, read_data

    data = read_data(args.data)
    try:
        result = assert_schema(data, args.schema)
    except CheckFailed as failure:
        print(f"{args.data}: {failure}")
        return 1
    print(f"{args.data}: {result.message}")
    return 0
