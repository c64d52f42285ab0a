"""The rq job that reads one page, and the one worker failure handler.

Imported by worker processes only: it loads the pipeline (OpenCV, Tesseract). The
:class:`~ocr_service.pipeline.Reader` is created once per process and reused by every job.
"""

from __future__ import annotations

import ctypes
import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from PIL import Image
from rq import get_current_job

from ocr_service import worker_context
from ocr_service.config import Settings, get_settings
from ocr_service.db.processing import PageWork, fail_page, finish_page, retry_page_later, start_page
from ocr_service.db.session import SessionFactory, session_scope
from ocr_service.db.sheets import delete_if_unused
from ocr_service.errors import InternalError, MissingDependency, OcrServiceError, PageError
from ocr_service.failures import as_service_error
from ocr_service.imaging.ingest import Limits, load_page
from ocr_service.pipeline import Reader
from ocr_service.queue import hooks
from ocr_service.queue.heartbeat import ClaimHeartbeat
from ocr_service.results import Document
from ocr_service.storage import LocalStorage
from ocr_service.templates.loader import TemplateRegistry

log = logging.getLogger(__name__)


class PageReadingView(Protocol):
    """What the pipeline returns for a page (:class:`ocr_service.pipeline.PageReading`)."""

    @property
    def document(self) -> Document: ...

    @property
    def straightened(self) -> npt.NDArray[np.uint8]: ...

    @property
    def timings(self) -> Mapping[str, float]:
        """Seconds per stage, for the stage-timing metrics."""
        ...


class PageReader(Protocol):
    """The seam to the pipeline (tests swap in a reader that fails on purpose)."""

    def read_source_page(
        self, path: Path, index: int, *, template_id: str | None
    ) -> PageReadingView: ...


@dataclass
class WorkerContext:
    """The process's :class:`~ocr_service.worker_context.JobContext`, its file store and reader."""

    settings: Settings
    sessions: SessionFactory
    storage: LocalStorage
    reader: PageReader


_context: WorkerContext | None = None


def configure(settings: Settings, *, reader: PageReader | None = None) -> WorkerContext:
    """Build this process's context; loads the OCR engines unless a reader is given."""
    global _context
    base = worker_context.configure(settings)
    if reader is None:
        reader = Reader(
            registry=TemplateRegistry(settings.templates_dir),
            engine_name=settings.engine_name,
            limits=Limits.from_settings(settings),
        )
    _context = WorkerContext(
        settings=base.settings,
        sessions=base.sessions,
        storage=LocalStorage(settings.data_dir),
        reader=reader,
    )
    return _context


def context() -> WorkerContext:
    """The process's context, created from the environment on first use."""
    return _context if _context is not None else configure(get_settings())


def reset() -> None:
    """Drop the context (and its database pool); the next job builds a new one."""
    global _context
    _context = None
    worker_context.reset()


def encode_png(image: npt.NDArray[np.uint8]) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG", compress_level=3)
    return buf.getvalue()


THUMBNAIL_SIDE = 1000
"""The longer side, in pixels, of the image kept of a refused page (for the clerk to see)."""


def refused_page_image(ctx: WorkerContext, work: PageWork) -> str | None:
    """Keep page ``work.index`` as scanned, scaled down to a PNG in storage, so the clerk
    can see the page that was refused; its sha256, or ``None`` if it cannot be made (the
    refusal is recorded either way)."""
    try:
        path = ctx.storage.path_for(work.sha256)
        bgr = load_page(path, work.index, Limits.from_settings(ctx.settings))
        image = Image.fromarray(np.ascontiguousarray(bgr[:, :, ::-1])).convert("L")
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=True)
        return ctx.storage.put_bytes(buf.getvalue())
    except (OcrServiceError, OSError, ValueError) as exc:
        log.warning(
            "no image kept of refused upload=%s page=%s document=%s (%s)",
            work.upload_id,
            work.index,
            work.document_id,
            type(exc).__name__,
        )
        return None


def process_page(upload_id: str, index: int) -> str:
    """Read page ``index`` (0-based) of an upload; return the document status."""
    try:
        return _process_page(upload_id, index)
    finally:
        release_memory()


