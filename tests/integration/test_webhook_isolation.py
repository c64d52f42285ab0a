"""A slow webhook receiver does not hold up page reading (issue 21, item 2).

Real Redis, a real worker process (``standin_worker.py``: the rq worker of
``python -m worker`` with the stand-in reader) and a real HTTP receiver on 127.0.0.1 that
sleeps past the delivery timeout. Deliveries go to their own queue, which the worker
takes only when no page waits; a webhook's pending deliveries are bounded."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from faultkit import Procs, wait_until
from sqlalchemy import func, select

from ocr_service.broker import make_queue, make_webhook_queue
from ocr_service.config import Settings
from ocr_service.db.models import DeliveryStatus, Page, Upload, WebhookDelivery, WebhookEvent
from ocr_service.db.session import session_scope
from ocr_service.webhooks import service

pytestmark = pytest.mark.integration

SLEEP = 3.0
TIMEOUT = 1.0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"webhook_timeout_seconds": TIMEOUT, "webhook_retry_intervals": [1]}
    )


@dataclass
class SleepyReceiver:
    url: str = ""
    arrivals: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def receiver() -> Iterator[SleepyReceiver]:
    """Answers every POST 200, but only after ``SLEEP`` s (past the delivery timeout)."""
    state = SleepyReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            with state.lock:
                state.arrivals.append(time.time())
            self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(SLEEP)
            try:
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:  # the sender gave up already
                pass

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/ocr"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(5)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def upload(client: httpx.Client, key: str, content: bytes) -> str:
    r = client.post(
        "/v1/uploads",
        headers=auth(key),
        files={"file": ("batch.pdf", content, "application/pdf")},
        data={"template": "jp_tennyu"},
    )
    assert r.status_code == 202, r.text
    upload_id: str = r.json()["id"]
    return upload_id


def upload_done(db_sessions: Any, upload_id: str) -> bool:
    with session_scope(db_sessions) as session:
        row = session.get(Upload, upload_id)
        return row is not None and row.status == "done"


def last_page_finished(db_sessions: Any, upload_id: str) -> float:
    with session_scope(db_sessions) as session:
        when = session.scalar(select(func.max(Page.updated_at)).where(Page.upload_id == upload_id))
    assert when is not None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def test_pages_are_read_while_deliveries_to_a_sleeping_receiver_time_out(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    redis_conn: Any,
    db_sessions: Any,
    procs: Procs,
    receiver: SleepyReceiver,
) -> None:
    r = client.post(
        "/v1/webhooks",
        headers=auth(api_keys["admin"]),
        json={"url": receiver.url, "events": ["document.verified"]},
    )
    assert r.status_code == 201, r.text
    hook_id = r.json()["id"]

    first = upload(client, api_keys["clerk"], files.pdf([files.blank()] * 4))
    procs.worker(settings, standin_delay=0.2)
    wait_until(lambda: upload_done(db_sessions, first), 60, 0.05)
    # every page was read before the first delivery was tried (they used to go first)
    wait_until(lambda: receiver.arrivals, 30, 0.05)
    assert receiver.arrivals[0] >= last_page_finished(db_sessions, first) - 0.05

    # a page uploaded while four deliveries (two attempts each, 1 s apiece) are under way
    # is read after one attempt at most, not after all of them
    second = upload(client, api_keys["clerk"], files.pdf([files.blank()]))
    accepted = time.monotonic()
    wait_until(lambda: upload_done(db_sessions, second), 60, 0.05)
    waited = time.monotonic() - accepted
    assert waited < TIMEOUT + 2.5, waited
    with session_scope(db_sessions) as session:
        pending = service.pending_count(session=session, webhook_id=hook_id)
    assert pending >= 2, "the deliveries should still be going on"

    # the deliveries end failed, each attempt logged with the timeout
    def all_failed() -> list[WebhookDelivery] | None:
        with session_scope(db_sessions) as session:
            rows = list(session.scalars(select(WebhookDelivery)))
            done = len(rows) == 5 and all(d.status == DeliveryStatus.FAILED for d in rows)
            return rows if done else None

    for delivery in wait_until(all_failed, 60, 0.2):
        assert delivery.attempts == 2
        assert delivery.last_error is not None and "Timeout" in delivery.last_error
    assert make_queue(settings, redis_conn).count == 0


def test_a_webhooks_backlog_is_bounded(
    settings: Settings, db_sessions: Any, redis_conn: Any
) -> None:
    bounded = settings.model_copy(update={"webhook_max_pending": 2})
    with session_scope(db_sessions) as session:
        hook, _ = service.create_webhook(
            session=session,
            settings=bounded,
            url="http://127.0.0.1:9/hook",
            events=[WebhookEvent.UPLOAD_DONE],
        )
        other, _ = service.create_webhook(
            session=session,
            settings=bounded,
            url="http://127.0.0.1:9/other",
            events=[WebhookEvent.DOCUMENT_VERIFIED],
        )
        queue = service.DeliveryQueue(bounded, redis_conn)
        events = [
            service.Event(type=WebhookEvent.UPLOAD_DONE, id=f"upload.done:u{i}", data={})
            for i in range(3)
        ]
        service.notify(session=session, queue=queue, events=events)
        service.notify(
            session=session,
            queue=queue,
            events=[service.Event(type=WebhookEvent.DOCUMENT_VERIFIED, id="v:1", data={})],
        )
        rows = {
            d.event_id: d
            for d in session.scalars(
                select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
            )
        }
        assert [rows[f"upload.done:u{i}"].status for i in range(3)] == [
            "pending",
            "pending",
            "failed",
        ]
        assert (rows["upload.done:u2"].last_error or "").startswith("dropped: 2 deliveries")
        assert service.pending_count(session=session, webhook_id=other.id) == 1
    # two deliveries of the full webhook and the other's one were queued, on their own queue
    assert make_webhook_queue(settings, redis_conn).count == 3
    assert make_queue(settings, redis_conn).count == 0
