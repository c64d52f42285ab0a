"""Every answer in the documented shape, no personal data kept by a cache, bounded JSON
bodies and values (issue 21, items 6-8)."""

from __future__ import annotations

import uuid

import httpx
import pytest

pytestmark = pytest.mark.integration


def assert_error(r: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return dict(body["error"])


def test_an_unknown_path_answers_in_the_error_shape(client: httpx.Client) -> None:
    r = client.get("/v1/no-such-thing")
    error = assert_error(r, 404, "not_found")
    assert "/v1/no-such-thing" in str(error["message"])
    assert r.headers["cache-control"] == "no-store"


def test_a_method_the_path_does_not_take_names_the_allowed_ones(client: httpx.Client) -> None:
    r = client.delete("/healthz")
    error = assert_error(r, 405, "method_not_allowed")
    assert "GET" in r.headers["allow"]
    assert "GET" in str(error["message"])


def test_a_body_that_cannot_be_parsed_is_a_400_in_the_shape(
    client: httpx.Client, api_keys: dict[str, str]
) -> None:
    r = client.post(
        "/v1/uploads",
        headers={
            "X-API-Key": api_keys["clerk"],
            "Content-Type": "multipart/form-data; boundary=zzz",
        },
        content=b'--zzz\r\nContent-Disposition: form-data; name="file"\r\n\r\nno end',
    )
    assert r.status_code in (400, 422), r.text
    assert set(r.json()) == {"error"}


def test_personal_data_answers_are_not_cacheable(
    client: httpx.Client, api_keys: dict[str, str]
) -> None:
    headers = {"X-API-Key": api_keys["reader"]}
    for path in ("/v1/documents", f"/v1/documents/{uuid.uuid4()}", "/v1/review/tasks"):
        r = client.get(
            path, headers=headers if "review" not in path else {"X-API-Key": api_keys["reviewer"]}
        )
        assert "no-store" in r.headers.get("cache-control", ""), (path, r.status_code)


def test_a_huge_json_body_is_refused_before_it_is_parsed(
    client: httpx.Client, api_keys: dict[str, str]
) -> None:
    body = b'{"value": "' + b"x" * (2 * 1024 * 1024) + b'", "version": 1}'
    r = client.put(
        f"/v1/documents/{uuid.uuid4()}/fields/name",
        headers={"X-API-Key": api_keys["reviewer"], "Content-Type": "application/json"},
        content=body,
    )
    assert_error(r, 413, "body_too_large")


def test_a_reviewer_value_has_a_length_limit(
    client: httpx.Client, api_keys: dict[str, str]
) -> None:
    r = client.put(
        f"/v1/documents/{uuid.uuid4()}/fields/name",
        headers={"X-API-Key": api_keys["reviewer"]},
        json={"value": "x" * 5000, "version": 1},
    )
    assert_error(r, 422, "invalid_value")
