"""Concurrency promises: one claim per page across workers, one upload for ten identical
parallel sends, and one winner when two reviewers correct the same field at once."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from faultkit import Procs, page_states
from sqlalchemy import func, select

from ocr_service.config import Settings
from ocr_service.db.models import AuditEntry, DocumentRow, FieldRow, Upload
from ocr_service.db.session import session_scope
from ocr_service.queue.enqueue import RqPageQueue, page_job_id

pytestmark = pytest.mark.integration


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def upload(client: httpx.Client, key: str, content: bytes, name: str = "batch.pdf") -> Any:
    r = client.post(
        "/v1/uploads",
        headers=auth(key),
        files={"file": (name, content, "application/pdf")},
        data={"template": "jp_tennyu"},
    )
    assert r.status_code == 202, r.text
    return r.json()


def test_two_workers_never_read_the_same_page_at_once(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    redis_conn: Any,
    db_sessions: Any,
    procs: Procs,
    tmp_path: Path,
) -> None:
    """Every page job is on the queue twice in a row, so two workers pop the same job id at
    the same moment; the database claim lets exactly one of them read the page."""
    pages = 4
    body = upload(client, api_keys["clerk"], files.pdf([files.blank()] * pages))
    queue = RqPageQueue(settings, redis_conn)
    queue.queue.empty()  # type: ignore[no-untyped-call]
    for index in range(pages):
        queue._enqueue(body["id"], index)
        queue._enqueue(body["id"], index)  # the same job id again: a duplicate delivery
    ids = [j.decode() for j in redis_conn.lrange(queue.queue.key, 0, -1)]
    assert ids == [page_job_id(body["id"], i) for i in range(pages) for _ in (0, 1)]

    calls = tmp_path / "calls.txt"
    workers = [procs.worker(settings, standin_delay=1.5, calls=calls, burst=True) for _ in range(2)]
    for w in workers:
        w.wait(120)
    assert [w.returncode for w in workers] == [0, 0], procs.logs()

    lines = [line.split() for line in calls.read_text().splitlines()]
    starts = Counter(int(index) for _, _, index, what in lines if what == "start")
    assert starts == dict.fromkeys(range(pages), 1), lines
    assert len({pid for pid, *_ in lines}) == 2, "both workers took part"
    assert sorted((i, s, a) for _, i, s, a in page_states(db_sessions)) == [
        (i, "done", 1) for i in range(pages)
    ]
    with session_scope(db_sessions) as session:
        reads = session.scalars(select(AuditEntry.document_id).where(AuditEntry.action == "read"))
        assert Counter(reads) == dict.fromkeys(body["document_ids"], 1)


def test_ten_parallel_identical_uploads_make_one_upload(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    redis_conn: Any,
    db_sessions: Any,
) -> None:
    pdf = files.pdf([files.blank()] * 2)
    gate = threading.Barrier(10)

    def send(_: int) -> httpx.Response:
        gate.wait()
        return client.post(
            "/v1/uploads",
            headers=auth(api_keys["clerk"]),
            files={"file": ("same.pdf", pdf, "application/pdf")},
        )

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(send, range(10)))
    assert sorted(r.status_code for r in answers) == [200] * 9 + [202], [
        r.text for r in answers if r.status_code not in (200, 202)
    ]
    assert len({r.json()["id"] for r in answers}) == 1
    with session_scope(db_sessions) as session:
        assert session.scalar(select(func.count()).select_from(Upload)) == 1
        assert session.scalar(select(func.count()).select_from(DocumentRow)) == 2
    queue = RqPageQueue(settings, redis_conn)
    upload_id = answers[0].json()["id"]
    waiting = [j.decode() for j in redis_conn.lrange(queue.queue.key, 0, -1)]
    assert waiting == [page_job_id(upload_id, 0), page_job_id(upload_id, 1)]


def test_two_seniors_correcting_one_field_at_once_one_wins(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    standin: Any,
    db_sessions: Any,
) -> None:
    body = upload(client, api_keys["clerk"], files.pdf([files.blank()] * 5))
    run_worker(reader=standin(flag={0, 1, 2, 3, 4}))
    with session_scope(db_sessions) as session:
        first_field = session.scalar(select(FieldRow.name).where(FieldRow.flagged).limit(1))
    assert first_field == "filing_date"
    with session_scope(db_sessions) as session:
        from ocr_service.auth import Role, create_key

        # seniors change a field without claiming it, so both reach the field's version lock
        _, second_senior = create_key(session=session, role=Role.SENIOR, name="senior 2")
    reviewers = [api_keys["senior"], second_senior]
    for doc_id in body["document_ids"]:
        doc = client.get(f"/v1/documents/{doc_id}", headers=auth(reviewers[0])).json()
        assert doc["status"] == "needs_review"
        gate = threading.Barrier(2)

        def correct(
            key: str,
            value: str,
            doc_id: str = doc_id,
            gate: threading.Barrier = gate,
        ) -> Any:
            gate.wait()
            return client.put(
                f"/v1/documents/{doc_id}/fields/filing_date",
                headers=auth(key),
                json={"value": value, "field_version": 1},
            )

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(correct, reviewers, ["令和6年4月1日", "令和6年4月2日"]))
        assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
        loser = next(r for r in answers if r.status_code == 409).json()["error"]
        assert loser["code"] == "conflict"
        # the loser saw the field's version move on, or the winner's save verify the document
        details = loser["details"]
        assert details.get("current_field_version") == 2 or details["status"] == "verified", loser
        winner = next(r for r in answers if r.status_code == 200).json()
        after = client.get(f"/v1/documents/{doc_id}", headers=auth(reviewers[0])).json()
        assert after["version"] == doc["version"] + 1
        assert after["data"]["filing_date"] == winner["value"]
    with session_scope(db_sessions) as session:
        corrections = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.field == "filing_date")
        )
        assert corrections == len(body["document_ids"])
