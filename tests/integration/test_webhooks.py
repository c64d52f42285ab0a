"""Webhooks end to end: registration over the API, signed deliveries to a real HTTP
receiver on 127.0.0.1, retries with rq when the receiver fails, and the delivery log.

Only loopback receivers are used."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from ocr_service import cli
from ocr_service.config import Settings, get_settings
from ocr_service.db.models import WebhookEvent
from ocr_service.db.session import session_scope
from ocr_service.errors import BlankPage, InvalidValue
from ocr_service.webhooks import service, signing

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Retries without waiting, so a burst worker runs them all."""
    return settings.model_copy(
        update={"webhook_retry_intervals": [0, 0, 0], "webhook_timeout_seconds": 5.0}
    )


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    signature_ok: bool
    answered: int


@dataclass
class Receiver:
    """A real HTTP server that checks signatures and fails the first ``fail_first`` POSTs."""

    url: str = ""
    secret: str = ""
    fail_first: int = 0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        out = [json.loads(r.body) for r in self.received if r.answered == 200]
        return [e for e in out if kind is None or e["type"] == kind]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            ok = signing.verify(state.secret, body, self.headers.get(signing.HEADER, ""))
            with state.lock:
                failing = len(state.received) < state.fail_first
                status = 500 if failing else (200 if ok else 401)
                state.received.append(
                    Received(dict(self.headers.items()), body, ok, answered=status)
                )
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/ocr"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(5)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def register(client: httpx.Client, admin: str, url: str, events: list[str]) -> dict[str, Any]:
    r = client.post("/v1/webhooks", headers=auth(admin), json={"url": url, "events": events})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def upload(client: httpx.Client, key: str, content: bytes) -> dict[str, Any]:
    r = client.post(
        "/v1/uploads",
        headers=auth(key),
        files={"file": ("batch.pdf", content, "application/pdf")},
        data={"template": "jp_tennyu", "external_ref": "window-7"},
    )
    assert r.status_code == 202, r.text
    body: dict[str, Any] = r.json()
    return body


ALL = ["document.verified", "document.failed", "upload.done"]


def test_deliveries_are_signed_retried_and_logged(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    standin: Any,
    receiver: Receiver,
) -> None:
    hook = register(client, api_keys["admin"], receiver.url, ALL)
    assert hook["secret"].startswith("whsec_") and set(hook["events"]) == set(ALL)
    receiver.secret = hook["secret"]
    receiver.fail_first = 2  # the first two POSTs get a 500

    body = upload(client, api_keys["clerk"], files.pdf([files.blank()] * 3))
    run_worker(reader=standin(fail={1: BlankPage("no ink")}, flag={2}))

    # page 0 verified, page 1 failed, page 2 needs review: 2 document events + upload.done
    assert all(r.signature_ok for r in receiver.received)
    assert len(receiver.received) == 3 + 2
    verified = receiver.events("document.verified")
    failed = receiver.events("document.failed")
    done = receiver.events("upload.done")
    assert [e["data"]["document_id"] for e in verified] == [body["document_ids"][0]]
    assert [e["data"]["document_id"] for e in failed] == [body["document_ids"][1]]
    assert failed[0]["data"]["error"] == {"code": "blank_page"}
    assert len(done) == 1 and done[0]["data"]["upload_id"] == body["id"]
    assert done[0]["data"]["document_ids"] == body["document_ids"]
    assert done[0]["data"]["external_ref"] == "window-7"
    assert (done[0]["data"]["status"], done[0]["data"]["pages_failed"]) == ("done_with_failures", 1)
    # document events name the 1-based sheet and the upload's reference
    assert [(e["data"]["sheet"], e["data"]["external_ref"]) for e in failed] == [(2, "window-7")]
    assert [e["data"]["sheet"] for e in verified] == [1]
    # payloads name ids, never a field's value
    for r in receiver.received:
        assert b"p0-" not in r.body and b"p2-" not in r.body
    first = receiver.received[0].headers
    assert first["X-OCR-Event"] in ALL and first["Content-Type"].startswith("application/json")

    log = client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=auth(api_keys["admin"]))
    assert log.status_code == 200, log.text
    deliveries = log.json()
    assert len(deliveries) == 3
    assert {d["status"] for d in deliveries} == {"delivered"}
    attempts = sorted(
        (a["attempt"], a["status_code"]) for d in deliveries for a in d["attempt_log"]
    )
    assert sum(d["attempts"] for d in deliveries) == 5
    assert attempts.count((1, 200)) + attempts.count((2, 200)) + attempts.count((3, 200)) == 3
    assert [a for a in attempts if a[1] == 500] != []
    retried = [d for d in deliveries if d["attempts"] > 1]
    assert retried and all(d["attempt_log"][0]["error"] for d in retried)


