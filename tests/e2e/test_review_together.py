"""The reviewer station with more than one person, in real headless Chromium (issue 20):
two reviewers clearing one document at the same time, 不備 (return as incomplete), a
senior's reopen and correction, and the empty queue picking up new work by itself.

Each test drives the page with real key presses; the API is only used to seed work, to
reopen (no page for it yet) and to check what reached the feed and the audit trail.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from ocr_service.auth import Role, create_key
from ocr_service.db.models import WebhookDelivery
from ocr_service.db.session import session_scope
from ocr_service.review.values import check_correction
from ocr_service.templates.loader import TemplateRegistry

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

EIGHT_FLAGS = {
    name: ["low_confidence"]
    for name in (
        "filing_date",
        "move_date",
        "furigana",
        "name",
        "date_of_birth",
        "postal_code",
        "phone",
        "kokuho",
    )
}
POLL = "?poll=1000"
"""The empty screen asks again every second in these tests (5 s by default)."""


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def sign_in(page: Page, base: str, key: str, query: str = "") -> None:
    page.goto(f"{base}/review{query}")
    expect(page.get_by_label("レビュアーのAPIキー")).to_be_focused()
    page.keyboard.type(key)
    page.keyboard.press("Enter")


def new_key(db_sessions: Any, role: Role, name: str) -> str:
    with session_scope(db_sessions) as session:
        _, key = create_key(session=session, role=role, name=name)
    return key


@pytest.fixture
def second_page(browser: Browser) -> Iterator[Page]:
    """A second reviewer: its own browser context (own sessionStorage, own key)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 1000}, locale="ja-JP", device_scale_factor=1
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def watch_statuses(page: Page, into: list[str]) -> None:
    page.on(
        "response",
        lambda r: (
            into.append(f"{r.status} {r.request.method} {r.url}") if "/v1/" in r.url else None
        ),
    )


def showing(page: Page) -> str:
    """What the page shows now: ``document/field`` of its task, or ``empty``."""
    return str(
        page.evaluate(
            """() => document.getElementById('empty').hidden
                ? document.getElementById('field-name').textContent
                  + '@' + document.getElementById('document-id').title
                : 'empty'"""
        )
    )


def test_two_reviewers_clear_one_document_with_eight_flags_at_once_without_a_409(
    page: Page,
    second_page: Page,
    live_server: str,
    client: httpx.Client,
    api_keys: dict[str, str],
    db_sessions: Any,
    review_document: Any,
) -> None:
    seeded = review_document(EIGHT_FLAGS, misread={})
    reviewers = [api_keys["reviewer"], new_key(db_sessions, Role.REVIEWER, "second reviewer")]
    pages = [page, second_page]
    statuses: list[str] = []
    for tab in pages:
        watch_statuses(tab, statuses)
    for tab, key in zip(pages, reviewers, strict=True):
        sign_in(tab, live_server, key)
        expect(tab.locator("#task")).to_be_visible()
    assert showing(page) != showing(second_page)  # never the same field

    started = time.monotonic()
    presses = 0
    while any(showing(tab) != "empty" for tab in pages):
        before = [showing(tab) for tab in pages]
        active = [tab for tab, shown in zip(pages, before, strict=True) if shown != "empty"]
        for tab in active:  # both press Enter before either answer is back
            tab.locator("#value").press("Enter")
            presses += 1
        for tab, shown in zip(pages, before, strict=True):
            if shown != "empty":
                tab.wait_for_function(
                    """(shown) => {
                        const empty = !document.getElementById('empty').hidden;
                        const now = document.getElementById('field-name').textContent
                          + '@' + document.getElementById('document-id').title;
                        return empty || now !== shown;
                    }""",
                    arg=shown,
                )
        assert presses <= 2 * len(EIGHT_FLAGS), "the reviewers are not getting anywhere"
    seconds = time.monotonic() - started

    conflicts = [s for s in statuses if s.startswith("409")]
    assert conflicts == []
    assert [s for s in statuses if s[0] in "45"] == []
    assert presses == len(EIGHT_FLAGS)  # one Enter per field, nothing pressed twice
    print(f"\ntwo reviewers, 8 accepted fields: {presses} keys, {seconds:.2f} s in all")

    document = client.get(
        f"/v1/documents/{seeded.document_id}", headers=auth(api_keys["reader"])
    ).json()
    assert document["status"] == "verified"
    history = client.get(
        f"/v1/documents/{seeded.document_id}/history", headers=auth(api_keys["reader"])
    ).json()["entries"]
    accepted = [e for e in history if e["action"] == "accept"]
    assert sorted(e["field"] for e in accepted) == sorted(EIGHT_FLAGS)
    by = {e["actor"]["key_id"] for e in accepted}
    assert by == {key.split("_")[1] for key in reviewers}  # both did part of the work
    assert [e["action"] for e in history].count("verify") == 1


