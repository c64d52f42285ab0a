"""Every endpoint checks the key: 401 without or with an unknown key, 403 with a wrong role."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ocr_service.auth import revoke_key
from ocr_service.db.session import session_scope

pytestmark = pytest.mark.integration

ENDPOINTS = [
    ("GET", "/v1/uploads/x"),
    ("POST", "/v1/uploads"),
    ("GET", "/v1/documents"),
    ("GET", "/v1/documents/x"),
    ("GET", "/v1/templates"),
    ("GET", "/v1/templates/jp_tennyu"),
    ("GET", "/v1/templates/jp_tennyu/schema"),
    ("GET", "/v1/exports/jp_tennyu.csv"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_no_key_or_unknown_key_is_401(client: httpx.Client, method: str, path: str) -> None:
    r = client.request(method, path)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"
    assert r.headers["www-authenticate"] == "Bearer"
    r = client.request(method, path, headers={"Authorization": "Bearer ocr_abc_nope"})
    assert r.status_code == 401


def test_wrong_role_is_403(client: httpx.Client, api_keys: dict[str, str]) -> None:
    clerk = {"Authorization": f"Bearer {api_keys['clerk']}"}
    reader = {"X-API-Key": api_keys["reader"]}
    assert client.get("/v1/documents", headers=clerk).status_code == 403
    assert client.get("/v1/exports/jp_tennyu.csv", headers=clerk).status_code == 403
    r = client.post("/v1/uploads", headers=reader, files={"file": ("a.png", b"x")})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    for role in ("reader", "reviewer", "admin"):
        r = client.get("/v1/documents", headers={"X-API-Key": api_keys[role]})
        assert r.status_code == 200, role


def test_revoked_key_is_401(
    client: httpx.Client, api_keys: dict[str, str], db_sessions: Any
) -> None:
    key = api_keys["reader"]
    assert client.get("/v1/templates", headers={"X-API-Key": key}).status_code == 200
    with session_scope(db_sessions) as session:
        revoke_key(session=session, key_id=key.split("_")[1])
    assert client.get("/v1/templates", headers={"X-API-Key": key}).status_code == 401


def test_health_needs_no_key(client: httpx.Client, redis_conn: object) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "checks": {}}
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_openapi_documents_every_route_with_examples(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert "/v1/exports/{template_id}.csv" in spec["paths"]
    assert spec["components"]["schemas"]["UploadPublic"]["examples"]
    assert spec["components"]["schemas"]["DocumentPublic"]["examples"]
