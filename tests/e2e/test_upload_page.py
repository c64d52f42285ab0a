"""The clerk's upload page in real headless Chromium against the live service and a real rq
worker running the real pipeline: a mixed feeder batch (a 転入届, a blank sheet, a 給付金申請書
sent as 転入届, a blurred 転入届) dropped on /upload, progress watched to the end, the refused
sheets with their Japanese reasons, 1-based numbers and images, one read again with the right
template and read, one marked as not a form, and the page in English.

Set ``OCR_UPLOAD_SCREENSHOT=docs/upload.png`` to save the screenshot used in the docs.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageFilter
from playwright.sync_api import Locator, Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

DROP_FILE = """([b64, name]) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, { type: "application/pdf" }));
    return transfer;
}"""

RECORD_SUMMARIES = """() => {
    window.seenSummaries = [];
    const note = () => {
        const node = document.querySelector("#watched .upload-summary");
        const text = node ? node.textContent : "";
        if (text && window.seenSummaries.at(-1) !== text) window.seenSummaries.push(text);
    };
    new MutationObserver(note).observe(document.getElementById("watched"), {
        childList: true, subtree: true, characterData: true,
    });
    note();
}"""


def feeder_batch(files: Any) -> bytes:
    """Four sheets as a document feeder makes them: a filled 転入届, a blank sheet, a filled
    給付金申請書 and a 転入届 scanned out of focus."""
    tennyu = files.form("jp_tennyu", seed=31, degrade_level="light")
    kyufukin = files.form("jp_kyufukin", seed=32, degrade_level="light")
    blank = Image.new("RGB", tennyu.size, "white")
    blurred = files.form("jp_tennyu", seed=33, degrade_level="light").filter(
        ImageFilter.GaussianBlur(12)
    )
    pdf: bytes = files.pdf([tennyu, blank, kyufukin, blurred])
    return pdf


def sheet(page: Page, n: int) -> Locator:
    return page.locator(f"#watched li.refused[data-sheet='{n}']")


def test_a_clerk_sends_a_feeder_batch_and_deals_with_the_refused_sheets(
    page: Page,
    live_server: str,
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    tmp_path: Path,
) -> None:
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(f"{m.text} {m.location.get('url')}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))

    response = page.goto(f"{live_server}/upload")
    assert (
        response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    )
    expect(page.get_by_label("窓口担当のAPIキー")).to_be_focused()
    page.keyboard.type(api_keys["clerk"])
    page.keyboard.press("Enter")

    template = page.get_by_label("様式", exact=True)
    expect(template).to_be_focused()
    expect(template.locator("option")).to_have_count(4)  # 自動で判別する + three forms
    template.select_option("jp_tennyu")

    # drop the feeder PDF on the drop zone
    pdf = base64.b64encode(feeder_batch(files)).decode()
    transfer = page.evaluate_handle(DROP_FILE, [pdf, "feeder.pdf"])
    page.dispatch_event("#drop", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})
    expect(page.locator("#chosen li")).to_have_count(1)
    expect(page.locator("#chosen li")).to_contain_text("feeder.pdf")
    page.get_by_role("button", name="読み取りに送る").click()
    expect(page.locator("#message")).to_have_text("「feeder.pdf」を受け付けました（4 枚）。")
    card = page.locator("#watched article.upload")
    expect(card.locator(".upload-summary")).to_have_text(
        "全 4 枚: 読み取り済み 0 ・ 読めず 0 ・ 処理中 4"
    )
    page.evaluate(RECORD_SUMMARIES)

    # the worker reads the batch while the page polls
    run_worker()
    expect(card.locator(".upload-summary")).to_have_text("全 4 枚: 読み取り済み 1 ・ 読めず 3")
    expect(card.locator(".upload-title")).to_have_text("feeder.pdf — 完了（読めない用紙あり）")
    expect(card.locator("progress")).to_have_attribute("value", "4")
    expect(page.locator("#message")).to_contain_text("「feeder.pdf」の読み取りが終わりました")
    seen = page.evaluate("window.seenSummaries")
    assert seen[0].endswith("処理中 4") and seen[-1] == "全 4 枚: 読み取り済み 1 ・ 読めず 3"

    # the refused sheets, numbered from 1, with reasons a clerk can act on and their images
    expect(page.locator("#watched li.refused")).to_have_count(3)
    expect(sheet(page, 1)).to_have_count(0)
    expect(sheet(page, 2).locator(".sheet-title")).to_have_text("2枚目 — 読めませんでした")
    expect(sheet(page, 2).locator(".reason")).to_have_text("白紙です。")
    expect(sheet(page, 3).locator(".reason")).to_contain_text("別の様式です。")
    expect(sheet(page, 3).locator(".code")).to_have_text("template_mismatch")
    expect(sheet(page, 4).locator(".reason")).to_have_text(
        "画像が暗すぎるか、ぼやけています。スキャンし直してください。"
    )
    expect(sheet(page, 4).locator(".code")).to_have_text("unreadable_page")
    for n in (2, 3, 4):
        thumb = sheet(page, n).locator("img.thumb")
        expect(thumb).to_have_attribute("alt", f"{n}枚目の画像")
        page.wait_for_function(
            "(n) => document.querySelector(`li.refused[data-sheet='${n}'] img`).naturalWidth > 0",
            arg=n,
        )
    shot = Path(os.environ.get("OCR_UPLOAD_SCREENSHOT") or tmp_path / "upload.png")
    page.screenshot(path=str(shot), full_page=True)

    # sheet 3 is a 給付金申請書: read it again with that template
    sheet(page, 3).get_by_label("3枚目の様式").select_option("jp_kyufukin")
    sheet(page, 3).get_by_role("button", name="この様式で読み直す").click()
    expect(page.locator("#message")).to_have_text("3枚目を読み直しに送りました。")
    expect(sheet(page, 3).locator(".sheet-title")).to_have_text("3枚目 — 読み直し待ち")
    run_worker()
    expect(sheet(page, 3).locator(".sheet-title")).to_have_text("3枚目 — 読み取りました")
    expect(card.locator(".upload-summary")).to_have_text("全 4 枚: 読み取り済み 2 ・ 読めず 2")

    # sheet 2 is blank: not a form (from the keyboard)
    sheet(page, 2).get_by_role("button", name="申請書ではない").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#message")).to_have_text("2枚目を「申請書ではない」にしました。")
    expect(sheet(page, 2).locator(".sheet-title")).to_have_text("2枚目 — 申請書ではないとしました")
    expect(card.locator(".upload-summary")).to_have_text(
        "全 4 枚: 読み取り済み 2 ・ 読めず 1 ・ 申請書ではない 1"
    )
    expect(page.locator("#recent tbody tr")).to_have_count(1)
    expect(page.locator("#recent tbody tr").first).to_contain_text("feeder.pdf")

    # the same page in English: the service's reasons too
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(sheet(page, 4).locator(".sheet-title")).to_have_text("Sheet 4 — Refused")
    expect(sheet(page, 4).locator(".reason")).to_have_text(
        "The image is too dark or blurred. Please scan the sheet again."
    )
    expect(page.get_by_label("Form", exact=True)).to_be_visible()

    clerk = {"Authorization": f"Bearer {api_keys['clerk']}"}
    upload_id = client.get("/v1/uploads", headers=clerk).json()["items"][0]["id"]
    state = client.get(f"/v1/uploads/{upload_id}", headers=clerk).json()
    assert [p["status"] for p in state["pages"]] == ["done", "not_a_form", "done", "failed"]
    third = client.get(f"/v1/documents/{state['document_ids'][2]}", headers=clerk).json()
    assert third["template"]["id"] == "jp_kyufukin"
    assert not errors, errors
