"""Reading documents: one document, the cursor-paginated feed, and CSV export rows.

The feed orders by ``(updated_at, id)`` and pages with an opaque cursor naming the last
row seen. Rows changed within the last ``settle`` are held back, so a transaction that
started earlier but commits later cannot slip in behind a poller's cursor.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from ocr_service.auth import Principal
from ocr_service.db.models import DocumentRow, FieldRow, Upload, utcnow
from ocr_service.errors import InvalidValue, NotFound

MAX_LIMIT = 500


@dataclass(frozen=True)
class Cursor:
    updated_at: datetime
    id: str


def encode_cursor(cursor: Cursor, secret: str) -> str:
    payload = json.dumps({"t": cursor.updated_at.isoformat(), "i": cursor.id}).encode()
    sig = hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(sig + payload).decode().rstrip("=")


def decode_cursor(text: str, secret: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        sig, payload = raw[:12], raw[12:]
        expected = hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:12]
        if not hmac.compare_digest(sig, expected):
            raise ValueError("bad signature")
        data = json.loads(payload)
        updated_at = datetime.fromisoformat(data["t"])
        if updated_at.tzinfo is None:
            raise ValueError("naive time")
        return Cursor(updated_at=updated_at, id=str(data["i"]))
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise InvalidValue("the cursor is not one this service gave out") from exc


def visible(query: Select[Any], principal: Principal) -> Select[Any]:
    if principal.sees_everything:
        return query
    return query.join(Upload, Upload.id == DocumentRow.upload_id).where(
        Upload.created_by == principal.key_id
    )


def get_document_row(*, session: Session, principal: Principal, document_id: str) -> DocumentRow:
    query = visible(select(DocumentRow).where(DocumentRow.id == document_id), principal)
    row: DocumentRow | None = session.scalar(query)
    if row is None:
        raise NotFound(f"no document with id {document_id!r}")
    return row


def fields_of(session: Session, document_ids: list[str]) -> dict[str, list[FieldRow]]:
    out: dict[str, list[FieldRow]] = {d: [] for d in document_ids}
    if not document_ids:
        return out
    query = (
        select(FieldRow)
        .where(FieldRow.document_id.in_(document_ids))
        .order_by(FieldRow.document_id, FieldRow.position)
    )
    for f in session.scalars(query):
        out[f.document_id].append(f)
    return out


def external_refs(session: Session, upload_ids: list[str]) -> dict[str, str | None]:
    """The ``external_ref`` of each upload, in one query."""
    if not upload_ids:
        return {}
    query = select(Upload.id, Upload.external_ref).where(Upload.id.in_(set(upload_ids)))
    refs: dict[str, str | None] = {}
    for upload_id, ref in session.execute(query):
        refs[upload_id] = ref
    return refs


def document_dict(
    row: DocumentRow, fields: list[FieldRow], external_ref: str | None = None
) -> dict[str, Any]:
    """The ``read --json`` document shape plus the service's own keys (``sheet`` is the
    1-based page number people see; ``external_ref`` is the upload's)."""
    field_map: dict[str, Any] = {}
    for f in fields:
        item: dict[str, Any] = {
            "value": f.value,
            "raw_text": f.raw_text,
            "confidence": round(float(f.confidence), 4),
            "flagged": f.flagged,
            "reasons": list(f.reasons),
            "page": f.page,
            "bbox": list(f.bbox),
            "resolved": f.resolved,
            "rules": list(f.rules or []),
        }
        if f.suggestion is not None:
            item["suggestion"] = f.suggestion
        field_map[f.name] = item
    error = {"code": row.error_code, "message": row.error_message or ""} if row.error_code else None
    return {
        "id": row.id,
        "upload_id": row.upload_id,
        "page_index": row.page_index,
        "sheet": row.page_index + 1,
        "external_ref": external_ref,
        "status": row.status,
        "version": row.version,
        "template": (
            {"id": row.template_id, "version": row.template_version} if row.template_id else None
        ),
        "pages": list(row.pages),
        "fields": field_map,
        "data": {f.name: f.value for f in fields},
        "error": error,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def get_document(*, session: Session, principal: Principal, document_id: str) -> dict[str, Any]:
    row = get_document_row(session=session, principal=principal, document_id=document_id)
    refs = external_refs(session, [row.upload_id])
    return document_dict(row, fields_of(session, [row.id])[row.id], refs.get(row.upload_id))


@dataclass(frozen=True)
class FeedQuery:
    status: str | None = None
    template: str | None = None
    updated_after: datetime | None = None
    after: Cursor | None = None
    limit: int = 100


def _feed_query(principal: Principal, q: FeedQuery, settle: timedelta) -> Select[Any]:
    query = visible(select(DocumentRow), principal)
    if q.status:
        query = query.where(DocumentRow.status == q.status)
    if q.template:
        query = query.where(DocumentRow.template_id == q.template)
    if q.updated_after is not None:
        query = query.where(DocumentRow.updated_at > q.updated_after)
    if q.after is not None:
        query = query.where(
            or_(
                DocumentRow.updated_at > q.after.updated_at,
                and_(DocumentRow.updated_at == q.after.updated_at, DocumentRow.id > q.after.id),
            )
        )
    if settle > timedelta(0):
        query = query.where(DocumentRow.updated_at <= utcnow() - settle)
    return query.order_by(DocumentRow.updated_at, DocumentRow.id)


def feed_page(
    *, session: Session, principal: Principal, query: FeedQuery, settle: timedelta
) -> tuple[list[dict[str, Any]], Cursor | None, bool]:
    """One page of the feed: ``(documents, cursor of the last one, more waiting)``."""
    limit = max(1, min(query.limit, MAX_LIMIT))
    rows = list(session.scalars(_feed_query(principal, query, settle).limit(limit + 1)))
    has_more = len(rows) > limit
    rows = rows[:limit]
    fields = fields_of(session, [r.id for r in rows])
    refs = external_refs(session, [r.upload_id for r in rows])
    items = [document_dict(r, fields[r.id], refs.get(r.upload_id)) for r in rows]
    last = Cursor(updated_at=rows[-1].updated_at, id=rows[-1].id) if rows else query.after
    return items, last, has_more


def iter_documents(
    *, session: Session, principal: Principal, query: FeedQuery, batch: int = 200
) -> Iterator[dict[str, Any]]:
    """Every matching document in feed order, fetched in keyset batches (for exports)."""
    after = query.after
    while True:
        page_query = FeedQuery(
            status=query.status,
            template=query.template,
            updated_after=query.updated_after,
            after=after,
            limit=batch,
        )
        items, after, has_more = feed_page(
            session=session, principal=principal, query=page_query, settle=timedelta(0)
        )
        session.rollback()  # one short transaction per batch: never hold locks while streaming
        yield from items
        if not has_more:
            return
