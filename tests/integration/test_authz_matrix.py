"""Who may do what: every route of the app x every role, no key and a bad key.

The routes are enumerated from ``app.routes``: a new endpoint without an entry in
``EXPECTED`` fails the test, so nobody adds one without deciding who may call it.
Also: keys are compared in constant time and never logged, and clerks never see one
another's uploads or documents.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import fastapi.routing
import httpx
import pytest
from starlette.routing import BaseRoute

from ocr_service import auth as auth_module
from ocr_service.db.session import session_scope
from ocr_service.errors import Unauthenticated

pytestmark = pytest.mark.integration

PUBLIC = frozenset({"clerk", "reviewer", "senior", "reader", "admin", "nobody", "bad key"})
EVERY_ROLE = frozenset({"clerk", "reviewer", "senior", "reader", "admin"})
READERS = frozenset({"reviewer", "senior", "reader", "admin"})
REVIEWERS = frozenset({"reviewer", "senior", "admin"})
SENIORS = frozenset({"senior", "admin"})
UPLOADERS = frozenset({"clerk", "admin"})
ADMINS = frozenset({"admin"})

EXPECTED: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,  # by design: keep it off the public network (docs)
    ("GET", "/review"): PUBLIC,  # the page holds no data; its API calls carry the key
    ("GET", "/review/static/{name}"): PUBLIC,
    ("GET", "/upload"): PUBLIC,  # the page holds no data; its API calls carry the key
    ("GET", "/upload/static/{name}"): PUBLIC,
    ("POST", "/v1/uploads"): UPLOADERS,
    ("GET", "/v1/uploads"): EVERY_ROLE,  # clerks see their own only
    ("GET", "/v1/uploads/{upload_id}"): EVERY_ROLE,
    ("GET", "/v1/uploads/{upload_id}/sheets/{sheet}/image"): UPLOADERS,  # clerks: their own
    ("POST", "/v1/uploads/{upload_id}/sheets/{sheet}/reread"): UPLOADERS,
    ("POST", "/v1/uploads/{upload_id}/sheets/{sheet}/not-a-form"): UPLOADERS,
    ("GET", "/v1/documents"): READERS,
    ("GET", "/v1/documents/{document_id}"): EVERY_ROLE,
    ("GET", "/v1/documents/{document_id}/history"): EVERY_ROLE,
    ("GET", "/v1/templates"): EVERY_ROLE,
    ("GET", "/v1/templates/{template_id}"): EVERY_ROLE,
    ("GET", "/v1/templates/{template_id}/schema"): EVERY_ROLE,
    ("GET", "/v1/exports/{template_id}.csv"): READERS,
    ("GET", "/v1/exports/{template_id}.xlsx"): READERS,
    ("GET", "/v1/review/tasks"): REVIEWERS,
    ("POST", "/v1/review/claim"): REVIEWERS,
    ("GET", "/v1/review/incomplete"): EVERY_ROLE,  # clerks see their own uploads' only
    ("POST", "/v1/documents/{document_id}/fields/{field}/lease"): REVIEWERS,
    ("DELETE", "/v1/documents/{document_id}/fields/{field}/lease"): REVIEWERS,
    ("POST", "/v1/documents/{document_id}/incomplete"): REVIEWERS,  # a holder of its task
    ("POST", "/v1/documents/{document_id}/reopen"): SENIORS,
    ("GET", "/v1/documents/{document_id}/fields/{field}/image"): REVIEWERS,
    ("GET", "/v1/documents/{document_id}/pages/{page}/image"): REVIEWERS,
    ("PUT", "/v1/documents/{document_id}/fields/{field}"): REVIEWERS,
    ("POST", "/v1/documents/{document_id}/fields/{field}/accept"): REVIEWERS,
    ("POST", "/v1/webhooks"): ADMINS,
    ("GET", "/v1/webhooks"): ADMINS,
    ("DELETE", "/v1/webhooks/{webhook_id}"): ADMINS,
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): ADMINS,
}

PATH_VALUES = {
    "upload_id": str(uuid.uuid4()),
    "document_id": str(uuid.uuid4()),
    "webhook_id": str(uuid.uuid4()),
    "template_id": "jp_tennyu",
    "field": "filing_date",
    "page": "1",
    "sheet": "1",
    "name": "review.js",
}


def iter_routes(routes: list[BaseRoute]) -> Iterator[Any]:
    """Every route, also inside routers that FastAPI includes lazily."""
    included = getattr(fastapi.routing, "_IncludedRouter", None)
    for route in routes:
        if included is not None and isinstance(route, included):
            yield from iter_routes(route.effective_candidates())
        else:
            yield route


def app_endpoints(app: Any) -> set[tuple[str, str]]:
    found = set()
    for route in iter_routes(app.routes):
        for method in getattr(route, "methods", None) or ():
            if method != "HEAD":
                found.add((method, route.path))
    return found


def test_every_endpoint_has_an_entry(app: Any) -> None:
    found = app_endpoints(app)
    assert found, "no routes found: has FastAPI changed how it keeps them?"
    missing = sorted(found - set(EXPECTED))
    assert not missing, f"new endpoints need a row in EXPECTED (who may call them): {missing}"
    assert not sorted(set(EXPECTED) - found), "EXPECTED lists endpoints that are gone"


def request_for(method: str, path: str, files: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if (method, path) == ("POST", "/v1/uploads"):
        kwargs["files"] = {"file": ("scan.png", files.png(files.blank()), "image/png")}
    elif (method, path) == ("POST", "/v1/webhooks"):
        kwargs["json"] = {"url": "http://127.0.0.1:9/hook", "events": ["document.verified"]}
    elif method == "PUT":
        kwargs["json"] = {"value": "令和6年4月1日", "field_version": 1}
    elif path.endswith("/accept"):
        kwargs["json"] = {"field_version": 1}
    elif path.endswith("/incomplete") and method == "POST":
        kwargs["json"] = {"version": 1, "reason": "同意欄が空欄"}
    elif path.endswith("/reopen"):
        kwargs["json"] = {"version": 1, "fields": ["filing_date"], "reason": "訂正"}
    elif path.endswith(("/claim", "/reread", "/not-a-form")):
        kwargs["json"] = {}
    return kwargs


def test_authorization_matrix(
    app: Any,
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    redis_conn: Any,
) -> None:
    callers: dict[str, dict[str, str]] = {
        role: {"Authorization": f"Bearer {api_keys[role]}"} for role in EVERY_ROLE
    }
    callers["nobody"] = {}
    bad = api_keys["admin"][:-4] + "AAAA"  # a real key id with a wrong secret
    callers["bad key"] = {"X-API-Key": bad}
    problems = []
    for method, path in sorted(app_endpoints(app)):
        allowed = EXPECTED[(method, path)]
        url = path.format(**PATH_VALUES)
        for caller, headers in callers.items():
            r = client.request(method, url, headers=headers, **request_for(method, path, files))
            got = r.status_code
            if r.status_code >= 500:
                problems.append(f"{method} {path} as {caller}: {got} {r.text[:200]}")
            elif caller in allowed:
                if got in (401, 403):
                    problems.append(f"{method} {path} as {caller}: {got}, expected access")
            elif caller in ("nobody", "bad key"):
                if got != 401 or r.headers.get("www-authenticate") != "Bearer":
                    problems.append(f"{method} {path} as {caller}: {got}, expected 401")
                elif r.json()["error"]["code"] != "unauthenticated":
                    problems.append(f"{method} {path} as {caller}: code {r.text}")
            elif got != 403 or r.json()["error"]["code"] != "forbidden":
                problems.append(f"{method} {path} as {caller}: {got}, expected 403")
    assert not problems, "\n".join(problems)


def test_clerks_never_see_one_anothers_uploads_or_documents(
    client: httpx.Client, api_keys: dict[str, str], files: Any, redis_conn: Any
) -> None:
    mine = {"X-API-Key": api_keys["clerk"]}
    theirs = {"X-API-Key": api_keys["clerk2"]}
    r = client.post(
        "/v1/uploads",
        headers=mine,
        files={"file": ("a.png", files.png(files.blank()), "image/png")},
    )
    assert r.status_code == 202, r.text
    upload_id, (doc_id,) = r.json()["id"], r.json()["document_ids"]
    for path in (
        f"/v1/uploads/{upload_id}",
        f"/v1/documents/{doc_id}",
        f"/v1/documents/{doc_id}/history",
    ):
        assert client.get(path, headers=mine).status_code == 200, path
        other = client.get(path, headers=theirs)
        assert other.status_code == 404, (path, other.status_code)  # not even "exists"
        assert upload_id not in other.text or path.startswith("/v1/uploads")
    assert client.get("/v1/documents", headers=theirs).status_code == 403
    listed = client.get("/v1/uploads", headers=theirs)
    assert listed.status_code == 200 and listed.json()["items"] == []
    assert [u["id"] for u in client.get("/v1/uploads", headers=mine).json()["items"]] == [upload_id]
    same = client.post(
        "/v1/uploads",
        headers=theirs,
        files={"file": ("a.png", files.png(files.blank()), "image/png")},
    )
    assert same.status_code == 202  # the same file from another clerk is that clerk's own
    assert same.json()["id"] != upload_id


def test_keys_are_compared_in_constant_time(
    api_keys: dict[str, str], db_sessions: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)  # the module auth uses
    good = api_keys["reader"]
    attempts = [good, good[:-1] + ("B" if good[-1] != "B" else "C"), "ocr_unknownid_secret"]
    with session_scope(db_sessions) as session:
        for key in attempts:
            with contextlib.suppress(Unauthenticated):
                auth_module.authenticate(session=session, key=key)
    assert len(calls) == len(attempts)  # every attempt, also for an unknown key id
    assert all(len(a) == len(b) == 64 for a, b in calls)  # digests, not the keys


def test_keys_never_appear_in_logs(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    redis_conn: Any,
    run_worker: Any,
    standin: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    key = api_keys["clerk"]
    secret = key.split("_", 2)[2]
    r = client.post(
        "/v1/uploads",
        headers={"Authorization": f"Bearer {key}"},
        files={"file": ("a.png", files.png(files.blank()), "image/png")},
    )
    assert r.status_code == 202
    run_worker(reader=standin())
    client.get(f"/v1/uploads/{r.json()['id']}", headers={"X-API-Key": key})
    bad = key[:-3] + "xyz"
    refused = client.get("/v1/templates", headers={"X-API-Key": bad})
    assert refused.status_code == 401
    assert bad not in refused.text and secret[:12] not in refused.text
    assert client.get("/v1/webhooks", headers={"X-API-Key": key}).status_code == 403
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert caplog.records, "nothing was logged: the check would prove nothing"
    for value in (key, secret, bad, secret[:12]):
        assert value not in text
