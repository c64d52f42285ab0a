"""After a worker finishes a page: count it in the shared metrics and emit webhook events.

Called by :mod:`ocr_service.queue.jobs` once the page's result is committed. It sits
above :mod:`ocr_service.webhooks` and :mod:`ocr_service.observability`, which import
nothing from here. Nothing here may fail the page: a metrics or webhook problem is logged
(with the ids) and swallowed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from redis import Redis
from rq import get_current_job

from ocr_service.broker import make_redis
from ocr_service.config import Settings
from ocr_service.db.processing import PageWork
from ocr_service.db.session import SessionFactory, session_scope
from ocr_service.observability.metrics import MetricsRecorder
from ocr_service.results import Document
from ocr_service.webhooks.service import DeliveryQueue, document_event, notify, upload_event

log = logging.getLogger(__name__)


@contextmanager
def _redis(settings: Settings) -> Iterator[Redis]:
    """The running job's connection, or (outside a worker) a short-lived one."""
    job = get_current_job()
    if job is not None:
        yield job.connection
        return
    connection = make_redis(settings)
    try:
        yield connection
    finally:
        connection.close()


def _notify(settings: Settings, sessions: SessionFactory, conn: Redis, work: PageWork) -> None:
    with session_scope(sessions) as session:
        events = [
            document_event(session=session, document_id=work.document_id),
            upload_event(session=session, upload_id=work.upload_id),
        ]
        notify(session=session, queue=DeliveryQueue(settings, conn), events=events)


def page_done(
    settings: Settings,
    sessions: SessionFactory,
    *,
    work: PageWork,
    status: str,
    document: Document,
    timings: Mapping[str, float],
) -> None:
    """A page was read (its stages took ``timings`` seconds) and stored with ``status``
    (verified or needs_review)."""
    try:
        with _redis(settings) as conn:
            MetricsRecorder(conn, settings.queue_name).page_read(
                template=document.template_id,
                outcome=status,
                stages=timings,
                fields_total=len(document.fields),
                fields_flagged=sum(1 for f in document.fields.values() if f.flagged),
            )
            _notify(settings, sessions, conn, work)
    except Exception as exc:
        log.warning(
            "after-page hooks failed upload=%s page=%s document=%s (%s)",
            work.upload_id,
            work.index,
            work.document_id,
            type(exc).__name__,
            extra={"document_id": work.document_id, "upload_id": work.upload_id},
        )


def page_failed(settings: Settings, sessions: SessionFactory, *, work: PageWork, code: str) -> None:
    """A page failed for good with error ``code``."""
    try:
        with _redis(settings) as conn:
            MetricsRecorder(conn, settings.queue_name).page_failed(
                template=work.template or "unknown", code=code
            )
            _notify(settings, sessions, conn, work)
    except Exception as exc:
        log.warning(
            "after-failure hooks failed upload=%s page=%s document=%s (%s)",
            work.upload_id,
            work.index,
            work.document_id,
            type(exc).__name__,
            extra={"document_id": work.document_id, "upload_id": work.upload_id},
        )