def release_memory() -> None:
    """Hand the heap freed by a page back to the OS (glibc's ``malloc_trim``).

    Without it a worker's RSS swung by about 150 MB from page to page (freed page images
    and model buffers kept in glibc's arenas); measured over 120 pages in one process:
    flat at 814 MB with it, 863-940 MB without. A no-op where glibc is absent."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def _process_page(upload_id: str, index: int) -> str:
    ctx = context()
    with session_scope(ctx.sessions) as session:
        work = start_page(session=session, upload_id=upload_id, index=index)
    if work is None:
        log.info("page finished or claimed elsewhere upload=%s page=%s; skipping", upload_id, index)
        return "skipped"
    log.info(
        "reading upload=%s page=%s document=%s attempt=%s",
        upload_id,
        index,
        work.document_id,
        work.attempt,
    )
    try:
        with ClaimHeartbeat(ctx.sessions, work, ctx.settings.page_heartbeat_seconds):
            path = ctx.storage.path_for(work.sha256)
            reading = ctx.reader.read_source_page(path, index, template_id=work.template)
            image_sha256 = ctx.storage.put_bytes(encode_png(reading.straightened))
        with session_scope(ctx.sessions) as session:
            status = finish_page(
                session=session, work=work, document=reading.document, image_sha256=image_sha256
            )
    except Exception as exc:
        return handle_failure(ctx, work, exc)
    if status is None:
        log.warning(
            "claim taken over upload=%s page=%s document=%s attempt=%s; reading discarded",
            upload_id,
            index,
            work.document_id,
            work.attempt,
        )
        return "superseded"
    log.info(
        "read upload=%s page=%s document=%s status=%s", upload_id, index, work.document_id, status
    )
    hooks.page_done(
        ctx.settings,
        ctx.sessions,
        work=work,
        status=status,
        document=reading.document,
        timings=reading.timings,
    )
    return status


def handle_failure(ctx: WorkerContext, work: PageWork, exc: Exception) -> str:
    """The one worker failure handler.

    Retryable errors with retries left put the page back to queued and re-raise, so rq
    retries the job. Anything else marks the page and its document failed with the error's
    code and message; non-retryable errors then return normally so rq does not retry.
    """
    error = as_service_error(exc)
    job = get_current_job()
    retries_left = (job.retries_left or 0) if job is not None else 0
    ids = (work.upload_id, work.index, work.document_id)
    if error.retryable and retries_left > 0:
        log.warning(
            "retryable %s (%s) upload=%s page=%s document=%s; %s retries left",
            error.code,
            type(exc).__name__,
            *ids,
            retries_left,
        )
        with session_scope(ctx.sessions) as session:
            retry_page_later(
                session=session,
                upload_id=work.upload_id,
                index=work.index,
                code=error.code,
                message=error.message,
                attempt=work.attempt,
            )
        raise exc
    if isinstance(error, InternalError):
        log.error("failed upload=%s page=%s document=%s", *ids, exc_info=exc)
    elif isinstance(error, MissingDependency):  # this worker is misinstalled: say so loudly
        log.error("failed %s upload=%s page=%s document=%s: %s", error.code, *ids, error.message)
    else:
        log.warning(
            "failed %s (%s) upload=%s page=%s document=%s", error.code, type(exc).__name__, *ids
        )
    # a page read but refused (blank, another form, unreadable) is kept for the clerk to see
    image = refused_page_image(ctx, work) if isinstance(error, PageError) else None
    with session_scope(ctx.sessions) as session:
        marked = fail_page(
            session=session,
            upload_id=work.upload_id,
            index=work.index,
            code=error.code,
            message=error.message,
            attempt=work.attempt,
            image_sha256=image,
        )
    if marked:
        hooks.page_failed(ctx.settings, ctx.sessions, work=work, code=error.code)
    elif image is not None:  # the claim was taken over: keep no image nothing refers to
        with session_scope(ctx.sessions) as session:
            delete_if_unused(session=session, storage=ctx.storage, sha256=image)
    if error.retryable:
        raise exc  # out of retries: let rq record the job as failed too
    return "failed"
