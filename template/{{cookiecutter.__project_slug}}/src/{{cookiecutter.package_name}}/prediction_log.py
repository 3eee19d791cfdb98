"""Prediction logs: every prediction the service and the batch command make, as JSON lines.

One line per predicted row (`inputs` as the client sent them, `outputs` as `predict` gave them):

    {"time": "2026-12-04T10:00:00.123Z", "request_id": "5f0c...", "row": 0,
     "model_version": "3f2a9c1b7d4e", "inputs": {"duration": 24, ...},
     "outputs": {"prediction": 1, "probability_0": 0.21, "probability_1": 0.79}}

Settings, in params.yaml's `monitoring` section; the environment overrides them:
- where (`log`, or PREDICTION_LOG): a folder (default logs/predictions), or any fsspec URL:
  `s3://bucket/predictions` (needs s3fs), `gs://...` (gcsfs), `az://...` (adlfs);
- sampling (`sample`, or PREDICTION_LOG_SAMPLE): the share of rows logged, drawn per row;
- rotation (`rotate_mb`, `rotate_minutes`): a file is closed and the next one started when it
  reaches that size, or that age (object stores show a file only once it is closed). Files are
  named `predictions-<UTC start>-<host>-<process>-<n>.jsonl`, so they sort by time;
- privacy (`drop`, `hash`): input fields never written, and fields written as a keyed hash
  (HMAC-SHA256 with the secret PREDICTION_LOG_SALT, first 16 hex digits): equal values keep
  equal hashes, so their counts can still be compared, but the values cannot be read back.

Logging never blocks a request: rows go to a bounded queue that a background thread writes out.
When the queue is full (storage too slow or unreachable) rows are dropped and counted; a write
that fails is reported once on stderr and counted, and the service keeps answering.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import queue
import random
import socket
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_LOCATION = "logs/predictions"
FILE_PREFIX = "predictions-"
_STOP = object()


@dataclass(frozen=True)
class LogSettings:
    """Where and how predictions are logged (see the module docstring)."""

    location: str = DEFAULT_LOCATION
    sample: float = 1.0
    rotate_bytes: int = 16 * 1024 * 1024
    rotate_seconds: float = 3600.0
    drop: tuple[str, ...] = ()
    hash: tuple[str, ...] = ()
    salt: bytes = field(default=b"", repr=False)
    queue_size: int = 10_000  # requests waiting to be written, at most

    @classmethod
    def from_params(
        cls,
        params: Mapping[str, Any],
        environ: Mapping[str, str] | None = None,
        root: str | os.PathLike[str] | None = None,
    ) -> LogSettings:
        """The settings of params.yaml's `monitoring` section, overridden by the environment.

        A relative folder is taken from `root` (the project: params.yaml's folder) when given,
        else from the working directory."""
        environ = os.environ if environ is None else environ
        section = params.get("monitoring") or {}
        sample = float(environ.get("PREDICTION_LOG_SAMPLE") or section.get("sample", 1.0))
        if not 0 <= sample <= 1:
            raise ValueError(f"monitoring.sample={sample!r} is not valid: expected 0 to 1")
        location = str(environ.get("PREDICTION_LOG") or section.get("log") or DEFAULT_LOCATION)
        if root is not None and "://" not in location and not os.path.isabs(location):
            location = os.path.join(root, location)
        return cls(
            location=location,
            sample=sample,
            rotate_bytes=int(float(section.get("rotate_mb", 16)) * 1024 * 1024),
            rotate_seconds=float(section.get("rotate_minutes", 60)) * 60,
            drop=tuple(section.get("drop") or ()),
            hash=tuple(section.get("hash") or ()),
            salt=environ.get("PREDICTION_LOG_SALT", "").encode(),
        )


def keyed_hash(value: Any, salt: bytes) -> str | None:
    """A value as its keyed hash: 16 hex digits of HMAC-SHA256 (null stays null)."""
    if value is None:
        return None
    return hmac.new(salt, str(value).encode(), hashlib.sha256).hexdigest()[:16]


def timestamp(seconds: float) -> str:
    """A time (seconds since the epoch) as the logs write it: UTC, ISO 8601, milliseconds."""
    milliseconds = int(seconds * 1000) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{milliseconds:03d}Z"


class PredictionLog:
    """Logs predictions in the background; `log` only puts them in a queue.

    Use it as a context manager, or call `start` and `close` (which writes what is queued).
    `written`, `dropped` and `failed` count rows.
    """

    def __init__(self, settings: LogSettings, model_version: str) -> None:
        self.settings = settings
        self.model_version = model_version
        self.written = self.dropped = self.failed = 0
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=settings.queue_size)
        self._thread: threading.Thread | None = None
        self._random = random.Random()
        self._names = (f"{socket.gethostname()}-{os.getpid()}-{n:04d}" for n in itertools.count())
        self._file: Any = None
        self._file_bytes = 0
        self._file_opened = 0.0
        self._warned = False
        self._lock = threading.Lock()

    def __enter__(self) -> PredictionLog:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> PredictionLog:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="prediction-log", daemon=True)
            self._thread.start()
        return self

    def log(
        self,
        inputs: Sequence[Mapping[str, Any]],
        outputs: Sequence[Mapping[str, Any]],
        request_id: str,
    ) -> None:
        """Queue one request's rows (inputs and outputs in the same order); never blocks."""
        rows: Sequence[int] = range(len(inputs))
        if self.settings.sample < 1:
            rows = [i for i in rows if self._random.random() < self.settings.sample]
            if not rows:
                return
        try:
            self._queue.put_nowait((time.time(), request_id, inputs, outputs, rows))
        except queue.Full:
            with self._lock:
                self.dropped += len(rows)

    def counts(self) -> dict[str, int]:
        """Rows written, dropped (the queue was full) and failed (storage errors) so far."""
        return {"written": self.written, "dropped": self.dropped, "failed": self.failed}

    def close(self) -> None:
        """Write what is queued, close the current file, and stop the background thread."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=max(1.0, min(60.0, self.settings.rotate_seconds)))
            except queue.Empty:
                item = None
            if item is _STOP or item is None:
                if item is _STOP or self._too_old():
                    self._close_file()
                if item is _STOP:
                    return
                continue
            lines = self._lines(*item)
            try:
                self._write(lines)
                self.written += len(lines)
            except Exception as error:  # storage down, credentials wrong: keep serving
                self.failed += len(lines)
                self._file = None
                if not self._warned:
                    self._warned = True
                    where = self.settings.location
                    print(f"prediction log: cannot write to {where}: {error!r}", file=sys.stderr)

    def _lines(self, at: float, request_id: str, inputs: Any, outputs: Any, rows: Any) -> list[str]:
        stamp, settings = timestamp(at), self.settings
        lines = []
        for row in rows:
            values = dict(inputs[row])
            for name in settings.drop:
                values.pop(name, None)
            for name in settings.hash:
                if name in values:
                    values[name] = keyed_hash(values[name], settings.salt)
            record = {
                "time": stamp,
                "request_id": request_id,
                "row": row,
                "model_version": self.model_version,
                "inputs": values,
                "outputs": outputs[row],
            }
            lines.append(json.dumps(record, separators=(",", ":"), default=str) + "\n")
        return lines

    def _too_old(self) -> bool:
        opened = self._file is not None and self._file_opened
        return bool(opened) and time.time() - self._file_opened >= self.settings.rotate_seconds

    def _write(self, lines: list[str]) -> None:
        if self._file is not None and (
            self._file_bytes >= self.settings.rotate_bytes or self._too_old()
        ):
            self._close_file()
        if self._file is None:
            self._open_file()
        data = "".join(lines).encode("utf-8")
        self._file.write(data)
        self._file.flush()
        self._file_bytes += len(data)

    def _open_file(self) -> None:
        import fsspec

        fs, root = fsspec.core.url_to_fs(self.settings.location)
        fs.makedirs(root, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        name = f"{FILE_PREFIX}{stamp}-{next(self._names)}.jsonl"
        self._file = fs.open(f"{root.rstrip('/')}/{name}", "wb")
        self._file_bytes, self._file_opened = 0, time.time()

    def _close_file(self) -> None:
        if self._file is not None:
            file, self._file = self._file, None
            try:
                file.close()
            except Exception as error:  # an object store refusing the upload
                print(f"prediction log: cannot close a log file: {error!r}", file=sys.stderr)


def log_files(location: str) -> list[str]:
    """The prediction log files at `location`, oldest first (their names start with the time)."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(location)
    if not fs.exists(root):
        return []
    found = fs.glob(f"{root.rstrip('/')}/{FILE_PREFIX}*.jsonl")
    return sorted(found, key=lambda path: path.rsplit("/", 1)[-1])


def read_records(location: str, since: float | None = None) -> Iterator[dict[str, Any]]:
    """Every logged row at `location` (from `since`, seconds since the epoch, on when given);
    lines that do not parse (cut short when a process was killed) are skipped."""
    import fsspec

    fs, _ = fsspec.core.url_to_fs(location)
    earliest = None if since is None else timestamp(since)
    for path in log_files(location):
        with fs.open(path, "rb") as file:
            for line in file:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and (earliest is None or record["time"] >= earliest):
                    yield record


def log_frames(
    params: Mapping[str, Any],
    model_version: str,
    inputs: Any,
    outputs: Any,
    request_id: str,
    root: str | os.PathLike[str] | None = None,
) -> dict[str, int]:
    """Log a batch's rows (two pandas frames of the same length) and wait until they are
    written; return the counts of `PredictionLog.counts` (`root`: see LogSettings.from_params)."""
    records = json.loads(inputs.to_json(orient="records"))
    predictions = json.loads(outputs.to_json(orient="records"))
    with PredictionLog(LogSettings.from_params(params, root=root), model_version) as log:
        log.log(records, predictions, request_id)
    return log.counts()
