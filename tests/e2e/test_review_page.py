"""The reviewer page in real headless Chromium against the live service: sign in, claim,
correct (with a 422 and a lapsed lease's 409 on the way, the typed input kept; another
person's change to another field is no conflict), accept, skip, the page view, IME
composition, and the finished document reaching the feed as verified.

Set ``OCR_REVIEW_SCREENSHOT=docs/review.png`` to save the screenshot used in the docs.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from ocr_service.db.models import FieldRow, utcnow
from ocr_service.db.session import session_scope
from ocr_service.review.values import check_correction
from ocr_service.templates.loader import TemplateRegistry

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

FLAGS = {
    "name": ["readings_disagree"],
    "date_of_birth": ["invalid_date"],
    "sex": ["ambiguous_choice"],
    "phone": ["low_confidence"],
}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def sign_in(page: Page, base: str, key: str) -> None:
    page.goto(f"{base}/review")
    expect(page.get_by_label("レビュアーのAPIキー")).to_be_focused()
    page.keyboard.type(key)
    page.keyboard.press("Enter")


def expect_task(page: Page, label: str) -> None:
    expect(page.locator("#field-label")).to_have_text(label)
    expect(page.locator("#value")).to_be_focused()
    page.wait_for_function("() => document.getElementById('crop').naturalWidth > 0")


def compose(page: Page, text: str, *, confirm_key: str = "Enter") -> None:
    """Type ``text`` as a Japanese IME would: inside a composition, whose confirming key
    press arrives as a keydown with ``isComposing`` (keyCode 229)."""
    page.evaluate(
        """([text, key]) => {
            const input = document.getElementById('value');
            input.dispatchEvent(new CompositionEvent('compositionstart', {data: ''}));
            input.value = text;
            input.dispatchEvent(new InputEvent('input', {data: text, isComposing: true}));
            input.dispatchEvent(new KeyboardEvent('keydown', {
                key, code: key, keyCode: 229, isComposing: true, bubbles: true,
            }));
            input.dispatchEvent(new CompositionEvent('compositionend', {data: text}));
        }""",
        [text, confirm_key],
    )


def test_a_reviewer_finishes_a_document_with_the_keyboard(
    page: Page,
    live_server: str,
    client: httpx.Client,
    api_keys: dict[str, str],
    review_document: Any,
    db_sessions: Any,
    tmp_path: Path,
) -> None:
    seeded = review_document(
        FLAGS, misread={"name": "高橋 春番", "date_of_birth": None, "sex": None}
    )
    truth = seeded.truth
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(f"{m.text} {m.location.get('url')}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on(
        "request",
        lambda r: requests.append(f"{r.method} {r.url}") if "/fields/" in r.url else None,
    )

    sign_in(page, live_server, api_keys["reviewer"])
    expect_task(page, "氏名（必須）")
    expect(page.locator("#remaining")).to_have_text("残り 4 件")
    expect(page.locator("#reasons li")).to_have_text(["2回の読み取り結果が食い違う"])
    expect(page.locator("#value")).to_have_value("高橋 春番")
    shot = Path(os.environ.get("OCR_REVIEW_SCREENSHOT") or tmp_path / "review.png")
    page.screenshot(path=str(shot), full_page=True)

    # IME: the Enter (and Esc) that confirm/cancel a conversion neither submit nor skip
    compose(page, str(truth["name"]))
    compose(page, str(truth["name"]), confirm_key="Escape")
    page.wait_for_timeout(300)
    assert not [r for r in requests if r.startswith("PUT") or "/lease" in r]
    expect(page.locator("#field-label")).to_have_text("氏名（必須）")
    expect(page.locator("#value")).to_have_value(str(truth["name"]))
    page.keyboard.press("Enter")  # now it is a plain Enter: save the correction

    expect_task(page, "生年月日（必須）")
    expect(page.locator("#message")).to_contain_text("氏名を保存しました")
    expect(page.locator("#remaining")).to_have_text("残り 3 件")
    expect(page.locator("#value")).to_have_value("")
    page.keyboard.type("昭和50年7月32日")  # not a real date: 422, the input stays
    page.keyboard.press("Enter")
    expect(page.locator("#message")).to_contain_text("値を確認してください")
    expect(page.locator("#message")).to_contain_text("存在しない日付")
    expect(page.locator("#value")).to_have_value("昭和50年7月32日")
    expect(page.locator("#value")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#value")).to_be_focused()

    # an admin changes another field of the document meanwhile: no conflict (the lock is the
    # field's); but the reviewer's lease lapses: 409, the page takes the field again, the
    # input stays, and Enter again saves
    current = client.get(f"/v1/documents/{seeded.document_id}", headers=auth(api_keys["admin"]))
    bump = client.put(
        f"/v1/documents/{seeded.document_id}/fields/notes",
        headers=auth(api_keys["admin"]),
        json={"value": truth["notes"], "version": current.json()["version"]},
    )
    assert bump.status_code == 200, bump.text
    with session_scope(db_sessions) as session:
        session.execute(
            update(FieldRow)
            .where(FieldRow.document_id == seeded.document_id, FieldRow.name == "date_of_birth")
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    page.locator("#value").fill("昭和50年7月15日")
    page.keyboard.press("Enter")
    expect(page.locator("#message")).to_contain_text("担当の期限が切れたため取り直しました")
    expect(page.locator("#value")).to_have_value("昭和50年7月15日")
    page.keyboard.press("Enter")

    expect_task(page, "性別（必須）")
    expect(page.locator("#value-hint")).to_contain_text("1 = 男（male）、2 = 女（female）")
    page.keyboard.press("Escape")  # skip: the next task comes, the skipped one later

    expect_task(page, "電話番号（必須）")
    page.keyboard.press("F2")  # the whole page, with the field outlined
    expect(page.locator("#page-dialog")).to_be_visible()
    page.wait_for_function("() => document.getElementById('page-image').naturalWidth === 1654")
    page.keyboard.press("Escape")  # closes the page view; does not skip
    expect(page.locator("#page-dialog")).to_be_hidden()
    expect(page.locator("#field-label")).to_have_text("電話番号（必須）")
    expect(page.locator("#value")).to_be_focused()
    expect(page.locator("#value")).to_have_value(str(truth["phone"]))
    page.keyboard.press("Enter")  # unchanged: accept

    expect_task(page, "性別（必須）")  # the skipped task comes round again
    page.keyboard.type("2" if truth["sex"] == "female" else "1")
    page.keyboard.press("Enter")

    expect(page.locator("#empty-title")).to_be_visible()
    expect(page.locator("#remaining")).to_have_text("残り 0 件")
    expect(page.locator("#message")).to_contain_text("文書の確認が完了しました")
    handled = "the server responded with a status of 4(09|22)"  # answers the page shows
    assert [e for e in errors if not re.search(handled, e)] == []

    feed = client.get(
        "/v1/documents", params={"status": "verified"}, headers=auth(api_keys["reader"])
    ).json()
    (document,) = [d for d in feed["items"] if d["id"] == seeded.document_id]
    specs = {f.name: f for f in TemplateRegistry().get("jp_tennyu").template.fields}
    for name in ("name", "date_of_birth", "sex", "phone"):  # as typed, in canonical form
        assert document["data"][name] == check_correction(specs[name], truth[name]), name
    history = client.get(
        f"/v1/documents/{seeded.document_id}/history", headers=auth(api_keys["reader"])
    ).json()["entries"]
    assert [(e["action"], e["field"]) for e in history[1:]] == [
        ("correct", "name"),
        ("correct", "notes"),
        ("correct", "date_of_birth"),
        ("accept", "phone"),
        ("correct", "sex"),
        ("verify", None),
    ]


def test_the_page_keeps_the_key_per_tab_and_signs_out(
    page: Page, live_server: str, api_keys: dict[str, str], review_document: Any
) -> None:
    review_document({"phone": ["low_confidence"]}, misread={})
    page.goto(f"{live_server}/review")
    page.get_by_label("レビュアーのAPIキー").fill("ocr_nope_wrong")
    page.keyboard.press("Enter")
    expect(page.locator("#message")).to_contain_text("APIキーが無効です")
    expect(page.get_by_label("レビュアーのAPIキー")).to_be_focused()

    sign_in(page, live_server, api_keys["reviewer"])
    expect_task(page, "電話番号（必須）")
    page.reload()  # sessionStorage survives a reload; the held task comes back
    expect_task(page, "電話番号（必須）")
    assert page.evaluate("Object.keys(localStorage).length") == 0
    page.get_by_role("button", name="サインアウト").click()
    expect(page.locator("#sign-in")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
