"""Issue 20 on SQLite and PostgreSQL: per-field optimistic locking, who may change what
(reviewer, senior, admin), 不備 (return as incomplete) and reopen, and Japanese messages.

Documents are seeded as in ``test_review_api``: a clerk uploads, a real rq worker runs
the page job with a scripted reader at the worker's seam.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

# ruff: noqa: F811 (the fixtures imported here are the tests' parameters)
from test_review_api import auth, doc, hold, reviewers, seed  # noqa: F401 (fixtures)

pytestmark = pytest.mark.integration

FLAGS = {
    "date_of_birth": ["invalid_date"],
    "sex": ["ambiguous_choice"],
    "phone": ["low_confidence"],
}


def japanese(text: str) -> bool:
    return any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text)


def test_two_reviewers_on_different_fields_of_one_document_never_conflict(
    client: httpx.Client, reviewers: list[str], api_keys: dict[str, str], seed: Any
) -> None:
    (doc_id,) = seed(FLAGS, values={"phone": "03-1234-5678"})
    a, b = reviewers[:2]
    start = doc(client, a, doc_id)["version"]
    tasks = [hold(client, a, doc_id, "date_of_birth"), hold(client, b, doc_id, "phone")]
    assert [t["field_version"] for t in tasks] == [1, 1]
    gate = threading.Barrier(2)
    base = f"/v1/documents/{doc_id}/fields"

    def save(key: str, field: str, body: dict[str, Any]) -> httpx.Response:
        gate.wait()
        return client.put(f"{base}/{field}", headers=auth(key), json=body)

    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                save,
                [a, b],
                ["date_of_birth", "phone"],
                [
                    {"value": "昭和62年2月28日", "field_version": 1},
                    {"value": "090-1234-5678", "field_version": 1},
                ],
            )
        )
    assert [r.status_code for r in answers] == [200, 200], [r.text for r in answers]
    assert [r.json()["field_version"] for r in answers] == [2, 2]
    after = doc(client, a, doc_id)
    assert after["version"] == start + 2  # both bumped the document's version
    assert (after["data"]["date_of_birth"], after["data"]["phone"]) == (
        "1987-02-28",
        "090-1234-5678",
    )

    # the same field with a version that moved on is still a 409, in Japanese
    stale = client.put(
        f"{base}/date_of_birth",
        headers=auth(api_keys["senior"]),
        json={"value": "昭和62年2月27日", "field_version": 1},
    )
    assert stale.status_code == 409, stale.text
    error = stale.json()["error"]
    assert error["code"] == "conflict"
    assert japanese(error["message"]) and "生年月日" in error["message"]
    assert "読み込み直して" in error["message"]  # says what to do
    assert error["details"]["current_field_version"] == 2
    assert "changed since version 1" in error["details"]["message_en"]
    assert doc(client, a, doc_id)["data"]["date_of_birth"] == "1987-02-28"  # nothing written

    # the document version still locks when it is sent
    old_doc = client.put(
        f"{base}/date_of_birth",
        headers=auth(api_keys["senior"]),
        json={"value": "昭和62年2月27日", "field_version": 2, "version": start},
    )
    assert old_doc.status_code == 409
    assert old_doc.json()["error"]["details"]["current_version"] == start + 2
    neither = client.put(f"{base}/sex", headers=auth(api_keys["senior"]), json={"value": "女"})
    assert neither.status_code == 422
    assert "field_version" in neither.json()["error"]["message"]
    assert japanese(neither.json()["error"]["message"])


def test_reviewers_change_only_flagged_fields_they_hold_seniors_any(
    client: httpx.Client, api_keys: dict[str, str], seed: Any
) -> None:
    (doc_id,) = seed(FLAGS)
    reviewer, senior = api_keys["reviewer"], api_keys["senior"]
    base = f"/v1/documents/{doc_id}/fields"

    unflagged = client.put(
        f"{base}/email", headers=auth(reviewer), json={"value": "a@example.jp", "field_version": 1}
    )
    assert unflagged.status_code == 403, unflagged.text
    assert unflagged.json()["error"]["code"] == "forbidden"
    assert "確認対象ではありません" in unflagged.json()["error"]["message"]
    unclaimed = client.post(
        f"{base}/phone/accept", headers=auth(reviewer), json={"field_version": 1}
    )
    assert unclaimed.status_code == 409
    assert unclaimed.json()["error"]["details"]["lease_required"] is True
    assert "取得してください" in unclaimed.json()["error"]["message"]

    held = hold(client, senior, doc_id, "sex")  # seniors may claim too; a claim is respected
    taken = client.put(
        f"{base}/sex", headers=auth(api_keys["admin"]), json={"value": "女", "field_version": 1}
    )
    assert taken.status_code == 409
    assert taken.json()["error"]["details"]["holder"] == held["lease"]["holder"]

    email = client.put(
        f"{base}/email",
        headers=auth(senior),
        json={"value": "hanako@example.jp", "field_version": 1},
    )
    assert email.status_code == 200, email.text
    assert (email.json()["status"], email.json()["remaining_in_document"]) == ("needs_review", 3)
    phone = client.post(f"{base}/phone/accept", headers=auth(senior), json={"field_version": 1})
    assert phone.status_code == 200, phone.text  # flagged, not claimed: fine for a senior

    history = client.get(f"/v1/documents/{doc_id}/history", headers=auth(reviewer)).json()
    changes = [(e["action"], e["field"], e["actor"]["name"]) for e in history["entries"][1:]]
    assert changes == [("correct", "email", "test senior"), ("accept", "phone", "test senior")]
    document = doc(client, reviewer, doc_id)
    assert (document["fields"]["email"]["flagged"], document["data"]["email"]) == (
        False,
        "hanako@example.jp",
    )


def test_incomplete_leaves_the_queue_and_the_feed_and_a_senior_reopens_it(
    client: httpx.Client, api_keys: dict[str, str], reviewers: list[str], seed: Any
) -> None:
    (doc_id,) = seed(FLAGS)
    reviewer, other, senior = reviewers[0], reviewers[1], api_keys["senior"]
    url = f"/v1/documents/{doc_id}"
    version = doc(client, reviewer, doc_id)["version"]
    body = {"version": version, "reason": "同意欄にチェックがない"}

    assert client.post(f"{url}/incomplete", headers=auth(other), json=body).status_code == 403
    hold(client, reviewer, doc_id, "phone")
    blank = client.post(
        f"{url}/incomplete", headers=auth(reviewer), json={"version": version, "reason": "  "}
    )
    assert blank.status_code == 422 and japanese(blank.json()["error"]["message"])
    stale = client.post(
        f"{url}/incomplete", headers=auth(reviewer), json={**body, "version": version + 5}
    )
    assert stale.status_code == 409
    returned = client.post(f"{url}/incomplete", headers=auth(reviewer), json=body)
    assert returned.status_code == 200, returned.text
    assert returned.json() == {
        "document_id": doc_id,
        "status": "incomplete",
        "version": version + 1,
        "fields": [],
    }

    assert client.post("/v1/review/claim", headers=auth(other)).status_code == 204
    tasks = client.get("/v1/review/tasks", headers=auth(other)).json()
    assert (tasks["items"], tasks["remaining"]) == ([], 0)
    for status in ("verified", "incomplete"):
        feed = client.get("/v1/documents", params={"status": status}, headers=auth(reviewer))
        listed = doc_id in [d["id"] for d in feed.json()["items"]]
        assert listed is (status == "incomplete"), status
    late = client.post(
        f"{url}/fields/phone/accept", headers=auth(reviewer), json={"field_version": 1}
    )
    assert late.status_code == 409 and "不備" in late.json()["error"]["message"]
    again = client.post(
        f"{url}/incomplete", headers=auth(senior), json={**body, "version": version + 1}
    )
    assert again.status_code == 409

    mine = client.get("/v1/review/incomplete", headers=auth(api_keys["clerk"])).json()["items"]
    assert [(i["document_id"], i["reason"]) for i in mine] == [(doc_id, "同意欄にチェックがない")]
    assert client.get("/v1/review/incomplete", headers=auth(api_keys["clerk2"])).json() == {
        "items": []
    }

    reopen = {"version": version + 1, "fields": ["phone", "email"], "reason": "申請者が訂正"}
    assert client.post(f"{url}/reopen", headers=auth(reviewer), json=reopen).status_code == 403
    unknown = client.post(
        f"{url}/reopen", headers=auth(senior), json={**reopen, "fields": ["nope"]}
    )
    assert unknown.status_code == 422 and "nope" in unknown.json()["error"]["message"]
    opened = client.post(f"{url}/reopen", headers=auth(senior), json=reopen)
    assert opened.status_code == 200, opened.text
    assert opened.json()["status"] == "needs_review"
    assert (
        client.get("/v1/review/incomplete", headers=auth(api_keys["clerk"])).json()["items"] == []
    )
    reopened = client.get(
        "/v1/review/tasks", params={"reason": "reopened"}, headers=auth(other)
    ).json()
    assert sorted(t["field"] for t in reopened["items"]) == ["email", "phone"]
    email = next(t for t in reopened["items"] if t["field"] == "email")
    assert email["reasons"] == [
        {"code": "reopened", "text": "確定後に再オープンされた（訂正が必要）"}
    ]
    assert email["field_version"] == 2  # a reopen moves the field's version on
    # the unresolved fields of before are tasks again too
    assert client.get("/v1/review/tasks", headers=auth(other)).json()["remaining"] == 4
    history = client.get(f"{url}/history", headers=auth(reviewer)).json()["entries"]
    assert [e["action"] for e in history[-2:]] == ["incomplete", "reopen"]
    assert history[-1]["old"] == {"status": "incomplete"}
    assert history[-1]["new"]["fields"] == ["phone", "email"]
