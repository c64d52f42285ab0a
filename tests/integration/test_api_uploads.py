"""``POST /v1/uploads`` and ``GET /v1/uploads/{id}``, templates, and unknown ids, over HTTP."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration


def post(client: httpx.Client, key: str, content: bytes, **data: str) -> httpx.Response:
    return client.post(
        "/v1/uploads",
        headers={"Authorization": f"Bearer {key}"},
        files={"file": ("../scan 1.png", content, "image/png")},
        data=data,
    )


def test_upload_is_accepted_and_idempotent(
    client: httpx.Client, api_keys: dict[str, str], files: Any, redis_conn: Any
) -> None:
    png = files.png(files.blank())
    r = post(client, api_keys["clerk"], png, template="jp_tennyu", external_ref="A-1")
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["status"] == "queued"
    assert (body["pages_total"], body["mime"], body["filename"]) == (1, "image/png", "scan 1.png")
    assert len(body["sha256"]) == 64
    again = post(client, api_keys["clerk"], png, template="jp_tennyu", external_ref="A-1")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    other_template = post(client, api_keys["clerk"], png, template="jp_kyufukin")
    assert other_template.status_code == 202
    assert other_template.json()["id"] != body["id"]
    # another clerk gets an upload of their own, and cannot see the first clerk's
    mine = post(client, api_keys["clerk2"], png, template="jp_tennyu")
    assert mine.status_code == 202
    assert mine.json()["id"] != body["id"]
    headers = {"X-API-Key": api_keys["clerk2"]}
    assert client.get(f"/v1/uploads/{body['id']}", headers=headers).status_code == 404
    doc = body["document_ids"][0]
    assert client.get(f"/v1/documents/{doc}", headers=headers).status_code == 404
    reader = {"X-API-Key": api_keys["reader"]}
    got = client.get(f"/v1/uploads/{body['id']}", headers=reader).json()
    assert got["pages"] == [
        {
            "index": 0,
            "sheet": 1,
            "status": "queued",
            "document_id": doc,
            "attempts": 0,
            "template": None,
            "error": None,
        }
    ]
    assert got["page_counts"] == {"total": 1, "done": 0, "failed": 0, "not_a_form": 0, "pending": 1}
    document = client.get(f"/v1/documents/{doc}", headers=reader).json()
    assert (document["status"], document["template"], document["data"]) == ("queued", None, {})


def test_concurrent_identical_uploads_give_one_upload(
    client: httpx.Client, api_keys: dict[str, str], files: Any, redis_conn: Any
) -> None:
    png = files.png(files.blank(1300, 1800))
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: post(client, api_keys["clerk"], png), range(4)))
    assert sorted(r.status_code for r in answers) == [200, 200, 200, 202]
    assert len({r.json()["id"] for r in answers}) == 1


def test_unknown_template_lists_the_known_ones(
    client: httpx.Client, api_keys: dict[str, str], files: Any
) -> None:
    r = post(client, api_keys["clerk"], files.png(files.blank()), template="nope")
    assert r.status_code == 404
    error = r.json()["error"]
    assert error["code"] == "template_not_found"
    assert {"jp_tennyu", "jp_kyufukin"} <= set(error["details"]["known"])


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"hello, this is not a scan", 415, "unsupported_file_type"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, 422, "corrupt_file"),
        (b"", 422, "corrupt_file"),
    ],
)
def test_bad_files_are_refused_with_a_reason(
    client: httpx.Client, api_keys: dict[str, str], content: bytes, status: int, code: str
) -> None:
    r = post(client, api_keys["clerk"], content)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert r.json()["error"]["message"]


def test_missing_file_field_is_422(client: httpx.Client, api_keys: dict[str, str]) -> None:
    r = client.post("/v1/uploads", headers={"X-API-Key": api_keys["clerk"]}, data={"x": "1"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_value"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/uploads/0b7e6d9c-0000-0000-0000-000000000000",
        "/v1/documents/0b7e6d9c-0000-0000-0000-000000000000",
        "/v1/templates/nope",
        "/v1/templates/nope/schema",
        "/v1/exports/nope.csv",
    ],
)
def test_unknown_ids_are_404(client: httpx.Client, api_keys: dict[str, str], path: str) -> None:
    r = client.get(path, headers={"X-API-Key": api_keys["admin"]})
    assert r.status_code == 404
    assert r.json()["error"]["code"] in ("not_found", "template_not_found")


def test_templates_contract_and_schema(client: httpx.Client, api_keys: dict[str, str]) -> None:
    headers = {"X-API-Key": api_keys["clerk"]}
    listing = client.get("/v1/templates", headers=headers).json()
    ids = [t["id"] for t in listing]
    assert "jp_tennyu" in ids
    contract = client.get("/v1/templates/jp_tennyu", headers=headers).json()
    assert contract["id"] == "jp_tennyu"
    schema = client.get("/v1/templates/jp_tennyu/schema", headers=headers).json()
    assert list(schema["properties"]) == [f["name"] for f in contract["fields"]]
