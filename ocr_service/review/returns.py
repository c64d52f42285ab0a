"""Whole-document review actions: return a document as 不備 (incomplete), and reopen one.

Both are locked on the document's ``version`` (the caller names the version it saw) and
written to the audit log in the same transaction.

* **不備** (``return_incomplete``): a reviewer who holds a task of the document, or a
  senior or admin, returns it with a reason. It becomes ``incomplete``: it leaves the
  review queue (its leases are cleared), never reaches the verified feed, and clerks list
  it (their own uploads only) with the reason.
* **Reopen** (``reopen``, seniors and admins): a ``verified`` or ``incomplete`` document
  goes back to ``needs_review`` with the named fields flagged again (reason ``reopened``),
  so they are review tasks once more; resolving the last of them verifies it again, and
  the correction reaches the feed. The caller emits ``document.reopened`` after commit.

The reason is stored and audited but never logged (it may describe the application).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, exists, select, update
from sqlalchemy.orm import Session

from ocr_service.auth import Principal
from ocr_service.db.documents import external_refs, get_document_row, visible
from ocr_service.db.models import AuditEntry, DocumentRow, DocumentStatus, FieldRow, utcnow
from ocr_service.errors import Conflict, Forbidden, InvalidValue
from ocr_service.review.corrections import not_in_review
from ocr_service.review.texts import REOPENED, status_text

log = logging.getLogger(__name__)

MAX_LIST = 500
REOPENABLE = (DocumentStatus.VERIFIED, DocumentStatus.INCOMPLETE)


@dataclass(frozen=True)
class DocumentChange:
    document_id: str
    status: str
    version: int
    fields: list[str]


@dataclass(frozen=True)
class Returned:
    """One document returned as 不備, as clerks see it."""

    document_id: str
    upload_id: str
    sheet: int
    external_ref: str | None
    template: str | None
    reason: str
    version: int
    returned_at: datetime


def return_incomplete(
    *, session: Session, principal: Principal, document_id: str, version: int, reason: str
) -> DocumentChange:
    """Return a document in review as 不備 with ``reason``."""
    reason = _reason(reason)
    document = get_document_row(session=session, principal=principal, document_id=document_id)
    if document.status != DocumentStatus.NEEDS_REVIEW:
        raise not_in_review(document)
    now = utcnow()
    if not principal.changes_any_field and not _holds_a_task(session, document.id, principal, now):
        raise Forbidden(
            "不備として返却できるのは、この文書の項目を担当中のレビュアーか、"
            "上級レビュアー（senior）と管理者だけです。先に文書の項目を取得してください。",
            message_en="only a reviewer holding a task of this document, a senior or an admin "
            "may return it as incomplete; claim one of its fields first",
        )
    _bump(
        session,
        document,
        version,
        (DocumentStatus.NEEDS_REVIEW,),
        status=DocumentStatus.INCOMPLETE,
        incomplete_reason=reason,
        updated_at=now,
    )
    session.execute(
        update(FieldRow)
        .where(FieldRow.document_id == document.id)
        .values(lease_holder=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    session.add(
        AuditEntry(
            document_id=document.id,
            actor=principal.key_id,
            action="incomplete",
            old={"status": DocumentStatus.NEEDS_REVIEW.value},
            new={"status": DocumentStatus.INCOMPLETE.value, "reason": reason},
            at=now,
        )
    )
    session.commit()
    log.info("review returned incomplete document=%s by=%s", document.id, principal.key_id)
    return DocumentChange(document.id, DocumentStatus.INCOMPLETE.value, version + 1, [])


def reopen(
    *,
    session: Session,
    principal: Principal,
    document_id: str,
    version: int,
    fields: Sequence[str],
    reason: str,
) -> DocumentChange:
    """Send a verified (or returned) document back to review with ``fields`` flagged."""
    reason = _reason(reason)
    document = get_document_row(session=session, principal=principal, document_id=document_id)
    if document.status not in REOPENABLE:
        raise Conflict(
            f"この文書は「{status_text(document.status)}」のため再オープンできません。"
            "再オープンできるのは確定済みか不備で返却済みの文書だけです。",
            message_en=f"document {document_id!r} is {document.status}; only verified or "
            "incomplete documents can be reopened",
            status=document.status,
            current_version=document.version,
        )
    names = list(dict.fromkeys(fields))
    rows = list(
        session.scalars(
            select(FieldRow).where(FieldRow.document_id == document.id, FieldRow.name.in_(names))
        )
    )
    unknown = sorted(set(names) - {r.name for r in rows})
    if unknown:
        raise InvalidValue(
            f"この文書にない項目です: {', '.join(unknown)}。"
            "再オープンする項目を文書の項目名で指定してください。",
            message_en=f"the document has no field(s) {', '.join(unknown)}",
            fields=unknown,
        )
    before = document.status
    now = utcnow()
    _bump(
        session,
        document,
        version,
        REOPENABLE,
        status=DocumentStatus.NEEDS_REVIEW,
        incomplete_reason=None,
        updated_at=now,
    )
    for row in rows:
        reasons = [str(r) for r in row.reasons]
        row.reasons = reasons if REOPENED in reasons else [*reasons, REOPENED]
        row.flagged = True
        row.resolved = False
        row.version = row.version + 1
        row.lease_holder = None
        row.lease_until = None
    session.add(
        AuditEntry(
            document_id=document.id,
            actor=principal.key_id,
            action="reopen",
            old={"status": before},
            new={"status": DocumentStatus.NEEDS_REVIEW.value, "fields": names, "reason": reason},
            at=now,
        )
    )
    session.commit()
    log.info(
        "review reopened document=%s fields=%s by=%s",
        document.id,
        ",".join(names),
        principal.key_id,
    )
    return DocumentChange(document.id, DocumentStatus.NEEDS_REVIEW.value, version + 1, names)


def list_incomplete(*, session: Session, principal: Principal, limit: int = 100) -> list[Returned]:
    """Documents returned as 不備, newest first (a clerk sees its own uploads' only)."""
    query = visible(
        select(DocumentRow).where(DocumentRow.status == DocumentStatus.INCOMPLETE), principal
    )
    query = query.order_by(DocumentRow.updated_at.desc(), DocumentRow.id)
    rows = list(session.scalars(query.limit(max(1, min(limit, MAX_LIST)))))
    refs = external_refs(session, [r.upload_id for r in rows])
    return [
        Returned(
            document_id=r.id,
            upload_id=r.upload_id,
            sheet=r.page_index + 1,
            external_ref=refs.get(r.upload_id),
            template=r.template_id,
            reason=r.incomplete_reason or "",
            version=r.version,
            returned_at=r.updated_at,
        )
        for r in rows
    ]


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise InvalidValue(
            "理由を入力してください（例: 同意欄にチェックがない）。",
            message_en="give a reason (e.g. the consent box is not checked)",
        )
    return text


def _holds_a_task(session: Session, document_id: str, principal: Principal, now: datetime) -> bool:
    held = exists().where(
        FieldRow.document_id == document_id,
        FieldRow.lease_holder == principal.key_id,
        FieldRow.lease_until >= now,
    )
    return bool(session.scalar(select(held)))


def _bump(
    session: Session,
    document: DocumentRow,
    version: int,
    allowed: Sequence[str],
    **values: Any,
) -> None:
    done = session.execute(
        update(DocumentRow)
        .where(
            DocumentRow.id == document.id,
            DocumentRow.version == version,
            DocumentRow.status.in_(list(allowed)),
        )
        .values(version=DocumentRow.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], done).rowcount == 1:
        return
    session.rollback()
    current = session.get(DocumentRow, document.id)
    current_version = current.version if current else None
    raise Conflict(
        f"この文書は版 {version} の後に更新されました（現在の版 {current_version}）。"
        "文書を読み込み直してから、もう一度操作してください。",
        message_en=f"document {document.id!r} changed since version {version} "
        f"(now version {current_version}); reload it and apply the change again",
        current_version=current_version,
        status=current.status if current else None,
    )
