"""The heartbeat of a claimed page: while a worker reads a page, a thread renews the
claim every ``OCR_PAGE_HEARTBEAT_SECONDS`` (it moves the page's ``updated_at``).

A worker that dies stops renewing, and :mod:`ocr_service.queue.reconcile` hands the page
to another worker once the claim is ``OCR_RECONCILE_AFTER_SECONDS`` old. A renewal that
fails (the database is briefly away) is logged and tried again on the next beat; a claim
taken over stops the heartbeat, and the worker's result is discarded when it finishes.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from sqlalchemy.exc import SQLAlchemyError

from ocr_service.db.processing import PageWork, renew_claim
from ocr_service.db.session import SessionFactory, session_scope

log = logging.getLogger(__name__)


class ClaimHeartbeat:
    """``with ClaimHeartbeat(sessions, work, interval):`` renews the claim in a thread."""

    def __init__(self, sessions: SessionFactory, work: PageWork, interval: float) -> None:
        self.sessions = sessions
        self.work = work
        self.interval = interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._beat, name=f"heartbeat-{work.upload_id}-{work.index}", daemon=True
        )

    def __enter__(self) -> ClaimHeartbeat:
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopped.set()
        self.thread.join(self.interval + 5)

    def _beat(self) -> None:
        work = self.work
        while not self.stopped.wait(self.interval):
            try:
                with session_scope(self.sessions) as session:
                    held = renew_claim(session=session, work=work)
            except SQLAlchemyError as exc:
                log.warning(
                    "heartbeat failed upload=%s page=%s document=%s (%s)",
                    work.upload_id,
                    work.index,
                    work.document_id,
                    type(exc).__name__,
                )
                continue
            if not held:
                log.warning(
                    "claim lost upload=%s page=%s document=%s attempt=%s; heartbeat stops",
                    work.upload_id,
                    work.index,
                    work.document_id,
                    work.attempt,
                )
                return
