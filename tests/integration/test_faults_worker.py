"""A worker killed with SIGKILL in the middle of a page: the document still completes,
exactly once, after reconcile hands the page to a second worker. Real worker processes,
the real pipeline, real Redis and both databases."""

from __future__ import annotations

import signal
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
        settings.model_copy(update={"reconcile_after_seconds": 2, "reconcile_interval_seconds": 1})
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
