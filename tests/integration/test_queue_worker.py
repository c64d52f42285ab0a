"""Page jobs on a real rq queue and real Redis: statuses, failures, retries, idempotence,
reconcile. The pipeline is swapped for a stand-in at the worker's seam."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select

from ocr_service.broker import make_queue
from ocr_service.config import Settings
from ocr_service.db.models import FieldRow, Page, utcnow
from ocr_service.db.processing import renew_claim, start_page, touch_pages
from ocr_service.db.session import session_scope
from ocr_service.errors import BlankPage, OcrEngineError
from ocr_service.queue.enqueue import RqPageQueue
from ocr_service.queue.reconcile import reconcile

pytestmark = pytest.mark.integration


def upload(client: httpx.Client, key: str, content: bytes, name: str = "batch.pdf") -> Any:
    r = client.post(
        "/v1/uploads",
        headers={"Authorization": f"Bearer {key}"},
        files={"file": (name, content, "application/pdf")},
        data={"template": "jp_tennyu", "external_ref": "window-1"},
    )
    assert r.status_code == 202, r.text
    return r.json()


def test_a_failed_page_never_takes_the_others_down(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    standin: Any,
    settings: Settings,
) -> None:
    body = upload(client, api_keys["clerk"], files.pdf([files.blank()] * 3))
    assert (body["status"], body["pages_total"], len(body["document_ids"])) == ("queued", 3, 3)
    reader = standin(fail={1: BlankPage("the page holds almost no ink")}, flag={2})
    run_worker(reader=reader)
    assert sorted(reader.calls) == [0, 1, 2]

    key = {"X-API-Key": api_keys["clerk"]}
    state = client.get(f"/v1/uploads/{body['id']}", headers=key).json()
    assert (state["status"], state["pages_done"]) == ("done_with_failures", 3)
    assert state["page_counts"] == {
        "total": 3,
        "done": 2,
        "failed": 1,
        "not_a_form": 0,
        "pending": 0,
    }
    assert state["pages"][1]["error"] == {
        "code": "blank_page",
        "message": "白紙です。",  # for the clerk; the worker's own words in details
        "details": {"detail": "the page holds almost no ink"},
    }
    docs = [client.get(f"/v1/documents/{d}", headers=key).json() for d in body["document_ids"]]
    assert [d["status"] for d in docs] == ["verified", "failed", "needs_review"]
    assert docs[1]["error"]["code"] == "blank_page"
    assert docs[0]["template"] == {"id": "jp_tennyu", "version": "1"}
    assert docs[0]["data"]["surname"] == "p0-surname" if "surname" in docs[0]["data"] else True
    assert list(docs[0]["fields"]) == list(docs[0]["data"])
    assert docs[2]["fields"][next(iter(docs[2]["fields"]))]["reasons"] == ["low_confidence"]


def test_retryable_errors_are_retried_and_others_are_not(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    standin: Any,
    settings: Settings,
    redis_conn: Any,
    db_sessions: Any,
) -> None:
    body = upload(client, api_keys["clerk"], files.pdf([files.blank()] * 2))
    run_worker(reader=standin(fail={0: OcrEngineError("engine crashed"), 1: ValueError("bug")}))
    with session_scope(db_sessions) as session:
        pages = list(session.scalars(select(Page).order_by(Page.index)))
        assert (pages[0].status, pages[0].error_code, pages[0].attempts) == (
            "queued",
            "ocr_engine_error",
            1,
        )
        assert (pages[1].status, pages[1].error_code) == ("failed", "internal_error")
    scheduled = ScheduledJobRegistry(queue=make_queue(settings, redis_conn))
    assert scheduled.get_job_ids() == [f"page-{body['id']}-0"]


def test_rerunning_a_page_upserts_and_never_duplicates(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    standin: Any,
    db_sessions: Any,
) -> None:
    body = upload(client, api_keys["clerk"], files.pdf([files.blank()]))
    run_worker(reader=standin())
    from ocr_service.queue import jobs

    assert jobs.process_page(body["id"], 0) == "skipped"  # finished pages are left alone
    with session_scope(db_sessions) as session:
        page = session.scalar(select(Page))
        assert page is not None
        page.status = "processing"  # as if a worker died after reading
        session.commit()
        touch_pages(session=session, pages=[(body["id"], 0)])  # reconcile queues it again
        n_fields = session.scalar(select(func.count()).select_from(FieldRow))
    assert jobs.process_page(body["id"], 0) == "verified"
    with session_scope(db_sessions) as session:
        assert session.scalar(select(func.count()).select_from(FieldRow)) == n_fields
    doc = client.get(
        f"/v1/documents/{body['document_ids'][0]}", headers={"X-API-Key": api_keys["reader"]}
    ).json()
    assert doc["version"] == 3


def test_reconcile_enqueues_pages_that_redis_lost(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    standin: Any,
    settings: Settings,
    redis_conn: Any,
    db_sessions: Any,
) -> None:
    body = upload(client, api_keys["clerk"], files.pdf([files.blank()] * 2))
    queue = RqPageQueue(settings, redis_conn)
    assert (
        reconcile(settings=settings, sessions=db_sessions, queue=queue, older_than=timedelta(0))
        == 0
    )  # still waiting in Redis: left alone
    queue.queue.empty()  # Redis lost the work
    assert run_worker(reader=standin()) is False
    assert (
        reconcile(settings=settings, sessions=db_sessions, queue=queue, older_than=timedelta(0))
        == 2
    )
    run_worker(reader=standin())
    state = client.get(f"/v1/uploads/{body['id']}", headers={"X-API-Key": api_keys["admin"]})
    assert state.json()["status"] == "done"


def test_a_renewed_claim_is_left_alone_and_a_taken_over_one_stops_renewing(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    redis_conn: Any,
    db_sessions: Any,
) -> None:
    body = upload(client, api_keys["clerk"], files.pdf([files.blank()]))
    queue = RqPageQueue(settings, redis_conn)
    queue.queue.empty()  # the job went to a worker
    with session_scope(db_sessions) as session:
        work = start_page(session=session, upload_id=body["id"], index=0)
    assert work is not None and work.attempt == 1
    cutoff = utcnow()
    with session_scope(db_sessions) as session:
        assert renew_claim(session=session, work=work)  # the heartbeat, after the cutoff
        # reconcile saw the page stale at the cutoff, but the claim moved since
        assert touch_pages(session=session, pages=[(body["id"], 0)], unchanged_since=cutoff) == []
        assert session.scalar(select(Page.status)) == "processing"
    # the heartbeat stopped (the worker died): reconcile takes the page back and enqueues it
    assert (
        reconcile(settings=settings, sessions=db_sessions, queue=queue, older_than=timedelta(0))
        == 1
    )
    assert queue.waiting(body["id"], 0)
    with session_scope(db_sessions) as session:
        assert session.scalar(select(Page.status)) == "queued"
        assert not renew_claim(session=session, work=work)  # the old claim is over
        again = start_page(session=session, upload_id=body["id"], index=0)
    assert again is not None and again.attempt == 2
