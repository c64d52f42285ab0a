"""A worker killed with SIGKILL in the middle of a page: the document still completes,
exactly once, after reconcile hands the page to a second worker. Real worker processes,
the real pipeline, real Redis and both databases."""

from __future__ import annotations

import signal
import time
from collections import Counter
from typing import Any

import httpx
import pytest
from faultkit import Procs, page_states, wait_until
from sqlalchemy import func, select

from ocr_service.config import Settings
from ocr_service.db.models import AuditEntry, DocumentRow, FieldRow, Upload
from ocr_service.db.session import session_scope
from ocr_service.templates.loader import TemplateRegistry

pytestmark = pytest.mark.integration


def test_a_page_survives_its_worker_being_killed(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    redis_conn: Any,
    db_sessions: Any,
    procs: Procs,
) -> None:
    forms = [files.form("jp_tennyu", seed=s) for s in (11, 12)]
    r = client.post(
        "/v1/uploads",
        headers={"X-API-Key": api_keys["clerk"]},
        files={"file": ("two.pdf", files.pdf(forms), "application/pdf")},
        data={"template": "jp_tennyu"},
    )
    assert r.status_code == 202, r.text
    body = r.json()

    first = procs.worker(settings.model_copy(update={"reconcile_interval_seconds": 3600}))
    processing = wait_until(
        lambda: [p for p in page_states(db_sessions) if p[2] == "processing"], 90, 0.02
    )
    procs.stop(first, signal.SIGKILL)  # mid-page: the page was claimed, not stored
    (_, killed_index, _, _) = processing[0]
    states = {i: (s, a) for _, i, s, a in page_states(db_sessions)}
    assert states[killed_index] == ("processing", 1), states

    second = procs.worker(
        settings.model_copy(
            update={
                "reconcile_after_seconds": 2,
                "reconcile_interval_seconds": 1,
                "page_heartbeat_seconds": 0.5,
            }
        )
    )

    def finished() -> bool:
        with session_scope(db_sessions) as session:
            upload = session.get(Upload, body["id"])
            return upload is not None and upload.status == "done"

    wait_until(finished, 120, 0.2)
    procs.stop(second)

    states = {i: (s, a) for _, i, s, a in page_states(db_sessions)}
    assert states[killed_index] == ("done", 2)  # claimed twice, stored once
    fields = len(TemplateRegistry(settings.templates_dir).get("jp_tennyu").template.fields)
    with session_scope(db_sessions) as session:
        documents = list(session.scalars(select(DocumentRow)))
        assert sorted(d.id for d in documents) == sorted(body["document_ids"])
        assert {d.status for d in documents} <= {"verified", "needs_review"}
        per_doc = session.execute(
            select(FieldRow.document_id, func.count()).group_by(FieldRow.document_id)
        )
        assert dict(per_doc.all()) == dict.fromkeys(body["document_ids"], fields)
        reads = session.scalars(select(AuditEntry.document_id).where(AuditEntry.action == "read"))
        assert Counter(reads) == dict.fromkeys(body["document_ids"], 1)
    doc = client.get(
        f"/v1/documents/{body['document_ids'][killed_index]}",
        headers={"X-API-Key": api_keys["reader"]},
    ).json()
    assert doc["status"] in ("verified", "needs_review")
    assert len(doc["fields"]) == fields


def test_a_killed_workers_page_is_read_again_within_a_minute(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    redis_conn: Any,
    db_sessions: Any,
    procs: Procs,
) -> None:
    """The shipped timings (a 5 s heartbeat, reconcile after 30 s, every 10 s): a slow page
    whose worker lives keeps its claim; once the worker is SIGKILLed, the other worker
    takes the page within a minute and stores it once."""
    shipped = {
        name: Settings.model_fields[name].default
        for name in (
            "page_heartbeat_seconds",
            "reconcile_after_seconds",
            "reconcile_interval_seconds",
        )
    }
    assert shipped == {
        "page_heartbeat_seconds": 5.0,
        "reconcile_after_seconds": 30,
        "reconcile_interval_seconds": 10,
    }
    timed = settings.model_copy(update=shipped)
    r = client.post(
        "/v1/uploads",
        headers={"X-API-Key": api_keys["clerk"]},
        files={"file": ("one.pdf", files.pdf([files.blank()]), "application/pdf")},
        data={"template": "jp_tennyu"},
    )
    assert r.status_code == 202, r.text
    [document_id] = r.json()["document_ids"]

    slow = procs.worker(timed, standin_delay=600)  # a page that takes ten minutes
    wait_until(lambda: [p for p in page_states(db_sessions) if p[2] == "processing"], 60, 0.05)
    procs.worker(timed, standin_delay=0.2)  # idle, and reconciling every 10 s
    # past reconcile's age plus an interval: without heartbeats the page would be taken
    time.sleep(45)
    [(_, _, status, attempts)] = page_states(db_sessions)
    assert (status, attempts) == ("processing", 1), "a live worker's page was taken over"

    procs.stop(slow, signal.SIGKILL)
    killed = time.monotonic()
    wait_until(lambda: page_states(db_sessions)[0][3] == 2, 90, 0.05)
    requeued = time.monotonic() - killed
    wait_until(lambda: page_states(db_sessions)[0][2] == "done", 30, 0.05)
    done = time.monotonic() - killed
    print(f"SIGKILL to page claimed again {requeued:.1f} s, to page done {done:.1f} s")
    assert requeued < 60, requeued
    with session_scope(db_sessions) as session:
        reads = list(
            session.scalars(select(AuditEntry.document_id).where(AuditEntry.action == "read"))
        )
    assert reads == [document_id]
