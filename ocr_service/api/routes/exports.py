"""``/v1/exports``: CSV of a template's documents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from ocr_service.api import csv_export
from ocr_service.api.deps import FeedReader, ServicesDep
from ocr_service.api.routes.documents import aware
from ocr_service.api.routes.uploads import ERRORS
from ocr_service.api.schemas import ErrorBody
from ocr_service.auth import Principal
from ocr_service.db import documents as service
from ocr_service.db.models import DocumentStatus
from ocr_service.db.session import session_scope
from ocr_service.templates.model import Template

router = APIRouter(prefix="/v1/exports", tags=["exports"])


@router.get(
    "/{template_id}.csv",
    summary="One CSV row per document (UTF-8 with BOM), fields in template order",
    response_class=StreamingResponse,
    responses={
        **ERRORS,
        200: {"content": {"text/csv": {}}, "description": "the CSV"},
        404: {"model": ErrorBody, "description": "unknown template"},
    },
)
def export_csv(
    services: ServicesDep,
    principal: FeedReader,
    template_id: str,
    status: DocumentStatus | None = None,
    updated_after: Annotated[datetime | None, Query(description="ISO 8601 with zone")] = None,
) -> StreamingResponse:
    template = services.registry.get(template_id).template
    query = service.FeedQuery(
        status=status.value if status else None,
        template=template_id,
        updated_after=aware(updated_after),
    )
    return StreamingResponse(
        _render(services, principal, template, query),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{template_id}.csv"'},
    )


def _render(
    services: ServicesDep, principal: Principal, template: Template, query: service.FeedQuery
) -> Iterator[str]:
    # its own session: the body streams after the request's session has closed
    with session_scope(services.sessions) as session:
        documents = service.iter_documents(session=session, principal=principal, query=query)
        yield from csv_export.render(template, documents)
