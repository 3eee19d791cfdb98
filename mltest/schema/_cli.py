"""``mltest schema infer DATA [-o FILE]``: write a pandera schema inferred from a CSV or Parquet file."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "infer"]


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``mltest schema`` on the main parser."""
    schema = commands.add_parser("schema", help="data schemas (pandera): infer one from data")
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
    infer_parser.set_defaults(func=infer)


def infer(args: argparse.Namespace) -> int:
    from mltest.schema import dump_schema, infer_schema, read_data

    data = read_data(args.data)
    schema = infer_schema(data, max_categories=args.max_categories, range_margin=args.range_margin)
    text = dump_schema(schema, args.output, source=f"{args.data} ({len(data)} rows)")
    if args.output is None:
        sys.stdout.write(text)
    else:
        print(
            f"wrote {args.output}: {len(schema.columns)} columns from {len(data)} rows of {args.data}", file=sys.stderr
        )
    return 0
