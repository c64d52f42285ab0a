"""A refused sheet, as a clerk handles it: its image, reading it again with another template
(through the real rq queue, read exactly once), and marking it as not a form; on SQLite and
PostgreSQL. The pipeline is swapped for a stand-in at the worker's seam; the image of a
refused sheet is rendered from the real uploaded PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from ocr_service.config import Settings
from ocr_service.db.processing import start_page, touch_pages
from ocr_service.db.session import session_scope
from ocr_service.errors import BlankPage, OcrServiceError, TemplateMismatch
from ocr_service.queue.enqueue import RqPageQueue

pytestmark = pytest.mark.integration


def auth(key: str, language: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {key}"}
    if language:
        headers["Accept-Language"] = language
    return headers


@dataclass
class ChoosyReader:
    """Reads a page only as the template it belongs to (``forms``: index -> template);
    a blank index is blank. Records ``(index, template_id)`` of every call."""

    standin: Any
    forms: dict[int, str]
    blank: set[int] = field(default_factory=set)
    calls: list[tuple[int, str | None]] = field(default_factory=list)

    def read_source_page(self, path: Path, index: int, *, template_id: str | None) -> Any:
        self.calls.append((index, template_id))
        error: OcrServiceError | None = None
        if index in self.blank:
            error = BlankPage("the page is blank (no printed form or writing found)")
        elif template_id is not None and self.forms[index] != template_id:
            error = TemplateMismatch(
                f"the page is not the form of template {template_id!r}: 9 of 213 feature matches"
            )
        reader = self.standin(fail={index: error} if error else {})
        return reader.read_source_page(path, index, template_id=template_id or self.forms[index])


@pytest.fixture
def refused_upload(
    client: httpx.Client, api_keys: dict[str, str], files: Any, run_worker: Any, standin: Any
) -> tuple[str, ChoosyReader]:
    """A three-sheet feeder PDF sent as jp_tennyu: sheet 1 read, sheet 2 another form
    (jp_kyufukin), sheet 3 blank."""
    pdf = files.pdf([files.blank(), files.blank(width=1200), files.blank(width=1180)])
    r = client.post(
        "/v1/uploads",
        headers=auth(api_keys["clerk"]),
        files={"file": ("feeder.pdf", pdf, "application/pdf")},
        data={"template": "jp_tennyu"},
    )
    assert r.status_code == 202, r.text
    reader = ChoosyReader(
        standin, forms={0: "jp_tennyu", 1: "jp_kyufukin", 2: "jp_tennyu"}, blank={2}
    )
    run_worker(reader=reader)
    return r.json()["id"], reader


def test_a_refused_sheet_shows_its_image_and_reason_and_is_read_again_once(
    client: httpx.Client,
    api_keys: dict[str, str],
    refused_upload: tuple[str, ChoosyReader],
    run_worker: Any,
    settings: Settings,
    redis_conn: Any,
) -> None:
    upload_id, reader = refused_upload
    clerk = auth(api_keys["clerk"])
    state = client.get(f"/v1/uploads/{upload_id}", headers=clerk).json()
    assert state["status"] == "done_with_failures"
    assert [(p["sheet"], p["status"]) for p in state["pages"]] == [
        (1, "done"),
        (2, "failed"),
        (3, "failed"),
    ]
    other, blank = state["pages"][1]["error"], state["pages"][2]["error"]
    assert other["code"] == "template_mismatch" and other["message"].startswith("別の様式です")
    assert "feature matches" in other["details"]["detail"]  # the technical reason, kept apart
    assert blank["code"] == "blank_page" and blank["message"] == "白紙です。"
    english = client.get(f"/v1/uploads/{upload_id}", headers=auth(api_keys["clerk"], "en"))
    assert english.json()["pages"][2]["error"]["message"] == "The sheet is blank."

    image = client.get(f"/v1/uploads/{upload_id}/sheets/2/image", headers=clerk)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.headers["cache-control"] == "private, no-store"
    with Image.open(io.BytesIO(image.content)) as thumb:
        assert max(thumb.size) <= 1000 and thumb.size[0] < thumb.size[1]  # the page, upright

    r = client.post(
        f"/v1/uploads/{upload_id}/sheets/2/reread", headers=clerk, json={"template": "jp_kyufukin"}
    )
    assert r.status_code == 202, r.text
    assert (r.json()["sheet"], r.json()["status"], r.json()["template"]) == (
        2,
        "queued",
        "jp_kyufukin",
    )
    assert r.headers["cache-control"] == "no-store"
    state = client.get(f"/v1/uploads/{upload_id}", headers=clerk).json()
    assert state["status"] == "processing" and state["page_counts"]["pending"] == 1
    # while it waits: not again, not dismissed, and its old image is gone
    again = client.post(f"/v1/uploads/{upload_id}/sheets/2/reread", headers=clerk, json={})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert (
        client.post(f"/v1/uploads/{upload_id}/sheets/2/not-a-form", headers=clerk).status_code
        == 409
    )
    assert client.get(f"/v1/uploads/{upload_id}/sheets/2/image", headers=clerk).status_code == 404

    # reconcile (or a lost reply) enqueueing the same page again must not read it twice
    RqPageQueue(settings, redis_conn).requeue(upload_id, 1)
    reader.calls.clear()
    run_worker(reader=reader)
    assert reader.calls == [(1, "jp_kyufukin")]
    state = client.get(f"/v1/uploads/{upload_id}", headers=clerk).json()
    assert state["pages"][1]["status"] == "done" and state["pages"][1]["error"] is None
    assert state["status"] == "done_with_failures"  # sheet 3 is still refused
    document = client.get(f"/v1/documents/{state['document_ids'][1]}", headers=clerk).json()
    assert (document["status"], document["template"]["id"]) == ("verified", "jp_kyufukin")
    history = client.get(f"/v1/documents/{state['document_ids'][1]}/history", headers=clerk)
    assert "reread" in [entry["action"] for entry in history.json()["entries"]]
    # a read sheet is not read again (its values may be under review)
    done = client.post(f"/v1/uploads/{upload_id}/sheets/1/reread", headers=clerk, json={})
    assert done.status_code == 409


def test_a_refused_sheet_marked_not_a_form_finishes_the_upload(
    client: httpx.Client,
    api_keys: dict[str, str],
    refused_upload: tuple[str, ChoosyReader],
    run_worker: Any,
) -> None:
    upload_id, reader = refused_upload
    clerk = auth(api_keys["clerk"])
    for sheet in (2, 3):
        r = client.post(f"/v1/uploads/{upload_id}/sheets/{sheet}/not-a-form", headers=clerk)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "not_a_form"
        assert r.json()["error"]["code"] in ("template_mismatch", "blank_page")  # why, kept
    repeat = client.post(f"/v1/uploads/{upload_id}/sheets/3/not-a-form", headers=clerk)
    assert repeat.status_code == 200 and repeat.json()["status"] == "not_a_form"
    state = client.get(f"/v1/uploads/{upload_id}", headers=clerk).json()
    assert state["status"] == "done"
    assert state["page_counts"] == {
        "total": 3,
        "done": 1,
        "failed": 0,
        "not_a_form": 2,
        "pending": 0,
    }
    listed = client.get("/v1/uploads?status=done", headers=clerk).json()["items"]
    assert [u["id"] for u in listed] == [upload_id]
    # changed its mind: a sheet marked not a form can still be read again, classified
    # although the upload was sent as jp_tennyu
    r = client.post(f"/v1/uploads/{upload_id}/sheets/2/reread", headers=clerk, json={})
    assert r.status_code == 202 and r.json()["template"] == "*"
    reader.calls.clear()
    run_worker(reader=reader)
    assert reader.calls == [(1, None)]
    state = client.get(f"/v1/uploads/{upload_id}", headers=clerk).json()
    assert state["pages"][1]["status"] == "done"
    assert state["page_counts"]["not_a_form"] == 1


def test_sheet_requests_are_checked_and_answer_in_the_asked_language(
    client: httpx.Client, api_keys: dict[str, str], refused_upload: tuple[str, ChoosyReader]
) -> None:
    upload_id, _ = refused_upload
    base = f"/v1/uploads/{upload_id}/sheets"
    clerk = auth(api_keys["clerk"])
    unknown = client.post(f"{base}/2/reread", headers=clerk, json={"template": "jp_nothing"})
    assert unknown.status_code == 404
    error = unknown.json()["error"]
    assert error["code"] == "template_not_found" and "「jp_nothing」" in error["message"]
    assert unknown.headers["content-language"] == "ja"
    english = client.post(
        f"{base}/2/reread",
        headers=auth(api_keys["clerk"], "en-US,en;q=0.9,ja;q=0.5"),
        json={"template": "jp_nothing"},
    )
    assert english.json()["error"]["code"] == "template_not_found"
    assert english.json()["error"]["message"].startswith("unknown template 'jp_nothing'")
    assert english.headers["content-language"] == "en"

    missing = client.get(f"{base}/4/image", headers=clerk)
    assert missing.status_code == 404 and missing.json()["error"]["details"]["sheets"] == 3
    zero = client.get(f"{base}/0/image", headers=clerk)
    assert zero.status_code == 422 and zero.json()["error"]["code"] == "invalid_value"
    extra = client.post(f"{base}/2/reread", headers=clerk, json={"templat": "jp_kyufukin"})
    assert extra.status_code == 422
    # another clerk does not even learn that the upload exists; a reader may not act
    for path in (f"{base}/2/image", f"{base}/2/reread", f"{base}/2/not-a-form"):
        method = "GET" if path.endswith("image") else "POST"
        body = {} if method == "POST" else None
        theirs = client.request(method, path, headers=auth(api_keys["clerk2"]), json=body)
        assert theirs.status_code == 404, path
        reader = client.request(method, path, headers=auth(api_keys["reader"]), json=body)
        assert reader.status_code == 403, path
    admin = client.get(f"{base}/2/image", headers=auth(api_keys["admin"]))
    assert admin.status_code == 200


def test_a_refusal_whose_claim_was_taken_over_keeps_no_image(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    db_sessions: Any,
    settings: Settings,
) -> None:
    r = client.post(
        "/v1/uploads",
        headers=auth(api_keys["clerk"]),
        files={"file": ("one.png", files.png(files.blank()), "image/png")},
    )
    assert r.status_code == 202, r.text
    upload_id = r.json()["id"]

    class TakenOver:
        """Another worker takes the page over (reconcile thought this one dead) while it
        reads; then this one finds the page blank."""

        def read_source_page(self, path: Path, index: int, *, template_id: str | None) -> Any:
            with session_scope(db_sessions) as session:
                touch_pages(session=session, pages=[(upload_id, index)])
            with session_scope(db_sessions) as session:
                assert start_page(session=session, upload_id=upload_id, index=index) is not None
            raise BlankPage("the page is blank (no printed form or writing found)")

    run_worker(reader=TakenOver())
    blobs = [p for p in (settings.data_dir / "blobs").rglob("*") if p.is_file()]
    assert [p.name for p in blobs] == [r.json()["sha256"]]  # the upload only, no page image
    page = client.get(f"/v1/uploads/{upload_id}", headers=auth(api_keys["clerk"])).json()
    assert page["pages"][0]["status"] == "processing"  # the other worker's, untouched
