"""``/v1/documents``: one document, and the feed of documents in change order."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from ocr_service.api.deps import AnyReader, FeedReader, ServicesDep, SessionDep
from ocr_service.api.routes.uploads import ERRORS
from ocr_service.api.schemas import DocumentFeed, DocumentPublic, ErrorBody
from ocr_service.db import documents as service
from ocr_service.db.models import DocumentStatus
from ocr_service.errors import InvalidValue

router = APIRouter(prefix="/v1/documents", tags=["documents"])


def aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InvalidValue("updated_after needs a time zone, e.g. 2026-01-15T09:30:00Z")
    return value


@router.get(
    "",
    response_model=DocumentFeed,
    summary="Documents in change order, cursor-paginated (poll with next_cursor)",
    responses={**ERRORS, 422: {"model": ErrorBody, "description": "bad filter or cursor"}},
)
def list_documents(
    services: ServicesDep,
    session: SessionDep,
    principal: FeedReader,
    status: DocumentStatus | None = None,
    template: str | None = None,
    updated_after: Annotated[datetime | None, Query(description="ISO 8601 with zone")] = None,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_LIMIT)] = 100,
) -> dict[str, Any]:
    secret = services.settings.secret_key.get_secret_value()
    query = service.FeedQuery(
        status=status.value if status else None,
        template=template,
        updated_after=aware(updated_after),
        after=service.decode_cursor(cursor, secret) if cursor else None,
        limit=limit,
    )
    items, last, has_more = service.feed_page(
        session=session,
        principal=principal,
        query=query,
        settle=timedelta(milliseconds=services.settings.feed_settle_ms),
    )
    return {
        "items": items,
        "next_cursor": service.encode_cursor(last, secret) if last else None,
        "has_more": has_more,
    }


@router.get(
    "/{document_id}",
    response_model=DocumentPublic,
    summary="One document: the read --json shape plus id, status, data and times",
    responses={**ERRORS, 404: {"model": ErrorBody, "description": "no such document"}},
)
def read_document(session: SessionDep, principal: AnyReader, document_id: str) -> dict[str, Any]:
    return service.get_document(session=session, principal=principal, document_id=document_id)
