"""``/v1/exports``: a template's documents as CSV or as an Excel workbook (``.xlsx``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from ocr_service.api import csv_export, xlsx_export
from ocr_service.api.deps import FeedReader, ServicesDep
from ocr_service.api.export_rows import DateStyle, ExportOptions, HeaderStyle
from ocr_service.api.routes.documents import aware
from ocr_service.api.routes.uploads import ERRORS
from ocr_service.api.schemas import ErrorBody
from ocr_service.auth import Principal
from ocr_service.db import documents as service
from ocr_service.db.models import DocumentStatus
from ocr_service.db.session import session_scope
from ocr_service.templates.model import Template

router = APIRouter(prefix="/v1/exports", tags=["exports"])

HeadersParam = Annotated[
    HeaderStyle,
    Query(description="names: field names (for programs); labels: the template's labels (氏名)"),
]
DatesParam = Annotated[
    DateStyle,
    Query(description="iso: 2024-04-01; wareki: 令和6年4月1日 (a date before 1873 stays ISO)"),
]
UpdatedAfter = Annotated[datetime | None, Query(description="ISO 8601 with zone")]


def _options(services: ServicesDep, headers: HeaderStyle, dates: DateStyle) -> ExportOptions:
    return ExportOptions(headers=headers, dates=dates, zone=services.settings.zone)


def _query(
    template_id: str, status: DocumentStatus | None, updated_after: datetime | None
) -> service.FeedQuery:
    return service.FeedQuery(
        status=status.value if status else None,
        template=template_id,
        updated_after=aware(updated_after),
    )


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
    updated_after: UpdatedAfter = None,
    headers: HeadersParam = HeaderStyle.NAMES,
    dates: DatesParam = DateStyle.ISO,
) -> StreamingResponse:
    template = services.registry.get(template_id).template
    query = _query(template_id, status, updated_after)
    options = _options(services, headers, dates)
    return StreamingResponse(
        _render(services, principal, template, query, options),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{template_id}.csv"'},
    )


def _render(
    services: ServicesDep,
    principal: Principal,
    template: Template,
    query: service.FeedQuery,
    options: ExportOptions,
) -> Iterator[str]:
    # its own session: the body streams after the request's session has closed
    with session_scope(services.sessions) as session:
        documents = service.iter_documents(session=session, principal=principal, query=query)
        yield from csv_export.render(template, documents, options)


@router.get(
    "/{template_id}.xlsx",
    summary="The CSV's rows as an Excel workbook: digit strings as text cells, no formulas",
    response_class=StreamingResponse,
    responses={
        **ERRORS,
        200: {"content": {xlsx_export.MEDIA_TYPE: {}}, "description": "the workbook"},
        404: {"model": ErrorBody, "description": "unknown template"},
        422: {"model": ErrorBody, "description": "a bad filter, or over Excel's row limit"},
    },
)
def export_xlsx(
    services: ServicesDep,
    principal: FeedReader,
    template_id: str,
    status: DocumentStatus | None = None,
    updated_after: UpdatedAfter = None,
    headers: HeadersParam = HeaderStyle.NAMES,
    dates: DatesParam = DateStyle.ISO,
) -> StreamingResponse:
    template = services.registry.get(template_id).template
    query = _query(template_id, status, updated_after)
    options = _options(services, headers, dates)
    # built before answering (a zip is written whole), so an error is still an error answer
    with session_scope(services.sessions) as session:
        documents = service.iter_documents(session=session, principal=principal, query=query)
        workbook = xlsx_export.build(template, documents, options)
    return StreamingResponse(
        xlsx_export.stream(workbook),
        media_type=xlsx_export.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{template_id}.xlsx"'},
        background=BackgroundTask(workbook.close),  # also when the client left early
    )
