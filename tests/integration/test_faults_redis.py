"""Redis restarts empty in the middle of a batch: every page still finishes, once.

The test runs its own ``redis-server`` (no persistence) on a loopback port, kills it
mid-batch and starts a fresh, empty one on the same port; the machine's Redis is never
flushed. The database is the record: reconcile enqueues again what Redis forgot.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import httpx
import pytest
from faultkit import Procs, RedisServer, page_states, wait_until
from sqlalchemy import select

from ocr_service.config import Settings
from ocr_service.db.models import AuditEntry
from ocr_service.db.session import session_scope

pytestmark = pytest.mark.integration


@pytest.fixture
def redis_server(procs: Procs) -> RedisServer:
    server = RedisServer(procs)
    server.start()
    return server


@pytest.fixture
def settings(settings: Settings, redis_server: RedisServer) -> Settings:
    return settings.model_copy(
        update={
            "redis_url": redis_server.url,
            "reconcile_after_seconds": 2,
            "reconcile_interval_seconds": 1,
            "page_heartbeat_seconds": 0.5,
        }
    )


def send(client: httpx.Client, key: str, content: bytes, name: str) -> Any:
    r = client.post(
        "/v1/uploads",
        headers={"X-API-Key": key},
        files={"file": (name, content, "application/pdf")},
        data={"template": "jp_tennyu"},
    )
    assert r.status_code == 202, r.text
    return r.json()


def test_every_page_finishes_after_redis_restarts_empty(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    redis_server: RedisServer,
    db_sessions: Any,
    procs: Procs,
) -> None:
    key = api_keys["clerk"]
    uploads = [
        send(client, key, files.pdf([files.blank(1240 + n, 1754)] * 4), f"b{n}.pdf")
        for n in range(3)
    ]
    worker = procs.worker(settings, standin_delay=0.3)
    wait_until(lambda: sum(s == "done" for *_, s, _ in page_states(db_sessions)) >= 2, 60)

    redis_server.kill()
    during = send(client, key, files.pdf([files.blank(1300, 1800)] * 2), "during.pdf")
    uploads.append(during)  # accepted and recorded; enqueueing waits for reconcile
    time.sleep(1.5)
    redis_server.start()  # empty: every waiting job is gone

    total = sum(u["pages_total"] for u in uploads)
    wait_until(lambda: [s for *_, s, _ in page_states(db_sessions)] == ["done"] * total, 120)
    assert worker.poll() is None, "the worker survived the outage:\n" + procs.logs()
    procs.stop(worker)
    document_ids = [d for u in uploads for d in u["document_ids"]]
    with session_scope(db_sessions) as session:
        reads = session.scalars(select(AuditEntry.document_id).where(AuditEntry.action == "read"))
        assert Counter(reads) == dict.fromkeys(document_ids, 1)
    reader = {"X-API-Key": api_keys["reader"]}
    for u in uploads:
        state = client.get(f"/v1/uploads/{u['id']}", headers=reader).json()
        assert (state["status"], state["pages_done"]) == ("done", u["pages_total"])


def test_pages_accepted_while_redis_is_down_are_read_within_a_minute_of_its_return(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    redis_server: RedisServer,
    db_sessions: Any,
    procs: Procs,
) -> None:
    """The shipped timings (reconcile after 30 s, every 10 s), not the fast ones above."""
    shipped = {
        name: Settings.model_fields[name].default
        for name in (
            "page_heartbeat_seconds",
            "reconcile_after_seconds",
            "reconcile_interval_seconds",
        )
    }
    timed = settings.model_copy(update=shipped)
    worker = procs.worker(timed, standin_delay=0.2)
    time.sleep(3)  # the worker is up
    redis_server.kill()
    during = send(client, api_keys["clerk"], files.pdf([files.blank()] * 2), "during.pdf")
    time.sleep(5)
    redis_server.start()  # empty
    back = time.monotonic()
    wait_until(lambda: [s for *_, s, _ in page_states(db_sessions)] == ["done"] * 2, 90, 0.1)
    waited = time.monotonic() - back
    print(f"Redis back to both pages done {waited:.1f} s")
    assert waited < 60, waited
    assert worker.poll() is None, procs.logs()
    with session_scope(db_sessions) as session:
        reads = session.scalars(select(AuditEntry.document_id).where(AuditEntry.action == "read"))
        assert Counter(reads) == dict.fromkeys(during["document_ids"], 1)
