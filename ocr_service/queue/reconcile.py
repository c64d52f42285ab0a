"""Recovery: enqueue again the pages that Redis lost or a killed worker left behind.

The database is the record. A page still ``queued`` or ``processing`` after
``reconcile_after_seconds`` whose job is no longer waiting in Redis is enqueued again;
processing is idempotent, so an unlucky double run costs time, not correctness.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError

from ocr_service.config import Settings
from ocr_service.db.processing import stale_pages, touch_pages
from ocr_service.db.session import SessionFactory, session_scope
from ocr_service.queue.enqueue import RqPageQueue

log = logging.getLogger(__name__)

LOCK_KEY = "ocr:reconcile:lock"


def reconcile(
    *,
    settings: Settings,
    sessions: SessionFactory,
    queue: RqPageQueue,
    older_than: timedelta | None = None,
) -> int:
    """Enqueue stale pages whose jobs are gone; return how many were enqueued."""
    if older_than is None:
        older_than = timedelta(seconds=settings.reconcile_after_seconds)
    with session_scope(sessions) as session:
        stale = stale_pages(session=session, older_than=older_than)
    requeued = [(u, i) for u, i in stale if queue.requeue_if_lost(u, i)]
    if requeued:
        with session_scope(sessions) as session:
            touch_pages(session=session, pages=requeued)
    for upload_id, index in requeued:
        log.info("reconcile: enqueued again upload=%s page=%s", upload_id, index)
    log.info("reconcile: %s stale pages, %s enqueued again", len(stale), len(requeued))
    return len(requeued)


class ReconcileLoop(threading.Thread):
    """Runs :func:`reconcile` every interval in a worker; a Redis lock lets one worker
    across all machines do it per interval."""

    def __init__(self, *, settings: Settings, sessions: SessionFactory, connection: Redis) -> None:
        super().__init__(name="reconcile", daemon=True)
        self.settings = settings
        self.sessions = sessions
        self.connection = connection
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = self.settings.reconcile_interval_seconds
        queue = RqPageQueue(self.settings, self.connection)
        while not self.stopped.wait(interval):
            try:
                key = f"{LOCK_KEY}:{self.settings.queue_name}"
                if self.connection.set(key, "1", nx=True, ex=interval):
                    reconcile(settings=self.settings, sessions=self.sessions, queue=queue)
            except (RedisError, OperationalError) as exc:
                log.warning("reconcile skipped: %s", type(exc).__name__)

    def stop(self) -> None:
        self.stopped.set()
