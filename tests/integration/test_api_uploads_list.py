"""``GET /v1/uploads`` (filters, cursor pages, who sees what), ``done_with_failures`` with
page counts, a repeated file with another ``external_ref`` (409), and the feed's
``external_ref`` and sheet number, over HTTP with a real rq worker."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from ocr_service.errors import BlankPage

pytestmark = pytest.mark.integration


def post(
    client: httpx.Client, key: str, content: bytes, name: str = "scan.pdf", **data: str
) -> httpx.Response:
    return client.post(
        "/v1/uploads",
        headers={"X-API-Key": key},
        files={"file": (name, content, "application/pdf")},
        data=data,
    )


def listing(client: httpx.Client, key: str, **params: Any) -> dict[str, Any]:
    r = client.get("/v1/uploads", headers={"X-API-Key": key}, params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def every_page(client: httpx.Client, key: str, **params: Any) -> list[list[str]]:
    """The ids of each page of the listing, following next_cursor to the end."""
    pages: list[list[str]] = []
    cursor = None
    while True:
        body = listing(client, key, **params, **({"cursor": cursor} if cursor else {}))
        pages.append([u["id"] for u in body["items"]])
        cursor = body["next_cursor"]
        assert body["has_more"] is (cursor is not None)
        if cursor is None:
            return pages


def test_uploads_list_filters_and_pages_and_clerks_see_their_own(
    client: httpx.Client, api_keys: dict[str, str], files: Any, redis_conn: Any
) -> None:
    clerk, clerk2, reader = api_keys["clerk"], api_keys["clerk2"], api_keys["reader"]
    mine = []
    for n in range(5):
        template = "jp_tennyu" if n % 2 == 0 else "jp_kyufukin"
        pdf = files.pdf([files.blank(1240, 1754 + n)])
        r = post(client, clerk, pdf, template=template, external_ref=f"window-{n}")
        assert r.status_code == 202, r.text
        mine.append(r.json()["id"])
        time.sleep(0.01)  # distinct created_at, so "newest first" is checkable
    theirs = post(client, clerk2, files.pdf([files.blank(1300, 1800)]), external_ref="window-0")
    assert theirs.status_code == 202
    newest_first = list(reversed(mine))

    # a clerk sees their own uploads only, newest first, in pages that neither skip nor repeat
    pages = every_page(client, clerk, limit=2)
    assert pages == [newest_first[:2], newest_first[2:4], newest_first[4:]]
    assert every_page(client, clerk2) == [[theirs.json()["id"]]]
    # even filtering by the other clerk's reference finds nothing of theirs
    assert listing(client, clerk2, external_ref="window-3")["items"] == []
    # readers (and reviewers, admins) see everyone's
    assert len(listing(client, reader)["items"]) == 6

    # filters: template, external_ref, status, created range
    tennyu = listing(client, clerk, template="jp_tennyu")["items"]
    assert [u["id"] for u in tennyu] == [newest_first[0], newest_first[2], newest_first[4]]
    by_ref = listing(client, reader, external_ref="window-0")["items"]
    assert {u["id"] for u in by_ref} == {mine[0], theirs.json()["id"]}
    assert [u["id"] for u in listing(client, clerk, status="queued")["items"]] == newest_first
    assert listing(client, clerk, status="done_with_failures")["items"] == []
    third = next(u for u in listing(client, reader)["items"] if u["id"] == mine[2])
    created = datetime.fromisoformat(third["created_at"])
    window = {
        "created_after": created.isoformat(),
        "created_before": (created + timedelta(microseconds=1)).isoformat(),
    }
    assert [u["id"] for u in listing(client, clerk, **window)["items"]] == [mine[2]]
    later = listing(client, clerk, created_after=(datetime.now(UTC) + timedelta(hours=1)))
    assert later["items"] == []
    item = listing(client, clerk, limit=1)["items"][0]
    assert "pages" not in item and item["page_counts"]["total"] == 1

    # refusals, in the error shape
    headers = {"X-API-Key": clerk}
    naive = client.get("/v1/uploads", headers=headers, params={"created_after": "2026-01-01"})
    assert naive.status_code == 422 and naive.json()["error"]["code"] == "invalid_value"
    forged = client.get("/v1/uploads", headers=headers, params={"cursor": "abc"})
    assert forged.status_code == 422 and forged.json()["error"]["code"] == "invalid_value"
    unknown = client.get("/v1/uploads", headers=headers, params={"status": "finished"})
    assert unknown.status_code == 422


def test_an_upload_with_a_failed_page_is_done_with_failures_with_counts(
    client: httpx.Client, api_keys: dict[str, str], files: Any, run_worker: Any, standin: Any
) -> None:
    clerk = api_keys["clerk"]
    r = post(client, clerk, files.pdf([files.blank()] * 4), template="jp_tennyu")
    mixed = r.json()["id"]
    clean = post(client, clerk, files.pdf([files.blank(1300, 1800)] * 2)).json()["id"]
    run_worker(reader=standin(fail={2: BlankPage("no ink")}))

    got = client.get(f"/v1/uploads/{mixed}", headers={"X-API-Key": clerk}).json()
    assert got["status"] == "done_with_failures"
    assert got["page_counts"] == {"total": 4, "done": 3, "failed": 1, "not_a_form": 0, "pending": 0}
    assert got["pages_done"] == 4  # finished, read or failed (as before)
    assert [(p["sheet"], p["status"]) for p in got["pages"]] == [
        (1, "done"),
        (2, "done"),
        (3, "failed"),
        (4, "done"),
    ]
    assert got["error"] is None
    assert client.get(f"/v1/uploads/{clean}", headers={"X-API-Key": clerk}).json()["status"] == (
        "done"
    )
    listed = listing(client, clerk, status="done_with_failures")["items"]
    assert [(u["id"], u["page_counts"]["failed"]) for u in listed] == [(mixed, 1)]
    assert [u["id"] for u in listing(client, clerk, status="done")["items"]] == [clean]


def test_the_same_file_with_another_reference_is_refused_and_says_why(
    client: httpx.Client, api_keys: dict[str, str], files: Any, redis_conn: Any
) -> None:
    clerk = api_keys["clerk"]
    pdf = files.pdf([files.blank()])
    first = post(client, clerk, pdf, template="jp_tennyu", external_ref="A-1")
    assert first.status_code == 202
    upload_id = first.json()["id"]
    # the same reference, or none: the first upload, as before
    assert post(client, clerk, pdf, template="jp_tennyu", external_ref="A-1").status_code == 200
    again = post(client, clerk, pdf, template="jp_tennyu")
    assert (again.status_code, again.json()["external_ref"]) == (200, "A-1")
    # another reference is not dropped without a word
    other = post(client, clerk, pdf, template="jp_tennyu", external_ref="B-2")
    assert other.status_code == 409, other.text
    error = other.json()["error"]
    assert set(other.json()) == {"error"}
    assert error["code"] == "duplicate_upload"
    assert "受け付けています" in error["message"] and "「A-1」" in error["message"]
    assert "スキャンし直して" in error["message"]  # what to do
    assert error["details"]["upload_id"] == upload_id
    assert (error["details"]["external_ref"], error["details"]["requested_external_ref"]) == (
        "A-1",
        "B-2",
    )
    assert "external_ref" in error["details"]["message_en"]
    # nothing was recorded: the upload keeps its reference, and there is still one upload
    got = client.get(f"/v1/uploads/{upload_id}", headers={"X-API-Key": clerk}).json()
    assert got["external_ref"] == "A-1"
    assert [u["id"] for u in listing(client, clerk)["items"]] == [upload_id]
    assert listing(client, clerk, external_ref="B-2")["items"] == []


def test_feed_items_carry_the_reference_and_the_sheet_number(
    client: httpx.Client, api_keys: dict[str, str], files: Any, run_worker: Any, standin: Any
) -> None:
    r = post(client, api_keys["clerk"], files.pdf([files.blank()] * 3), external_ref="窓口-7")
    body = r.json()
    run_worker(reader=standin())
    reader = {"X-API-Key": api_keys["reader"]}
    items = client.get("/v1/documents", headers=reader).json()["items"]
    got = sorted((d["page_index"], d["sheet"], d["external_ref"]) for d in items)
    assert got == [(0, 1, "窓口-7"), (1, 2, "窓口-7"), (2, 3, "窓口-7")]
    one = client.get(f"/v1/documents/{body['document_ids'][1]}", headers=reader).json()
    assert (one["sheet"], one["external_ref"]) == (2, "窓口-7")
