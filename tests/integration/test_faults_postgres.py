"""PostgreSQL goes away for a while: the API answers 503 with Retry-After (never 500),
the workers carry on once it is back, and no page is lost or stored twice.

The outage is real: the app and the worker reach PostgreSQL through a ``socat`` proxy on
loopback that the test kills (dropping every connection) and starts again. The
machine's PostgreSQL keeps running.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import httpx
import pytest
from faultkit import Procs, TcpProxy, page_states, wait_until
from sqlalchemy import select

from ocr_service.config import Settings
from ocr_service.db.models import AuditEntry
from ocr_service.db.session import session_scope

pytestmark = pytest.mark.integration


@pytest.fixture(params=["postgresql"])
def database_url(database_url: str) -> str:
    return database_url


@pytest.fixture
def proxy(procs: Procs) -> TcpProxy:
    pg = TcpProxy(procs, ("127.0.0.1", 5432))
    pg.restore()
    return pg


@pytest.fixture
def settings(settings: Settings, proxy: TcpProxy) -> Settings:
    host = settings.database_url.split("@", 1)[1].split("/", 1)[0]
    url = settings.database_url.replace(f"@{host}/", f"@127.0.0.1:{proxy.port}/")
    return settings.model_copy(
        update={
            "database_url": url + "?connect_timeout=2",
            "reconcile_after_seconds": 3,
            "reconcile_interval_seconds": 1,
            "page_heartbeat_seconds": 0.5,
        }
    )


def send(client: httpx.Client, key: str, content: bytes, name: str) -> httpx.Response:
    return client.post(
        "/v1/uploads",
        headers={"X-API-Key": key},
        files={"file": (name, content, "application/pdf")},
        data={"template": "jp_tennyu"},
    )


def test_a_database_outage_is_503_and_loses_nothing(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    proxy: TcpProxy,
    redis_conn: Any,
    db_sessions: Any,
    procs: Procs,
) -> None:
    assert db_sessions.kw["bind"].url.port != proxy.port  # the test itself bypasses the proxy
    key, reader = api_keys["clerk"], {"X-API-Key": api_keys["reader"]}
    uploads = [
        send(client, key, files.pdf([files.blank(1240 + n, 1754)] * 4), f"{n}.pdf")
        for n in range(2)
    ]
    assert [r.status_code for r in uploads] == [202, 202]
    worker = procs.worker(settings, standin_delay=0.4)
    wait_until(lambda: any(s == "done" for *_, s, _ in page_states(db_sessions)), 60)

    proxy.cut()
    answers = [
        client.get(f"/v1/uploads/{uploads[0].json()['id']}", headers=reader),
        client.get("/v1/documents", headers=reader),
        send(client, key, files.pdf([files.blank(1300, 1800)]), "during.pdf"),
        client.get("/readyz"),
    ]
    time.sleep(3)  # the worker meets the outage too
    answers.append(client.get("/v1/templates", headers=reader))
    for r in answers:
        assert r.status_code == 503, (r.request.url, r.status_code, r.text)
        assert r.headers["retry-after"].isdigit()
    for r in answers[:3] + answers[4:]:
        assert r.json()["error"]["code"] == "service_unavailable"
    assert client.get("/healthz").status_code == 200  # alive, only not ready

    proxy.restore()
    later = send(client, key, files.pdf([files.blank(1300, 1800)]), "after.pdf")
    assert later.status_code == 202, later.text
    bodies = [r.json() for r in uploads] + [later.json()]
    total = sum(b["pages_total"] for b in bodies)
    wait_until(lambda: [s for *_, s, _ in page_states(db_sessions)] == ["done"] * total, 120, 0.3)
    assert worker.poll() is None, "the worker survived the outage:\n" + procs.logs()
    procs.stop(worker)

    document_ids = [d for b in bodies for d in b["document_ids"]]
    with session_scope(db_sessions) as session:
        reads = session.scalars(select(AuditEntry.document_id).where(AuditEntry.action == "read"))
        assert Counter(reads) == dict.fromkeys(document_ids, 1)
    for b in bodies:
        state = client.get(f"/v1/uploads/{b['id']}", headers=reader).json()
        assert (state["status"], state["pages_done"]) == ("done", b["pages_total"])
