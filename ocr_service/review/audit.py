"""A document's history: the append-only audit log, oldest entry first.

The service only ever inserts into ``audit_log``; there is no endpoint that edits or
deletes an entry, and on PostgreSQL a trigger refuses UPDATE and DELETE outright.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocr_service.auth import Principal
from ocr_service.db.documents import get_document_row
from ocr_service.db.models import ApiKey, AuditEntry


@dataclass(frozen=True)
class Actor:
    key_id: str
    name: str | None
    """The key's name, or ``None`` if the key row is gone."""


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime
    action: str
    field: str | None
    actor: Actor | None
    """``None`` for the system (the worker that read the page)."""
    old: Any
    new: Any
    reasons: list[str] | None


def document_history(
    *, session: Session, principal: Principal, document_id: str
) -> list[HistoryEntry]:
    document = get_document_row(session=session, principal=principal, document_id=document_id)
    query = (
        select(AuditEntry, ApiKey.name)
        .outerjoin(ApiKey, ApiKey.id == AuditEntry.actor)
        .where(AuditEntry.document_id == document.id)
        .order_by(AuditEntry.id)
    )
    return [
        HistoryEntry(
            id=entry.id,
            at=entry.at,
            action=entry.action,
            field=entry.field,
            actor=Actor(key_id=entry.actor, name=name) if entry.actor is not None else None,
            old=entry.old,
            new=entry.new,
            reasons=[str(r) for r in entry.reasons] if entry.reasons is not None else None,
        )
        for entry, name in session.execute(query)
    ]
