"""Structured logs: one JSON object per line, carrying document, job and upload ids.

Ids come from ``extra={"document_id": ...}`` on the call, from :func:`log_context`
(a context variable, so it follows a request or a job), from the codebase's message
convention ``"... document=%s upload=%s"`` (the argument after ``document=`` becomes
``document_id``), or, for ``job_id``, from the rq job the current thread is running.

Values read from forms never belong in a log line: log ids and codes, never a field's
value.

``OCR_LOG_FORMAT=json`` switches every command to this format; ``text`` (the default)
keeps the human-readable one.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]

#: Record attributes copied into the JSON object when present.
ID_KEYS = ("document_id", "job_id", "upload_id", "webhook_id", "delivery_id", "page")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
_OURS = "_ocr_service_handler"
#: ``key=%s`` in a message template names the argument; these keys become JSON ids.
MESSAGE_KEYS = {
    "document": "document_id",
    "upload": "upload_id",
    "job": "job_id",
    "page": "page",
    "delivery_id": "delivery_id",
    "webhook_id": "webhook_id",
}
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?([sdifrx%])")

_context: ContextVar[Mapping[str, str | int] | None] = ContextVar("ocr_log_context", default=None)


@contextmanager
def log_context(**ids: str | int | None) -> Iterator[None]:
    """Attach ids (``document_id=...``) to every record logged inside the block."""
    current = dict(_context.get() or {})
    current.update({k: v for k, v in ids.items() if v is not None})
    token = _context.set(current)
    try:
        yield
    finally:
        _context.reset(token)


def _current_job_id() -> str | None:
    if "rq" not in sys.modules:  # no rq loaded, no job running: the CLI starts without it
        return None
    from rq import get_current_job

    job = get_current_job()
    return job.id if job is not None else None


def ids_from_message(record: logging.LogRecord) -> dict[str, Any]:
    """Ids named in the template: ``"read document=%s"`` with args ``("d1",)`` -> document_id."""
    if not isinstance(record.msg, str) or not isinstance(record.args, tuple) or not record.args:
        return {}
    out: dict[str, Any] = {}
    position = 0
    for match in PLACEHOLDER.finditer(record.msg):
        if match.group(1) == "%":
            continue
        before = record.msg[: match.start()]
        key = re.search(r"(\w+)=$", before)
        if key is not None and key.group(1) in MESSAGE_KEYS and position < len(record.args):
            out.setdefault(MESSAGE_KEYS[key.group(1)], record.args[position])
        position += 1
    return out


class JsonFormatter(logging.Formatter):
    """Formats a record as a single JSON line: ts, level, logger, msg and the ids."""

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        context = _context.get() or {}
        from_message = ids_from_message(record)
        for key in ID_KEYS:
            value = getattr(record, key, None)
            if value is None:
                value = context.get(key, from_message.get(key))
            if value is not None:
                body[key] = value
        if "job_id" not in body and (job_id := _current_job_id()) is not None:
            body["job_id"] = job_id
        if record.exc_info:
            body["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            body["exc"] = self.formatException(record.exc_info)
        return json.dumps(body, ensure_ascii=False, default=str)


def make_handler(fmt: LogFormat) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    return handler


def configure_logging(*, level: int = logging.INFO, fmt: LogFormat = "text") -> None:
    """Log to stderr in ``fmt`` at ``level``.

    Like :func:`logging.basicConfig`, it leaves a root logger that someone else configured
    (a test runner, an embedding application) alone; a handler from an earlier call is
    replaced. With ``json``, uvicorn's own loggers switch to JSON too.
    """
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, _OURS, False)]
    if len(ours) < len(root.handlers):
        return  # configured by someone else (a test runner, an embedding app): leave it
    for old in ours:
        root.removeHandler(old)
    handler = make_handler(fmt)
    setattr(handler, _OURS, True)
    root.addHandler(handler)
    root.setLevel(level)
    if fmt == "json":
        for name in UVICORN_LOGGERS:
            for other in logging.getLogger(name).handlers:
                other.setFormatter(JsonFormatter())
