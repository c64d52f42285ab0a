"""Recovery: enqueue again the pages that Redis lost or a killed worker left behind.

The database is the record. A worker renews the claim of the page it reads every
``page_heartbeat_seconds`` (:mod:`.heartbeat`). A page ``queued`` with no job waiting in
Redis (it was accepted while Redis was down, or Redis lost it), or ``processing`` with no
heartbeat, for ``reconcile_after_seconds`` is put back to ``queued`` and enqueued again.
Every worker runs :class:`ReconcileLoop`; one of them reconciles per interval. The claim
keeps it exactly-once: a page is stored only by the worker whose attempt holds it, so a
worker that was wrongly given up on (or a job enqueued twice) costs time, not correctness.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError

from ocr_service.config import Settings
from ocr_service.db.models import utcnow
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
    cutoff = utcnow() - older_than
    with session_scope(sessions) as session:
        stale = stale_pages(session=session, cutoff=cutoff)
    lost = [(u, i) for u, i in stale if not queue.waiting(u, i)]
    requeued: list[tuple[str, int]] = []
    if lost:
        # back to queued first, so the worker that takes the new job can claim the page
        with session_scope(sessions) as session:
            requeued = touch_pages(session=session, pages=lost, unchanged_since=cutoff)
    for upload_id, index in requeued:
        queue.requeue(upload_id, index)
        log.info("reconcile: enqueued again upload=%s page=%s", upload_id, index)
    if stale:
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