def test_a_receiver_that_keeps_failing_ends_in_failed(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    standin: Any,
    receiver: Receiver,
) -> None:
    hook = register(client, api_keys["admin"], receiver.url, ["upload.done"])
    receiver.secret = hook["secret"]
    receiver.fail_first = 100
    upload(client, api_keys["clerk"], files.pdf([files.blank()]))
    run_worker(reader=standin())
    assert len(receiver.received) == 4  # first try + 3 retries
    [delivery] = client.get(
        f"/v1/webhooks/{hook['id']}/deliveries", headers=auth(api_keys["admin"])
    ).json()
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == (
        "failed",
        4,
        500,
    )
    assert [a["attempt"] for a in delivery["attempt_log"]] == [1, 2, 3, 4]
    failed = client.get(
        f"/v1/webhooks/{hook['id']}/deliveries",
        params={"status": "failed"},
        headers=auth(api_keys["admin"]),
    ).json()
    assert [d["id"] for d in failed] == [delivery["id"]]


def test_only_admins_manage_webhooks_and_removed_ones_get_nothing(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    standin: Any,
    receiver: Receiver,
) -> None:
    for role in ("clerk", "reviewer", "reader"):
        r = client.post(
            "/v1/webhooks", headers=auth(api_keys[role]), json={"url": receiver.url, "events": ALL}
        )
        assert r.status_code == 403, role
        assert client.get("/v1/webhooks", headers=auth(api_keys[role])).status_code == 403
    bad = client.post(
        "/v1/webhooks",
        headers=auth(api_keys["admin"]),
        json={"url": "ftp://127.0.0.1/x", "events": ALL},
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_value"
    unknown_event = client.post(
        "/v1/webhooks",
        headers=auth(api_keys["admin"]),
        json={"url": receiver.url, "events": ["document.eaten"]},
    )
    assert unknown_event.status_code == 422

    hook = register(client, api_keys["admin"], receiver.url, ALL)
    listed = client.get("/v1/webhooks", headers=auth(api_keys["admin"])).json()
    assert [h["id"] for h in listed] == [hook["id"]]
    assert "secret" not in listed[0] and "secret_salt" not in listed[0]
    r = client.delete(f"/v1/webhooks/{hook['id']}", headers=auth(api_keys["admin"]))
    assert r.status_code == 204
    assert client.get("/v1/webhooks", headers=auth(api_keys["admin"])).json() == []
    again = client.delete(f"/v1/webhooks/{hook['id']}", headers=auth(api_keys["admin"]))
    assert again.status_code == 404

    upload(client, api_keys["clerk"], files.pdf([files.blank()]))
    run_worker(reader=standin())
    assert receiver.received == []
    # the delivery log of a removed webhook stays readable
    log = client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=auth(api_keys["admin"]))
    assert log.status_code == 200 and log.json() == []


def test_the_same_event_is_recorded_once(
    settings: Settings, db_sessions: Any, receiver: Receiver
) -> None:
    with session_scope(db_sessions) as session:
        hook, secret = service.create_webhook(
            session=session,
            settings=settings,
            url=receiver.url,
            events=[WebhookEvent.UPLOAD_DONE],
        )
        event = service.Event(
            type=WebhookEvent.UPLOAD_DONE, id="upload.done:u1", data={"upload_id": "u1"}
        )
        first = service.emit(session=session, event=event)
        second = service.emit(session=session, event=event)
    assert len(first) == 1 and second == []
    # the secret is derived, not stored: the same inputs give it again
    assert secret == service.secret_for(settings, hook)
    with pytest.raises(InvalidValue):
        service.check_url("http://user:pw@127.0.0.1/x")


