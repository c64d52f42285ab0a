"""Retention on SQLite and PostgreSQL: ``ocr-service purge`` deletes images and values of
old documents, keeps audit metadata with blanked values, and leaves shared blobs and
recent documents alone. On PostgreSQL the audit trigger still refuses anything else."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from ocr_service import cli
from ocr_service.config import Settings, get_settings
from ocr_service.db.models import AuditEntry, DocumentRow, FieldRow, Upload, utcnow
from ocr_service.db.session import session_scope
from ocr_service.retention import PURGE_SETTING, purge
from ocr_service.storage import LocalStorage

pytestmark = pytest.mark.integration


def upload(client: httpx.Client, key: str, content: bytes) -> dict[str, Any]:
    r = client.post(
        "/v1/uploads",
        headers={"Authorization": f"Bearer {key}"},
        files={"file": ("山田太郎.pdf", content, "application/pdf")},
        data={"template": "jp_tennyu"},
    )
    assert r.status_code == 202, r.text
    body: dict[str, Any] = r.json()
    return body


def age(db_sessions: Any, upload_id: str, days: int) -> None:
    """Make an upload's documents ``days`` old."""
    with session_scope(db_sessions) as session:
        session.execute(
            update(DocumentRow)
            .where(DocumentRow.upload_id == upload_id)
            .values(created_at=utcnow() - timedelta(days=days))
        )
        session.commit()


def review_correction(db_sessions: Any, document_id: str) -> None:
    """An audit row like a reviewer's correction: it holds the old and new values."""
    with session_scope(db_sessions) as session:
        session.add(
            AuditEntry(
                document_id=document_id,
                field="surname",
                actor="rev1",
                action="correct",
                old="山田",
                new="山本",
                reasons=["low_confidence"],
            )
        )
        session.commit()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Point the command line (``get_settings()``) at the test database and data folder."""
    monkeypatch.setenv("OCR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("OCR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("OCR_REDIS_URL", settings.redis_url)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def test_purge_removes_old_images_and_values_and_keeps_audit_metadata(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    run_worker: Any,
    standin: Any,
    db_sessions: Any,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    content = files.pdf([files.blank()] * 2)
    old = upload(client, api_keys["clerk"], content)
    recent = upload(client, api_keys["clerk2"], content)  # same file: one shared blob
    run_worker(reader=standin(flag={1}))
    age(db_sessions, old["id"], days=120)
    review_correction(db_sessions, old["document_ids"][0])
    review_correction(db_sessions, recent["document_ids"][0])
    storage = LocalStorage(cli_env.data_dir)
    with session_scope(db_sessions) as session:
        image = session.scalar(
            select(DocumentRow.image_sha256).where(DocumentRow.id == old["document_ids"][0])
        )
        sha = session.scalar(select(Upload.sha256).where(Upload.id == old["id"]))
    assert image and sha and storage.exists(image) and storage.exists(sha)

    assert cli.main(["purge", "--older-than", "90", "--dry-run"]) == 0
    assert "would purge 2 documents" in capsys.readouterr().out
    with session_scope(db_sessions) as session:
        assert session.get(DocumentRow, old["document_ids"][0]).status != "purged"  # type: ignore[union-attr]

    assert cli.main(["purge", "--older-than", "90"]) == 0
    captured = capsys.readouterr()
    assert "purged 2 documents" in captured.out
    assert "purge" in captured.err and "2/2" in captured.err  # tqdm progress on stderr

    key = {"X-API-Key": api_keys["admin"]}
    for document_id in old["document_ids"]:
        doc = client.get(f"/v1/documents/{document_id}", headers=key).json()
        assert doc["status"] == "purged"
        assert all(v is None for v in doc["data"].values())
        assert all(f["raw_text"] == "" for f in doc["fields"].values())
    for document_id in recent["document_ids"]:
        doc = client.get(f"/v1/documents/{document_id}", headers=key).json()
        assert doc["status"] in ("verified", "needs_review")
        assert any(str(v).startswith("p0-") for v in doc["data"].values()) or any(
            str(v).startswith("p1-") for v in doc["data"].values()
        )

    with session_scope(db_sessions) as session:
        rows = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.document_id == old["document_ids"][0])
                .order_by(AuditEntry.id)
            )
        )
        kept = session.scalar(
            select(AuditEntry).where(
                AuditEntry.document_id == recent["document_ids"][0],
                AuditEntry.action == "correct",
            )
        )
        old_upload = session.get(Upload, old["id"])
        values = session.scalars(
            select(FieldRow.value).where(FieldRow.document_id.in_(old["document_ids"]))
        ).all()
    correction = next(r for r in rows if r.action == "correct")
    assert (correction.actor, correction.field, correction.reasons) == (
        "rev1",
        "surname",
        ["low_confidence"],
    )
    assert correction.old is None and correction.new is None
    assert [r.action for r in rows][-1] == "purge"
    assert kept is not None and (kept.old, kept.new) == ("山田", "山本")
    assert old_upload is not None and old_upload.filename == "(purged)"
    assert values and all(v is None for v in values)
    # the recent upload still needs the file and the page image
    assert storage.exists(sha) and storage.exists(image)

    # once the recent one is old too, nothing refers to the blobs any more
    age(db_sessions, recent["id"], days=120)
    report = purge(sessions=db_sessions, storage=storage, older_than_days=90)
    assert report.documents == 2 and report.blobs_deleted == 2
    assert not storage.exists(sha) and not storage.exists(image)
    # running again finds nothing
    assert purge(sessions=db_sessions, storage=storage, older_than_days=90).documents == 0


def test_documents_in_flight_or_recent_are_not_purged(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    db_sessions: Any,
    settings: Settings,
    tmp_path: Path,
) -> None:
    queued = upload(client, api_keys["clerk"], files.pdf([files.blank()]))  # never processed
    age(db_sessions, queued["id"], days=400)
    storage = LocalStorage(settings.data_dir)
    report = purge(sessions=db_sessions, storage=storage, older_than_days=30)
    assert report.documents == 0
    with session_scope(db_sessions) as session:
        assert session.get(DocumentRow, queued["document_ids"][0]).status == "queued"  # type: ignore[union-attr]


def test_postgresql_audit_trigger_allows_only_the_purge_redaction(
    db_sessions: Any, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the audit trigger exists on PostgreSQL only")
    with session_scope(db_sessions) as session:
        entry = AuditEntry(document_id="d", action="correct", old="a", new="b", actor="k")
        session.add(entry)
        session.commit()
        entry_id = entry.id
        # without the purge setting: refused
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text("UPDATE audit_log SET old = NULL, new = NULL"))
        session.rollback()
        # with it, anything but blanking old/new is still refused
        session.execute(text(f"SET LOCAL {PURGE_SETTING} = 'on'"))
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text("UPDATE audit_log SET old = NULL, new = NULL, actor = 'x'"))
        session.rollback()
        session.execute(text(f"SET LOCAL {PURGE_SETTING} = 'on'"))
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text("DELETE FROM audit_log"))
        session.rollback()
        # the redaction itself passes, and the setting ends with the transaction
        session.execute(text(f"SET LOCAL {PURGE_SETTING} = 'on'"))
        session.execute(text("UPDATE audit_log SET old = NULL, new = NULL"))
        session.commit()
        row = session.get(AuditEntry, entry_id)
        assert row is not None and (row.old, row.new, row.actor) == (None, None, "k")
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text("UPDATE audit_log SET old = NULL, new = NULL"))
        session.rollback()
