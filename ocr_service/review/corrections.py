"""Resolve a field: correct it with a reviewer's value, or accept the OCR value.

Each resolution, in one transaction:

1. refuses a field leased to another reviewer (:class:`Conflict`);
2. checks the value against the field's type (:class:`InvalidValue`, before anything
   is written);
3. bumps the document's ``version`` with ``UPDATE ... WHERE version = :seen``; no row
   updated means the reviewer saw a stale document (:class:`Conflict`);
4. stores the value, marks the field resolved, clears its lease and appends an audit
   entry (who, when, old and new value, the reasons the field was flagged for);
5. when no flagged field is left unresolved, makes the document ``verified``, which puts
   it in the downstream feed.

Values are never logged: only document ids, field names and key ids.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.orm import Session

from ocr_service.auth import Principal
from ocr_service.db.documents import get_document_row
from ocr_service.db.models import AuditEntry, DocumentRow, DocumentStatus, FieldRow, utcnow
from ocr_service.errors import Conflict, NotFound, TemplateNotFound
from ocr_service.results import FieldValue
from ocr_service.review.tasks import spec_for
from ocr_service.review.values import check_correction
from ocr_service.templates.loader import TemplateRegistry

log = logging.getLogger(__name__)


class Action(StrEnum):
    CORRECT = "correct"
    ACCEPT = "accept"
    VERIFY = "verify"


@dataclass(frozen=True)
class Resolution:
    document_id: str
    field: str
    value: FieldValue
    version: int
    """The document's version after the change (send it with the next change)."""
    status: str
    remaining_in_document: int


def correct_field(
    *,
    session: Session,
    registry: TemplateRegistry,
    principal: Principal,
    document_id: str,
    field: str,
    value: FieldValue,
    version: int,
) -> Resolution:
    """Replace a field's value with the reviewer's (checked and normalized) value."""
    return _resolve(
        session, registry, principal, document_id, field, version, Action.CORRECT, value
    )


def accept_field(
    *,
    session: Session,
    registry: TemplateRegistry,
    principal: Principal,
    document_id: str,
    field: str,
    version: int,
) -> Resolution:
    """Confirm the OCR value as it stands (it must still satisfy the field's type)."""
    return _resolve(session, registry, principal, document_id, field, version, Action.ACCEPT, None)


def _resolve(
    session: Session,
    registry: TemplateRegistry,
    principal: Principal,
    document_id: str,
    name: str,
    version: int,
    action: Action,
    value: FieldValue,
) -> Resolution:
    document = get_document_row(session=session, principal=principal, document_id=document_id)
    row = session.scalar(
        select(FieldRow).where(FieldRow.document_id == document.id, FieldRow.name == name)
    )
    if row is None:
        raise NotFound(f"document {document_id!r} has no field {name!r}")
    if document.status != DocumentStatus.NEEDS_REVIEW:
        raise Conflict(
            f"document {document_id!r} is {document.status}, not needs_review; "
            "only documents waiting for review can be changed",
            status=document.status,
            current_version=document.version,
        )
    now = utcnow()
    _check_lease(row, principal, now)
    spec = spec_for(registry, document.template_id, name)
    if spec is None:
        raise TemplateNotFound(
            f"template {document.template_id!r} no longer has field {name!r}; "
            "the value cannot be checked",
            template=document.template_id,
        )
    new_value = check_correction(spec, row.value if action is Action.ACCEPT else value)

    bumped = session.execute(
        update(DocumentRow)
        .where(
            DocumentRow.id == document.id,
            DocumentRow.version == version,
            DocumentRow.status == DocumentStatus.NEEDS_REVIEW,
        )
        .values(version=DocumentRow.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], bumped).rowcount != 1:
        session.rollback()
        current = session.get(DocumentRow, document.id)
        current_version = current.version if current else None
        raise Conflict(
            f"document {document_id!r} changed since version {version} "
            f"(now version {current_version}); reload it and apply the change again",
            current_version=current_version,
        )
    taken = session.execute(
        update(FieldRow)
        .where(
            FieldRow.id == row.id,
            or_(
                FieldRow.lease_holder.is_(None),
                FieldRow.lease_holder == principal.key_id,
                FieldRow.lease_until < now,
            ),
        )
        .values(value=new_value, resolved=True, lease_holder=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], taken).rowcount != 1:
        session.rollback()
        raise Conflict(f"field {name!r} was just leased to another reviewer; claim another task")
    session.add(
        AuditEntry(
            document_id=document.id,
            field=name,
            actor=principal.key_id,
            action=action.value,
            old=row.value,
            new=new_value,
            reasons=list(row.reasons),
            at=now,
        )
    )
    session.flush()
    remaining = _unresolved(session, document.id)
    status = DocumentStatus.NEEDS_REVIEW
    if remaining == 0:
        status = DocumentStatus.VERIFIED
        session.execute(
            update(DocumentRow)
            .where(DocumentRow.id == document.id)
            .values(status=status, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        session.add(
            AuditEntry(
                document_id=document.id,
                actor=principal.key_id,
                action=Action.VERIFY.value,
                new={"status": status.value},
                at=now,
            )
        )
    session.commit()
    log.info(
        "review %s document=%s field=%s by=%s version=%s status=%s",
        action.value,
        document.id,
        name,
        principal.key_id,
        version + 1,
        status.value,
    )
    return Resolution(
        document_id=document.id,
        field=name,
        value=new_value,
        version=version + 1,
        status=status.value,
        remaining_in_document=remaining,
    )


def _check_lease(row: FieldRow, principal: Principal, now: datetime) -> None:
    if (
        row.lease_holder is not None
        and row.lease_holder != principal.key_id
        and row.lease_until is not None
        and row.lease_until >= now
    ):
        raise Conflict(
            f"field {row.name!r} is leased to another reviewer until "
            f"{row.lease_until.isoformat()}; claim another task",
            holder=row.lease_holder,
            lease_until=row.lease_until.isoformat(),
        )


def _unresolved(session: Session, document_id: str) -> int:
    query = select(func.count(FieldRow.id)).where(
        FieldRow.document_id == document_id,
        FieldRow.flagged.is_(True),
        FieldRow.resolved.is_(False),
    )
    return int(session.scalar(query) or 0)