def test_signature_verification() -> None:
    body = b'{"id":"x"}'
    header = signing.sign("whsec_test", body, timestamp=1_700_000_000)
    assert signing.verify("whsec_test", body, header, now=1_700_000_010)
    assert not signing.verify("whsec_other", body, header, now=1_700_000_010)
    assert not signing.verify("whsec_test", body + b" ", header, now=1_700_000_010)
    assert not signing.verify("whsec_test", body, header, now=1_700_001_000)  # too old
    assert not signing.verify("whsec_test", body, "garbage", now=1_700_000_010)


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Point the command line (``get_settings()``) at the test database, Redis and queue."""
    for name, value in {
        "OCR_DATABASE_URL": settings.database_url,
        "OCR_DATA_DIR": str(settings.data_dir),
        "OCR_REDIS_URL": settings.redis_url,
        "OCR_QUEUE_NAME": settings.queue_name,
        "OCR_WEBHOOK_RETRY_INTERVALS": "[0, 0, 0]",
        "OCR_WEBHOOK_ALLOW_PRIVATE": "1",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def test_cli_add_list_redeliver_and_read_the_log(
    cli_env: Settings,
    db_sessions: Any,
    run_worker: Any,
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["webhooks", "add", receiver.url, "--event", "upload.done"]) == 0
    out = capsys.readouterr().out.splitlines()
    hook_id = out[0].split()[2]
    receiver.secret = out[-1]
    assert receiver.secret.startswith("whsec_")
    assert cli.main(["webhooks", "list"]) == 0
    listing = capsys.readouterr().out
    assert hook_id in listing and receiver.url in listing and receiver.secret not in listing

    # a delivery recorded while Redis was away: pending, with no job
    with session_scope(db_sessions) as session:
        event = service.Event(
            type=WebhookEvent.UPLOAD_DONE, id="upload.done:u9", data={"upload_id": "u9"}
        )
        [delivery_id] = service.emit(session=session, event=event)
    assert cli.main(["webhooks", "redeliver", "--older-than", "0"]) == 0
    assert "enqueued 1 pending deliveries" in capsys.readouterr().out
    run_worker()
    assert [e["data"] for e in receiver.events("upload.done")] == [{"upload_id": "u9"}]

    assert cli.main(["webhooks", "deliveries", hook_id]) == 0
    log = capsys.readouterr().out
    assert delivery_id in log and "delivered" in log and "#1" in log and "HTTP 200" in log
    assert cli.main(["webhooks", "remove", hook_id]) == 0
    assert cli.main(["webhooks", "remove", hook_id]) == 2  # not_found


def test_a_review_that_verifies_sends_document_verified(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    standin: Any,
    receiver: Receiver,
) -> None:
    hook = register(client, api_keys["admin"], receiver.url, ["document.verified"])
    receiver.secret = hook["secret"]
    body = upload(client, api_keys["clerk"], files.pdf([files.blank()]))
    run_worker(reader=standin(flag={0}))
    assert receiver.received == []  # needs_review: nothing to announce yet
    [document_id] = body["document_ids"]
    doc = client.get(f"/v1/documents/{document_id}", headers=auth(api_keys["reviewer"])).json()
    [flagged] = [name for name, f in doc["fields"].items() if f["flagged"]]
    held = client.post(  # a reviewer changes only the flagged fields it holds
        f"/v1/documents/{document_id}/fields/{flagged}/lease", headers=auth(api_keys["reviewer"])
    )
    assert held.status_code == 200, held.text
    r = client.put(
        f"/v1/documents/{document_id}/fields/{flagged}",
        headers=auth(api_keys["reviewer"]),
        json={"value": "2024-04-01", "field_version": held.json()["task"]["field_version"]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "verified"
    run_worker(reader=standin())
    [event] = receiver.events("document.verified")
    assert event["data"]["document_id"] == document_id
    assert event["data"]["version"] == doc["version"] + 1
