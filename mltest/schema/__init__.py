"""Data-schema checks on top of pandera, for pandas and polars frames.

- :func:`assert_schema`: is this the data the model was trained on? Every failing column and
  check, with counts and failure cases, in one failure.
- :func:`infer_schema`: a starting schema from data you trust (``mltest schema infer`` on the
  command line writes it as YAML).
- :func:`assert_no_leakage`: rows or keys present in both the training and the test split.
"""

from __future__ import annotations

from mltest.schema._files import DataFileError, SchemaFileError, dump_schema, load_schema, read_data
from mltest.schema._infer import infer_schema
from mltest.schema._leakage import assert_no_leakage
from mltest.schema._validate import assert_schema

__all__ = [
    "DataFileError",
    "SchemaFileError",
    "assert_no_leakage",
    "assert_schema",
    "dump_schema",
    "infer_schema",
    "load_schema",
    "read_data",
]
