"""The document feed and the CSV export, over HTTP, after real rq workers ran."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration


def upload(client: httpx.Client, key: str, content: bytes) -> dict[str, Any]:
    r = client.post(
        "/v1/uploads",
        headers={"X-API-Key": key},
        files={"file": ("batch.pdf", content, "application/pdf")},
        data={"template": "jp_tennyu"},
    )
    assert r.status_code == 202, r.text
    body: dict[str, Any] = r.json()
    return body


def poll(client: httpx.Client, key: str, cursor: str | None, **params: Any) -> dict[str, Any]:
    if cursor:
        params["cursor"] = cursor
    r = client.get("/v1/documents", headers={"X-API-Key": key}, params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def drain(
    client: httpx.Client, key: str, cursor: str | None, **params: Any
) -> tuple[list[Any], str | None]:
    items: list[Any] = []
    while True:
        page = poll(client, key, cursor, **params)
        items += page["items"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return items, cursor


def test_feed_pages_without_misses_or_repeats(
    client: httpx.Client, api_keys: dict[str, str], files: Any, run_worker: Any, standin: Any
) -> None:
    key = api_keys["reader"]
    first = upload(client, api_keys["clerk"], files.pdf([files.blank()] * 5))
    run_worker(reader=standin(flag={3}))
    items, cursor = drain(client, key, None, limit=2)
    assert [d["id"] for d in items] == sorted(
        first["document_ids"], key=lambda d: next(i["updated_at"] for i in items if i["id"] == d)
    )
    assert len({d["id"] for d in items}) == 5
    keys = [(d["updated_at"], d["id"]) for d in items]
    assert keys == sorted(keys)
    # nothing new: the cursor stays put and nothing repeats
    again = poll(client, key, cursor)
    assert (again["items"], again["next_cursor"], again["has_more"]) == ([], cursor, False)
    # new work shows up after the cursor, and only the new work
    second = upload(client, api_keys["clerk"], files.pdf([files.blank(1240, 1760)] * 3))
    run_worker(reader=standin())
    later, _ = drain(client, key, cursor, limit=2)
    assert {d["id"] for d in later} == set(second["document_ids"])
    # filters
    review, _ = drain(client, key, None, status="needs_review")
    assert [d["id"] for d in review] == [first["document_ids"][3]]
    assert drain(client, key, None, template="jp_kyufukin")[0] == []
    bad = client.get("/v1/documents", headers={"X-API-Key": key}, params={"cursor": "xyz"})
    assert bad.status_code == 422
    naive = client.get(
        "/v1/documents", headers={"X-API-Key": key}, params={"updated_after": "2026-01-01T00:00"}
    )
    assert naive.status_code == 422


def test_csv_export_has_bom_and_one_row_per_document(
    client: httpx.Client, api_keys: dict[str, str], files: Any, run_worker: Any, standin: Any
) -> None:
    body = upload(client, api_keys["clerk"], files.pdf([files.blank()] * 3))
    run_worker(reader=standin(flag={1}))
    template = client.get("/v1/templates/jp_tennyu", headers={"X-API-Key": api_keys["reader"]})
    names = [f["name"] for f in template.json()["fields"]]
    r = client.get("/v1/exports/jp_tennyu.csv", headers={"X-API-Key": api_keys["reader"]})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    fixed = ["document_id", "upload_id", "status", "updated_at", "sheet", "external_ref"]
    assert rows[0] == [*fixed, *names]
    assert sorted(row[4] for row in rows[1:]) == ["1", "2", "3"]
    assert sorted(row[0] for row in rows[1:]) == sorted(body["document_ids"])
    assert {row[1] for row in rows[1:]} == {body["id"]}
    verified = client.get(
        "/v1/exports/jp_tennyu.csv",
        headers={"X-API-Key": api_keys["reader"]},
        params={"status": "verified"},
    )
    assert len(list(csv.reader(io.StringIO(verified.content.decode("utf-8-sig"))))) == 3
