"""The review API on SQLite and PostgreSQL: tasks, leases (expiry, two reviewers at once),
corrections (422, 409), acceptance, verification into the feed, images and the audit history.

Documents are seeded the way production makes them: a clerk uploads a file, a real rq
worker runs the page job, and only the pipeline is swapped at the worker's seam for a
reader that returns chosen values and flags on the blank form's own reference image.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from ocr_service.auth import Role, create_key
from ocr_service.db.models import FieldRow, utcnow
from ocr_service.db.session import session_scope
from ocr_service.results import Document, FieldResult, FieldValue, PageInfo
from ocr_service.templates.loader import TemplateRegistry
from ocr_service.templates.model import FieldType

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
REGISTRY = TemplateRegistry(REPO / "templates_forms")

VALID: dict[FieldType, FieldValue] = {
    FieldType.DATE: "2024-04-01",
    FieldType.POSTAL_CODE: "100-0001",
    FieldType.PHONE: "03-1234-5678",
    FieldType.EMAIL: "taro@example.jp",
    FieldType.DIGITS: "2",
    FieldType.KANA: "ヤマダ タロウ",
    FieldType.CHECKBOX: False,
    FieldType.MARK: True,
}


@dataclass
class Reading:
    document: Document
    straightened: npt.NDArray[np.uint8]
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class ScriptedReader:
    """Every page reads as ``template`` with valid values, except the fields in ``flags``
    (flagged with those reasons) and ``values`` (read as given). The straightened page is
    the template's blank reference image, so crops line up with the zones."""

    flags: dict[str, list[str]]
    values: dict[str, FieldValue] = field(default_factory=dict)
    template: str = "jp_tennyu"

    def read_source_page(self, path: Path, index: int, *, template_id: str | None) -> Reading:
        loaded = REGISTRY.get(template_id or self.template)
        fields: dict[str, FieldResult] = {}
        for spec in loaded.template.fields:
            default = spec.options[0].value if spec.options else f"{spec.label}{index}"
            value = self.values.get(spec.name, VALID.get(spec.type, default))
            result = FieldResult(
                value=value, raw_text=str(value or ""), confidence=0.93, bbox=list(spec.bbox)
            )
            for reason in self.flags.get(spec.name, []):
                result.flag(reason)
                result.confidence = 0.41
            fields[spec.name] = result
        with Image.open(loaded.reference_path(1)) as ref:
            straightened = np.asarray(ref.convert("L"), dtype=np.uint8).copy()
        info = PageInfo(page=1, source_page=index + 1, rotation=0, skew=0, inliers=99, error_px=1)
        doc = Document(loaded.id, loaded.template.version, [info], fields)
        return Reading(document=doc, straightened=straightened)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def seed(client: httpx.Client, api_keys: dict[str, str], files: Any, run_worker: Any) -> Any:
    """``seed(flags, values=None, pages=1, template=...)`` -> the new documents' ids."""
    uploaded = 0

    def make(
        flags: dict[str, list[str]],
        values: dict[str, FieldValue] | None = None,
        pages: int = 1,
        template: str = "jp_tennyu",
    ) -> list[str]:
        nonlocal uploaded
        uploaded += 1
        blank = files.blank(width=1240 + uploaded, height=1754)  # a new file every time
        r = client.post(
            "/v1/uploads",
            headers=auth(api_keys["clerk"]),
            files={"file": ("scan.pdf", files.pdf([blank] * pages), "application/pdf")},
            data={"template": template},
        )
        assert r.status_code == 202, r.text
        run_worker(reader=ScriptedReader(flags=flags, values=values or {}, template=template))
        ids: list[str] = r.json()["document_ids"]
        return ids

    return make


@pytest.fixture
def reviewers(api_keys: dict[str, str], db_sessions: Any) -> list[str]:
    """Five reviewer keys: the fixture's one and four more."""
    keys = [api_keys["reviewer"]]
    with session_scope(db_sessions) as session:
        for n in range(4):
            _, key = create_key(session=session, role=Role.REVIEWER, name=f"reviewer {n + 2}")
            keys.append(key)
    return keys


