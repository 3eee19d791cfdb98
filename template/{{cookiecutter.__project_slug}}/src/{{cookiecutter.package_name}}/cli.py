"""Command line: the pipeline's stages and batch prediction.

    {{ cookiecutter.__project_slug }} prepare | train | evaluate
    {{ cookiecutter.__project_slug }} predict INPUT.csv OUTPUT.csv
    {{ cookiecutter.__project_slug }} monitor [--period 7d] [--log LOCATION]
    {{ cookiecutter.__project_slug }} adopt DATA.csv --target COLUMN [--task TASK]   (make adopt)

`python -m {{ cookiecutter.package_name }}` is the same.
dvc.yaml runs the stages; run one by hand only to debug it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from {{ cookiecutter.package_name }}.config import (
    PARAMS_FILE,
    ParamsError,
    check_columns,
    load_params,
    task,
)

PROG = "{{ cookiecutter.__project_slug }}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument(
        "--params", default=str(PARAMS_FILE), help="parameters file (default: %(default)s)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("prepare", help="split the raw data into data/prepared/{train,test}.csv")
    commands.add_parser("train", help="fit the model on the train set into models/")
    commands.add_parser("evaluate", help="score the model on the test set into reports/")
    predict = commands.add_parser("predict", help="predict every row of a CSV file")
    predict.add_argument("input", help="CSV file with the model's input columns")
    predict.add_argument("output", help="CSV file to write the predictions to")
    predict.add_argument("--model", default=None, help="model file (default: models/model.joblib)")
    monitor = commands.add_parser(
        "monitor", help="check the logged predictions for drift and the model's age (monitor.py)"
    )
    monitor.add_argument("--log", help="where the predictions are logged (default: params.yaml)")
    monitor.add_argument("--period", help="judge the predictions of this period (default: params)")
    monitor.add_argument("--report", default="reports/monitoring.md", help="%(default)s")
    adopt = commands.add_parser(
        "adopt", help="use your own data: under DVC, its schema and sample, params.yaml (adopt.py)"
    )
    adopt.add_argument("data", help="CSV file to copy to data/raw/")
    adopt.add_argument("--target", required=True, help="the column to predict")
    adopt.add_argument("--task", help="binary, multiclass or regression (default: from the target)")
    adopt.add_argument("--positive", help="binary: the favourable class, as the data writes it")
    adopt.add_argument("--sensitive", help="columns to compare groups by (a,b or none)")
    adopt.add_argument("--drop", help="columns the model must not see (default: ids, names)")
    adopt.add_argument("--drop-missing", action="store_true", help="leave out rows with no target")
    adopt.add_argument("--force", action="store_true", help="replace files with unsaved changes")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        params = load_params(args.params)
        task(params)  # a data.task that is no task stops every command, in one line
        return run(args, params)
    except (OSError, KeyError, ParamsError) as error:
        print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        return 1


def run(args: argparse.Namespace, params: dict) -> int:
    # Imports per command keep `--help` fast.
    if args.command == "prepare":
        from {{ cookiecutter.package_name }}.data import prepare

        train_path, test_path = prepare(params)
        print(f"wrote {train_path} and {test_path}")
    elif args.command == "train":
        from {{ cookiecutter.package_name }}.data import PREPARED_DIR, load_prepared
        from {{ cookiecutter.package_name }}.metadata import write_metadata
        from {{ cookiecutter.package_name }}.reference import write_reference
        from {{ cookiecutter.package_name }}.train import save_model, train

        train_data, test_data = load_prepared()
        check_columns(params, train_data.columns, PREPARED_DIR / "train.csv")
        model = train(train_data, params)
        model_path = save_model(model)
        print(f"wrote {model_path} and {write_metadata(model_path)}")
        # the reference `make monitor` compares production with (reference.py)
        print("wrote {} and {}".format(*write_reference(model, train_data, test_data, params)))
    elif args.command == "evaluate":
        import json

        from {{ cookiecutter.package_name }}.data import PREPARED_DIR, load_prepared
        from {{ cookiecutter.package_name }}.evaluate import write_reports
        from {{ cookiecutter.package_name }}.train import load_model

        _, test_data = load_prepared()
        check_columns(params, test_data.columns, PREPARED_DIR / "test.csv")
        model = load_model()
        metrics = write_reports(model, test_data, params)
        print(json.dumps(metrics, indent=2))
{% if cookiecutter.tracking != "none" %}

        from {{ cookiecutter.package_name }}.tracking import log_run

        history = getattr(model[-1], "history_", None)  # loss per epoch, when the model keeps one
        log_run(params, metrics, history)
{% endif %}
    elif args.command == "predict":
        from {{ cookiecutter.package_name }}.predict import predict_file
        from {{ cookiecutter.package_name }}.train import MODEL_PATH, load_model

        rows = predict_file(load_model(args.model or MODEL_PATH), args.input, args.output, params)
        print(f"wrote {rows} predictions to {args.output}")
    elif args.command == "monitor":
        from {{ cookiecutter.package_name }}.monitor import monitor

        try:
            code = monitor(params, location=args.log, period=args.period, report_path=args.report)
        except ValueError as error:  # a period or a sampling rate that does not parse
            print(f"{PROG} monitor: error: {error}", file=sys.stderr)
            return 2
        verdict = ["no action needed", "action needed", "nothing to judge"][code]
        print(f"monitoring: {verdict}; the report is in {args.report}")
        return code
    elif args.command == "adopt":
        from {{ cookiecutter.package_name }}.adopt import adopt

        return adopt(args, params, ask=input if sys.stdin.isatty() else None)
    return 0
