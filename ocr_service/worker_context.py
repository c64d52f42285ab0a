"""What every rq job of a worker process shares: the settings and one database pool,
and how the process yields the CPU (:func:`limit_threads`, :func:`lower_priority`).

It loads no OCR engine, so a webhook delivery job costs an HTTP request and a few queries.

The worker (or a test) calls :func:`configure` once; a job that runs in a process nobody
configured builds the context from the environment. The page job adds its file store and
reader on top (:func:`ocr_service.queue.jobs.configure`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ocr_service.config import Settings, get_settings
from ocr_service.db.session import SessionFactory, make_engine, make_session_factory

#: Thread pools a worker caps to one thread through the environment. Tesseract's OpenMP
#: (and numpy's OpenBLAS) read these when their library loads, so the worker's entry
#: points call :func:`limit_threads` before importing the engines. onnxruntime's sessions
#: are built with one intra-op and one inter-op thread (ocr/ppocr.py, ocr/digits.py) and
#: the worker sets OpenCV's pool to one thread at start (``worker.run``).
THREAD_LIMITS = {"OMP_THREAD_LIMIT": "1", "OPENBLAS_NUM_THREADS": "1"}


def limit_threads() -> None:
    """Set :data:`THREAD_LIMITS` in the environment, keeping a value already set."""
    for name, value in THREAD_LIMITS.items():
        os.environ.setdefault(name, value)


def lower_priority(nice: int) -> int:
    """Raise this process's niceness to ``nice`` (never lower it: that needs root) and
    return the niceness it runs at."""
    current = os.nice(0)
    if nice > current:
        return os.nice(nice - current)
    return current


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    sessions: SessionFactory


_context: JobContext | None = None


def configure(settings: Settings) -> JobContext:
    """Build this process's context (replacing, and closing the pool of, an earlier one)."""
    global _context
    reset()
    _context = JobContext(
        settings=settings,
        sessions=make_session_factory(make_engine(settings.database_url)),
    )
    return _context


def context() -> JobContext:
    """The process's context, created from the environment on first use."""
    return _context if _context is not None else configure(get_settings())


def reset() -> None:
    """Drop the context and its database pool; the next job builds a new one."""
    global _context
    if _context is not None:
        _context.sessions.kw["bind"].dispose()
    _context = None