def claim(client: httpx.Client, key: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return client.post("/v1/review/claim", headers=auth(key), json=body)


def hold(client: httpx.Client, key: str, document_id: str, field: str) -> Any:
    """Claim one named field (a reviewer changes only the flagged fields it holds)."""
    r = client.post(f"/v1/documents/{document_id}/fields/{field}/lease", headers=auth(key))
    assert r.status_code == 200, r.text
    return r.json()["task"]


def doc(client: httpx.Client, key: str, document_id: str) -> Any:
    return client.get(f"/v1/documents/{document_id}", headers=auth(key)).json()


FLAGS = {
    "date_of_birth": ["invalid_date"],
    "sex": ["ambiguous_choice"],
    "phone": ["low_confidence"],
}


# --- tasks ------------------------------------------------------------------------------


def test_tasks_are_the_flagged_unresolved_fields_with_label_type_and_reason_text(
    client: httpx.Client, api_keys: dict[str, str], seed: Any
) -> None:
    (doc_id,) = seed(FLAGS, values={"date_of_birth": None})
    seed({}, pages=1)  # a verified document has no tasks
    r = client.get("/v1/review/tasks", headers=auth(api_keys["reviewer"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["remaining"] == 3
    assert [t["field"] for t in body["items"]] == ["date_of_birth", "sex", "phone"]  # form order
    birth = body["items"][0]
    assert birth["document_id"] == doc_id
    assert (birth["label"], birth["type"], birth["required"]) == ("生年月日", "date", True)
    assert birth["reasons"] == [{"code": "invalid_date", "text": "存在しない日付"}]
    assert (birth["value"], birth["confidence"], birth["lease"]) == (None, 0.41, None)
    assert birth["image_url"] == f"/v1/documents/{doc_id}/fields/date_of_birth/image"
    sex = body["items"][1]
    assert [o["value"] for o in sex["options"]] == ["male", "female"]

    only = client.get(
        "/v1/review/tasks", params={"reason": "low_confidence"}, headers=auth(api_keys["admin"])
    ).json()
    assert [t["field"] for t in only["items"]] == ["phone"]
    other = client.get(
        "/v1/review/tasks", params={"template": "jp_kyufukin"}, headers=auth(api_keys["reviewer"])
    ).json()
    assert (other["items"], other["remaining"]) == ([], 0)
    limited = client.get(
        "/v1/review/tasks", params={"limit": 1}, headers=auth(api_keys["reviewer"])
    ).json()
    assert (len(limited["items"]), limited["remaining"]) == (1, 3)

    unknown = claim(client, api_keys["reviewer"], {"template": "nope"})
    assert unknown.status_code == 404
    assert "jp_tennyu" in unknown.json()["error"]["message"]
    bad = client.get(
        "/v1/review/tasks", params={"reason": "nope"}, headers=auth(api_keys["reviewer"])
    )
    assert bad.status_code == 422
    assert "low_confidence" in bad.json()["error"]["message"]
    for role in ("reader", "clerk"):
        assert client.get("/v1/review/tasks", headers=auth(api_keys[role])).status_code == 403
    assert client.get("/v1/review/tasks").status_code == 401


# --- leases -----------------------------------------------------------------------------


def test_a_claim_leases_one_task_to_one_reviewer_and_says_what_is_left(
    client: httpx.Client, reviewers: list[str], seed: Any, settings: Any
) -> None:
    (doc_id,) = seed(FLAGS)
    a, b = reviewers[:2]
    first = claim(client, a)
    assert first.status_code == 200, first.text
    task = first.json()["task"]
    assert (task["field"], first.json()["remaining"]) == ("date_of_birth", 3)
    until = first.json()["lease_until"]
    assert task["lease"]["until"] == until
    remaining = datetime.fromisoformat(until) - utcnow()
    assert timedelta(minutes=settings.lease_minutes - 1) < remaining

    again = claim(client, a)  # a reload: the caller's own task comes back, renewed
    assert again.json()["task"]["field"] == "date_of_birth"

    second = claim(client, b)
    assert second.json()["task"]["field"] == "sex"
    held = client.get("/v1/review/tasks", headers=auth(b)).json()["items"]
    assert [t["lease"] is not None for t in held] == [True, True, False]

    assert claim(client, b, {"skip": [{"document_id": doc_id, "field": "sex"}]}).status_code == 200
    third = claim(client, reviewers[2])
    assert third.status_code == 204, third.text
    assert third.headers["X-Review-Remaining"] == "3"
    assert third.content == b""


def test_two_reviewers_at_once_never_get_the_same_field(
    client: httpx.Client, reviewers: list[str], seed: Any
) -> None:
    seed({"date_of_birth": ["invalid_date"], "phone": ["low_confidence"]})
    seed({"email": ["invalid_format"]})
    with ThreadPoolExecutor(max_workers=len(reviewers)) as pool:
        answers = list(pool.map(lambda key: claim(client, key), reviewers))
    won = [r.json()["task"] for r in answers if r.status_code == 200]
    assert sorted(r.status_code for r in answers) == [200] * 3 + [204] * 2
    assert len({(t["document_id"], t["field"]) for t in won}) == 3
    assert len({t["lease"]["holder"] for t in won}) == 3


def test_an_expired_lease_goes_back_to_the_pool(
    client: httpx.Client, reviewers: list[str], seed: Any, db_sessions: Any
) -> None:
    (doc_id,) = seed({"phone": ["low_confidence"]})
    a, b = reviewers[:2]
    assert claim(client, a).json()["task"]["field"] == "phone"
    assert claim(client, b).status_code == 204

    with session_scope(db_sessions) as session:
        session.execute(
            update(FieldRow)
            .where(FieldRow.document_id == doc_id, FieldRow.name == "phone")
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    taken = claim(client, b)
    assert taken.status_code == 200
    assert taken.json()["task"]["field"] == "phone"
    version = taken.json()["task"]["document_version"]

    # a's lease has lapsed and b holds the field now: a may not save it, nor release it
    late = client.put(
        f"/v1/documents/{doc_id}/fields/phone",
        headers=auth(a),
        json={"value": "090-1234-5678", "version": version},
    )
    assert late.status_code == 409, late.text
    assert late.json()["error"]["code"] == "conflict"
    assert "ほかのレビュアーが担当" in late.json()["error"]["message"]
    assert "leased to another reviewer" in late.json()["error"]["details"]["message_en"]
    gone = client.delete(f"/v1/documents/{doc_id}/fields/phone/lease", headers=auth(a))
    assert gone.status_code == 409

    assert (
        client.delete(f"/v1/documents/{doc_id}/fields/phone/lease", headers=auth(b)).status_code
        == 204
    )
    assert claim(client, a).json()["task"]["field"] == "phone"


def test_skipped_tasks_come_round_again_when_nothing_else_is_left(
    client: httpx.Client, api_keys: dict[str, str], seed: Any
) -> None:
    (doc_id,) = seed({"date_of_birth": ["invalid_date"], "phone": ["low_confidence"]})
    key = api_keys["reviewer"]
    first = claim(client, key).json()["task"]["field"]
    client.delete(f"/v1/documents/{doc_id}/fields/{first}/lease", headers=auth(key))
    skip = [{"document_id": doc_id, "field": first}]
    second = claim(client, key, {"skip": skip}).json()["task"]["field"]
    assert (first, second) == ("date_of_birth", "phone")
    client.delete(f"/v1/documents/{doc_id}/fields/{second}/lease", headers=auth(key))
    skip.append({"document_id": doc_id, "field": second})
    assert claim(client, key, {"skip": skip}).json()["task"]["field"] == "date_of_birth"


# --- corrections ------------------------------------------------------------------------


def test_corrections_are_checked_locked_audited_and_the_last_one_verifies(
    client: httpx.Client, api_keys: dict[str, str], reviewers: list[str], seed: Any
) -> None:
    (doc_id,) = seed(FLAGS, values={"date_of_birth": None, "phone": "03-1234-5678"})
    key = reviewers[0]
    base = f"/v1/documents/{doc_id}/fields"
    start = doc(client, key, doc_id)
    version = start["version"]

    hold(client, key, doc_id, "date_of_birth")
    invalid = client.put(
        f"{base}/date_of_birth",
        headers=auth(key),
        json={"value": "昭和62年2月30日", "version": version},
    )
    assert invalid.status_code == 422, invalid.text
    error = invalid.json()["error"]
    assert error["code"] == "invalid_value"
    assert "生年月日" in error["message"] and "2024-04-01" in error["message"]
    assert "存在しない日付" in error["message"]  # Japanese, English in details.message_en
    assert "not a real calendar date" in error["details"]["message_en"]
    assert error["details"]["reasons"] == ["invalid_date"]
    hold(client, key, doc_id, "sex")
    choice = client.put(f"{base}/sex", headers=auth(key), json={"value": "3", "version": version})
    assert choice.status_code == 422
    assert "1=male" in choice.json()["error"]["message"]
    assert "選択肢" in choice.json()["error"]["message"]
    assert doc(client, key, doc_id)["version"] == version  # nothing was written

    fixed = client.put(
        f"{base}/date_of_birth",
        headers=auth(key),
        json={"value": "昭和62年2月28日", "version": version},
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json() == {
        "document_id": doc_id,
        "field": "date_of_birth",
        "value": "1987-02-28",
        "field_version": 2,
        "version": version + 1,
        "status": "needs_review",
        "remaining_in_document": 2,
    }

    stale = client.put(f"{base}/sex", headers=auth(key), json={"value": "女", "version": version})
    assert stale.status_code == 409
    assert stale.json()["error"]["details"]["current_version"] == version + 1
    assert client.delete(f"{base}/sex/lease", headers=auth(key)).status_code == 204

    other = claim(client, reviewers[1]).json()["task"]
    assert other["field"] == "sex"
    held = client.put(
        f"{base}/sex", headers=auth(key), json={"value": "女", "version": version + 1}
    )
    assert held.status_code == 409
    assert held.json()["error"]["details"]["holder"] == other["lease"]["holder"]

    sex = client.put(
        f"{base}/sex", headers=auth(reviewers[1]), json={"value": "女", "version": version + 1}
    )
    assert (sex.status_code, sex.json()["value"]) == (200, "female")
    before = doc(client, key, doc_id)
    assert before["status"] == "needs_review"
    feed = client.get("/v1/documents", params={"status": "verified"}, headers=auth(key)).json()
    assert doc_id not in [d["id"] for d in feed["items"]]

    hold(client, key, doc_id, "phone")
    accepted = client.post(f"{base}/phone/accept", headers=auth(key), json={"version": version + 2})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "verified"
    after = doc(client, key, doc_id)
    assert (after["status"], after["version"]) == ("verified", version + 3)
    assert after["updated_at"] > before["updated_at"]
    assert after["data"]["date_of_birth"] == "1987-02-28"
    assert after["data"]["sex"] == "female"
    assert all(f["resolved"] for f in after["fields"].values() if f["flagged"])

    feed = client.get("/v1/documents", params={"status": "verified"}, headers=auth(key)).json()
    assert doc_id in [d["id"] for d in feed["items"]]
    assert claim(client, key).status_code == 204
    done = client.post(f"{base}/phone/accept", headers=auth(key), json={"version": version + 3})
    assert done.status_code == 409
    assert "確定済み" in done.json()["error"]["message"]
    assert done.json()["error"]["details"]["status"] == "verified"


def test_accepting_a_value_that_breaks_its_type_is_refused(
    client: httpx.Client, api_keys: dict[str, str], seed: Any
) -> None:
    (doc_id,) = seed({"number_of_people": ["out_of_range"]}, values={"number_of_people": "25"})
    key = api_keys["reviewer"]
    version = doc(client, key, doc_id)["version"]
    hold(client, key, doc_id, "number_of_people")
    r = client.post(
        f"/v1/documents/{doc_id}/fields/number_of_people/accept",
        headers=auth(key),
        json={"version": version},
    )
    assert r.status_code == 422
    assert "1～20" in r.json()["error"]["message"]
    assert "between 1 and 20" in r.json()["error"]["details"]["message_en"]
    for body in ({"value": "3"}, {"value": "3", "version": version, "extra": 1}):
        bad = client.put(
            f"/v1/documents/{doc_id}/fields/number_of_people", headers=auth(key), json=body
        )
        assert bad.status_code == 422
    missing = client.put(
        f"/v1/documents/{doc_id}/fields/nope", headers=auth(key), json={"value": "1", "version": 1}
    )
    assert missing.status_code == 404
    reader = client.put(
        f"/v1/documents/{doc_id}/fields/number_of_people",
        headers=auth(api_keys["reader"]),
        json={"value": "3", "version": version},
    )
    assert reader.status_code == 403


def test_history_records_who_what_and_why_and_cannot_be_changed(
    client: httpx.Client,
    api_keys: dict[str, str],
    seed: Any,
    db_sessions: Any,
    database_url: str,
) -> None:
    (doc_id,) = seed({"phone": ["low_confidence"], "kokuho": ["low_confidence"]})
    key = api_keys["reviewer"]
    version = doc(client, key, doc_id)["version"]
    base = f"/v1/documents/{doc_id}"
    hold(client, key, doc_id, "phone")
    hold(client, key, doc_id, "kokuho")
    assert (
        client.put(
            f"{base}/fields/phone",
            headers=auth(key),
            json={"value": "０９０１２３４５６７８", "version": version},
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"{base}/fields/kokuho/accept", headers=auth(key), json={"version": version + 1}
        ).status_code
        == 200
    )

    r = client.get(f"{base}/history", headers=auth(api_keys["reader"]))
    assert r.status_code == 200, r.text
    entries = r.json()["entries"]
    assert [(e["action"], e["field"]) for e in entries] == [
        ("read", None),
        ("correct", "phone"),
        ("accept", "kokuho"),
        ("verify", None),
    ]
    assert entries[0]["actor"] is None
    correct = entries[1]
    assert correct["actor"]["name"] == "test reviewer"
    assert (correct["old"], correct["new"]) == ("03-1234-5678", "090-1234-5678")
    assert correct["reasons"] == ["low_confidence"]
    assert (entries[2]["old"], entries[2]["new"]) == (False, False)
    assert entries[0]["at"] <= correct["at"] <= entries[3]["at"]

    for method in ("PUT", "PATCH", "DELETE", "POST"):
        assert client.request(method, f"{base}/history", headers=auth(key)).status_code == 405
    assert client.get(f"{base}/history", headers=auth(api_keys["clerk2"])).status_code == 404

    if database_url.startswith("postgresql"):
        with session_scope(db_sessions) as session, pytest.raises(DBAPIError):
            session.execute(text("UPDATE audit_log SET new = NULL"))
        with session_scope(db_sessions) as session, pytest.raises(DBAPIError):
            session.execute(text("DELETE FROM audit_log"))
    with session_scope(db_sessions) as session:
        count = session.scalar(
            text("SELECT count(*) FROM audit_log WHERE document_id = :d"), {"d": doc_id}
        )
        assert count == 4
        assert session.scalars(select(FieldRow.lease_holder)).all() == [None] * 24


# --- images and the page ----------------------------------------------------------------


def png_size(content: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(content)) as im:
        assert im.format == "PNG"
        return im.size


def test_field_and_page_images_are_cut_from_the_straightened_page(
    client: httpx.Client, api_keys: dict[str, str], seed: Any
) -> None:
    (doc_id,) = seed({"phone": ["low_confidence"]})
    key = api_keys["reviewer"]
    phone = next(f for f in REGISTRY.get("jp_tennyu").template.fields if f.name == "phone")
    x, y, w, h = phone.bbox
    margin = max(24, h // 2)

    crop = client.get(f"/v1/documents/{doc_id}/fields/phone/image", headers=auth(key))
    assert crop.status_code == 200, crop.text
    assert crop.headers["content-type"] == "image/png"
    assert crop.headers["cache-control"] == "private, no-store"
    assert png_size(crop.content) == (w + 2 * margin, h + 2 * margin)

    page = client.get(f"/v1/documents/{doc_id}/pages/1/image", headers=auth(key))
    assert png_size(page.content) == (1654, 2339)
    marked = client.get(
        f"/v1/documents/{doc_id}/pages/1/image", params={"field": "phone"}, headers=auth(key)
    )
    with Image.open(io.BytesIO(marked.content)) as im:
        assert im.convert("RGB").getpixel((x - 4, y + h // 2)) == (37, 99, 235)

    for url in (
        f"/v1/documents/{doc_id}/pages/2/image",
        f"/v1/documents/{doc_id}/fields/nope/image",
        "/v1/documents/nope/fields/phone/image",
    ):
        assert client.get(url, headers=auth(key)).status_code == 404, url
    assert (
        client.get(
            f"/v1/documents/{doc_id}/fields/phone/image", headers=auth(api_keys["reader"])
        ).status_code
        == 403
    )


def test_the_review_page_is_served_with_security_headers(client: httpx.Client) -> None:
    page = client.get("/review")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert '<script src="/review/static/review.js"' in page.text
    script = client.get("/review/static/review.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert client.get("/review/static/review.css").status_code == 200
    assert client.get("/review/static/..%2Fapp.py").status_code == 404
    assert client.get("/review/static/other.js").status_code == 404