def test_a_document_returned_as_incomplete_stays_out_of_the_feed_and_clerks_see_it(
    page: Page,
    live_server: str,
    client: httpx.Client,
    api_keys: dict[str, str],
    review_document: Any,
) -> None:
    # the empty queue refreshes itself: the page is open before the work arrives
    sign_in(page, live_server, api_keys["reviewer"], POLL)
    expect(page.locator("#empty-title")).to_be_visible()
    expect(page.locator("#empty-detail")).to_contain_text("自動で表示します")
    seeded = review_document({"kokuho": ["required_missing"], "phone": ["low_confidence"]}, {})
    expect(page.locator("#field-label")).to_have_text("電話番号（必須）", timeout=8_000)

    page.keyboard.press("F8")
    expect(page.locator("#incomplete-dialog")).to_be_visible()
    expect(page.locator("#incomplete-reason")).to_be_focused()
    page.keyboard.press("Enter")  # no reason yet: refused, the dialog stays
    expect(page.locator("#message")).to_contain_text("理由を入力してください")
    expect(page.locator("#incomplete-dialog")).to_be_visible()
    page.keyboard.type("同意欄にチェックがない")
    page.keyboard.press("Enter")
    expect(page.locator("#message")).to_contain_text("不備として返却しました")
    expect(page.locator("#empty-title")).to_be_visible()  # the other task left with it
    expect(page.locator("#remaining")).to_have_text("残り 0 件")

    reader = auth(api_keys["reader"])
    document = client.get(f"/v1/documents/{seeded.document_id}", headers=reader).json()
    assert document["status"] == "incomplete"
    feed = client.get("/v1/documents", params={"status": "verified"}, headers=reader).json()
    assert seeded.document_id not in [d["id"] for d in feed["items"]]
    assert client.post("/v1/review/claim", headers=auth(api_keys["reviewer"])).status_code == 204

    listed = client.get("/v1/review/incomplete", headers=auth(api_keys["clerk"]))
    assert listed.status_code == 200, listed.text
    assert listed.headers["cache-control"] == "no-store"
    (item,) = listed.json()["items"]
    assert (item["document_id"], item["reason"], item["sheet"]) == (
        seeded.document_id,
        "同意欄にチェックがない",
        1,
    )
    other = client.get("/v1/review/incomplete", headers=auth(api_keys["clerk2"])).json()
    assert other["items"] == []  # another clerk's uploads only
    history = client.get(f"/v1/documents/{seeded.document_id}/history", headers=reader).json()
    last = history["entries"][-1]
    assert (last["action"], last["new"]["reason"]) == ("incomplete", "同意欄にチェックがない")


def test_a_senior_reopens_a_verified_document_and_the_correction_reaches_the_feed(
    page: Page,
    live_server: str,
    client: httpx.Client,
    api_keys: dict[str, str],
    db_sessions: Any,
    review_document: Any,
) -> None:
    seeded = review_document({"phone": ["low_confidence"]}, misread={"email": "taro@exarnple.jp"})
    admin = auth(api_keys["admin"])
    hook = client.post(
        "/v1/webhooks",
        headers=admin,
        json={"url": "http://127.0.0.1:9/hook", "events": ["document.reopened"]},
    )
    assert hook.status_code == 201, hook.text
    sign_in(page, live_server, api_keys["senior"], POLL)
    expect(page.locator("#field-label")).to_have_text("電話番号（必須）")
    page.keyboard.press("Enter")  # accept: the document is verified (with a wrong email)
    expect(page.locator("#empty-title")).to_be_visible()
    expect(page.locator("#message")).to_contain_text("文書の確認が完了しました")

    reader = auth(api_keys["reader"])
    verified = client.get(f"/v1/documents/{seeded.document_id}", headers=reader).json()
    assert (verified["status"], verified["data"]["email"]) == ("verified", "taro@exarnple.jp")
    refused = client.post(
        f"/v1/documents/{seeded.document_id}/reopen",
        headers=auth(api_keys["reviewer"]),
        json={"version": verified["version"], "fields": ["email"], "reason": "メールの誤読"},
    )
    assert refused.status_code == 403
    reopened = client.post(
        f"/v1/documents/{seeded.document_id}/reopen",
        headers=auth(api_keys["senior"]),
        json={"version": verified["version"], "fields": ["email"], "reason": "メールの誤読"},
    )
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "needs_review"

    # the waiting page picks the reopened field up by itself
    expect(page.locator("#field-label")).to_have_text("メールアドレス", timeout=8_000)
    expect(page.locator("#reasons li")).to_have_text(["確定後に再オープンされた（訂正が必要）"])
    expect(page.locator("#value")).to_have_value("taro@exarnple.jp")
    page.keyboard.press("Control+a")
    page.keyboard.type(str(seeded.truth["email"]))
    page.keyboard.press("Enter")
    expect(page.locator("#message")).to_have_text(
        "メールアドレスを保存しました。 文書の確認が完了しました。"
    )

    spec = next(f for f in TemplateRegistry().get("jp_tennyu").template.fields if f.name == "email")
    expected = check_correction(spec, seeded.truth["email"])
    feed = client.get(
        "/v1/documents",
        params={"status": "verified", "updated_after": verified["updated_at"]},
        headers=reader,
    ).json()
    (document,) = [d for d in feed["items"] if d["id"] == seeded.document_id]
    assert document["data"]["email"] == expected != "taro@exarnple.jp"
    history = client.get(f"/v1/documents/{seeded.document_id}/history", headers=reader).json()
    actions = [(e["action"], e["field"]) for e in history["entries"]]
    assert actions[-5:] == [
        ("accept", "phone"),
        ("verify", None),
        ("reopen", None),
        ("correct", "email"),
        ("verify", None),
    ]
    reopen, correct = history["entries"][-3], history["entries"][-2]
    assert reopen["actor"]["name"] == "test senior"
    assert (reopen["old"]["status"], reopen["new"]["fields"]) == ("verified", ["email"])
    assert (correct["old"], correct["new"]) == ("taro@exarnple.jp", expected)

    deliveries = client.get(f"/v1/webhooks/{hook.json()['id']}/deliveries", headers=admin)
    assert deliveries.status_code == 200, deliveries.text
    (delivery,) = deliveries.json()
    assert (delivery["event"], delivery["event_id"]) == (
        "document.reopened",
        f"document.reopened:{seeded.document_id}:{reopened.json()['version']}",
    )
    with session_scope(db_sessions) as session:
        row = session.get(WebhookDelivery, delivery["id"])
        assert row is not None
        assert row.payload["data"]["fields"] == ["email"]
        assert row.payload["data"]["status"] == "needs_review"
