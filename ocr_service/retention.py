"""Retention: purge documents older than the limit (``ocr-service purge``).

For each document created before the cutoff (and no longer queued or processing), in one
transaction per document:

* every field's ``value``, ``raw_text`` and ``suggestion`` are blanked (names, confidences,
  reasons and boxes stay, so statistics still add up);
* the audit rows of the document keep who, when, which field and what action, but their
  ``old``/``new`` values become NULL;
* the document becomes ``purged`` (its version is bumped, so feed pollers see it) and
  forgets its page image; an audit row ``purge`` records the purge itself;
* once every document of an upload is purged, the upload's filename is blanked too.

After the commit, the stored blobs (the straightened page image and, when no unpurged
document still needs it, the uploaded file) are deleted. Content addressing means one
blob may serve several uploads, so a blob is deleted only when nothing unpurged refers
to it. A crash between the commit and the deletion leaves a blob that nothing refers to
(the API cannot reach it); it is harmless and is removed with the data folder's backups.

PostgreSQL's ``audit_log`` trigger refuses UPDATE, except the redaction above inside a
transaction that ran ``SET LOCAL ocr.purge = 'on'`` (migration ``0002``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Result, func, null, select, text, update
from sqlalchemy.orm import Session

from ocr_service.db.models import (
    AuditEntry,
    DocumentRow,
    DocumentStatus,
    FieldRow,
    Upload,
    utcnow,
)
from ocr_service.db.session import SessionFactory, session_scope
from ocr_service.storage import Storage

log = logging.getLogger(__name__)

PURGE_SETTING = "ocr.purge"
PURGED_FILENAME = "(purged)"
#: Documents still being worked on are never purged (they will be on a later run).
IN_FLIGHT = (DocumentStatus.QUEUED, DocumentStatus.PROCESSING, DocumentStatus.PURGED)


@dataclass
class PurgeReport:
    cutoff_days: int
    dry_run: bool
    documents: int = 0
    fields: int = 0
    audit_rows: int = 0
    blobs_deleted: int = 0
    document_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Purged:
    fields: int
    audit_rows: int
    blobs: list[str]


def candidates(*, session: Session, older_than: timedelta) -> list[str]:
    """Ids of documents created before ``now - older_than`` that can be purged, oldest first."""
    cutoff = utcnow() - older_than
    query = (
        select(DocumentRow.id)
        .where(DocumentRow.created_at < cutoff, DocumentRow.status.not_in(IN_FLIGHT))
        .order_by(DocumentRow.created_at, DocumentRow.id)
    )
    return list(session.scalars(query))


def _allow_audit_redaction(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL {PURGE_SETTING} = 'on'"))


def purge_document(*, session: Session, document_id: str, older_than_days: int) -> _Purged | None:
    """Purge one document in one transaction; return what to delete from storage after it."""
    _allow_audit_redaction(session)
    row = session.scalar(select(DocumentRow).where(DocumentRow.id == document_id).with_for_update())
    if row is None or row.status in IN_FLIGHT:
        session.rollback()
        return None
    now = utcnow()
    fields = _rowcount(
        session.execute(
            update(FieldRow)
            .where(FieldRow.document_id == row.id)
            .values(value=null(), raw_text="", suggestion=None, lease_holder=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
    )
    audit = _rowcount(
        session.execute(
            update(AuditEntry)
            .where(
                AuditEntry.document_id == row.id,
                (AuditEntry.old.is_not(None)) | (AuditEntry.new.is_not(None)),
            )
            .values(old=null(), new=null())
            .execution_options(synchronize_session=False)
        )
    )
    image = row.image_sha256
    row.status = DocumentStatus.PURGED
    row.image_sha256 = None
    row.version += 1
    row.updated_at = now
    session.add(
        AuditEntry(
            document_id=row.id, action="purge", new={"older_than_days": older_than_days}, at=now
        )
    )
    session.flush()
    blobs: list[str] = []
    if image and not _image_in_use(session, image):
        blobs.append(image)
    upload = session.get(Upload, row.upload_id)
    if upload is not None and not _upload_has_unpurged(session, upload.id):
        upload.filename = PURGED_FILENAME
        upload.updated_at = now
        if not _file_in_use(session, upload.sha256):
            blobs.append(upload.sha256)
    session.commit()
    return _Purged(fields=fields, audit_rows=audit, blobs=blobs)


def _rowcount(result: Result[Any]) -> int:
    return int(cast(CursorResult[Any], result).rowcount or 0)


def _image_in_use(session: Session, sha256: str) -> bool:
    query = select(func.count()).where(DocumentRow.image_sha256 == sha256)
    return bool(session.scalar(query))


def _upload_has_unpurged(session: Session, upload_id: str) -> bool:
    query = select(func.count()).where(
        DocumentRow.upload_id == upload_id, DocumentRow.status != DocumentStatus.PURGED
    )
    return bool(session.scalar(query))


def _file_in_use(session: Session, sha256: str) -> bool:
    """Whether an upload with this file still has an unpurged document (or none yet)."""
    uploads = select(Upload.id).where(Upload.sha256 == sha256)
    unpurged = select(func.count()).where(
        DocumentRow.upload_id.in_(uploads), DocumentRow.status != DocumentStatus.PURGED
    )
    without_documents = select(func.count()).where(
        Upload.sha256 == sha256, ~Upload.id.in_(select(DocumentRow.upload_id))
    )
    return bool(session.scalar(unpurged)) or bool(session.scalar(without_documents))


def _delete_blobs(sessions: SessionFactory, storage: Storage, blobs: list[str]) -> int:
    deleted = 0
    for sha256 in blobs:
        with session_scope(sessions) as session:  # look again: an upload may have just come in
            if _image_in_use(session, sha256) or _file_in_use(session, sha256):
                continue
        storage.delete(sha256)
        deleted += 1
    return deleted


def purge(
    *,
    sessions: SessionFactory,
    storage: Storage,
    older_than_days: int,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> PurgeReport:
    """Purge every document older than ``older_than_days``; ``dry_run`` only counts them."""
    report = PurgeReport(cutoff_days=older_than_days, dry_run=dry_run)
    with session_scope(sessions) as session:
        ids = candidates(session=session, older_than=timedelta(days=older_than_days))
    if on_total is not None:
        on_total(len(ids))
    log.info(
        "purge: %s documents older than %s days%s",
        len(ids),
        older_than_days,
        " (dry run)" if dry_run else "",
    )
    for document_id in ids:
        if dry_run:
            report.documents += 1
            report.document_ids.append(document_id)
        else:
            with session_scope(sessions) as session:
                done = purge_document(
                    session=session, document_id=document_id, older_than_days=older_than_days
                )
            if done is not None:
                report.documents += 1
                report.document_ids.append(document_id)
                report.fields += done.fields
                report.audit_rows += done.audit_rows
                report.blobs_deleted += _delete_blobs(sessions, storage, done.blobs)
                log.info("purged document=%s", document_id, extra={"document_id": document_id})
        if progress is not None:
            progress(1)
    log.info(
        "purge done: %s documents, %s fields, %s audit rows redacted, %s blobs deleted",
        report.documents,
        report.fields,
        report.audit_rows,
        report.blobs_deleted,
    )
    return report
