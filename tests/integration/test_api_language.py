"""Refusals and validation messages in Japanese, in English when the request asks with
Accept-Language; the codes the same in both (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ocr_service.errors import UnreadablePage
from ocr_service.messages import is_japanese

pytestmark = pytest.mark.integration

ENGLISH = {"Accept-Language": "en-US,en;q=0.9,ja;q=0.3"}
JAPANESE = {"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8"}


def error(r: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = r.json()["error"]
    return body


def test_refusals_answer_in_japanese_unless_english_is_asked(
    client: httpx.Client, api_keys: dict[str, str], files: Any, redis_conn: Any
) -> None:
    clerk = {"X-API-Key": api_keys["clerk"]}
    text = ("note.txt", b"not a scan at all", "text/plain")
    cases = [
        ("GET", "/v1/uploads", {}, None, "unauthenticated", 401),
        ("POST", "/v1/uploads", clerk, {"files": {"file": text}}, "unsupported_file_type", 415),
        ("GET", "/v1/uploads/no-such-upload", clerk, None, "not_found", 404),
        ("GET", "/v1/uploads?limit=0", clerk, None, "invalid_value", 422),
        ("GET", "/v1/documents", clerk, None, "forbidden", 403),
    ]
    for method, path, headers, kwargs, code, status in cases:
        by_default = client.request(method, path, headers=headers, **(kwargs or {}))
        ja = client.request(method, path, headers=headers | JAPANESE, **(kwargs or {}))
        en = client.request(method, path, headers=headers | ENGLISH, **(kwargs or {}))
        for r in (by_default, ja, en):
            assert (r.status_code, error(r)["code"]) == (status, code), (path, r.text)
        assert is_japanese(error(by_default)["message"]), (path, error(by_default))
        assert error(ja)["message"] == error(by_default)["message"]
        assert not is_japanese(error(en)["message"]), (path, error(en))
        assert (ja.headers["content-language"], en.headers["content-language"]) == ("ja", "en")
    unsupported = client.post("/v1/uploads", headers=clerk, files={"file": text})
    assert error(unsupported)["message"].startswith("PDF・TIFF・PNG・JPEG 以外のファイルです。")


def test_page_refusals_of_an_upload_read_in_the_asked_language(
    client: httpx.Client, api_keys: dict[str, str], files: Any, run_worker: Any, standin: Any
) -> None:
    clerk = {"X-API-Key": api_keys["clerk"]}
    r = client.post(
        "/v1/uploads",
        headers=clerk,
        files={"file": ("dark.png", files.png(files.blank()), "image/png")},
    )
    assert r.status_code == 202, r.text
    run_worker(reader=standin(fail={0: UnreadablePage("the page is too dark to be read")}))
    ja = client.get(f"/v1/uploads/{r.json()['id']}", headers=clerk).json()
    en = client.get(f"/v1/uploads/{r.json()['id']}", headers=clerk | ENGLISH).json()
    assert ja["status"] == en["status"] == "failed"
    assert ja["error"]["code"] == en["error"]["code"] == "all_pages_failed"
    assert ja["error"]["message"].startswith("どのページも読み取れませんでした")
    page_ja, page_en = ja["pages"][0]["error"], en["pages"][0]["error"]
    assert page_ja["code"] == page_en["code"] == "unreadable_page"
    assert page_ja["message"] == "画像が暗すぎるか、ぼやけています。スキャンし直してください。"
    assert page_en["message"] == "The image is too dark or blurred. Please scan the sheet again."
    assert page_ja["details"]["detail"] == "the page is too dark to be read"
    listed = client.get("/v1/uploads", headers=clerk | ENGLISH).json()["items"][0]
    assert listed["error"]["message"].startswith("No page of the file could be read")
