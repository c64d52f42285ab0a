"""``/v1/uploads``: send a scan, follow its progress, list uploads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status

from ocr_service.api.deps import AnyReader, ServicesDep, SessionDep, Uploader
from ocr_service.api.errors import LanguageDep
from ocr_service.api.schemas import (
    ErrorBody,
    ErrorPublic,
    PageCountsPublic,
    PagePublic,
    UploadList,
    UploadPublic,
    UploadSummary,
)
from ocr_service.db import documents as documents_service
from ocr_service.db import uploads as service
from ocr_service.db.models import Upload, UploadStatus
from ocr_service.errors import InvalidValue
from ocr_service.messages import Language, text_for

router = APIRouter(prefix="/v1/uploads", tags=["uploads"])

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorBody, "description": "no or unknown API key"},
    403: {"model": ErrorBody, "description": "the key's role may not do this"},
}


def refusal(code: str | None, message: str | None, language: Language) -> ErrorPublic | None:
    """A stored refusal as a person reads it: the catalogue's text in ``language``, the
    stored technical reason in ``details.detail``."""
    if not code:
        return None
    detail = {"detail": message} if message else None
    return ErrorPublic(code=code, message=text_for(code, language), details=detail)


def upload_summary(
    upload: Upload, counts: service.PageCounts, language: Language = "ja"
) -> UploadSummary:
    return UploadSummary(
        id=upload.id,
        status=upload.status,
        sha256=upload.sha256,
        template=upload.template,
        external_ref=upload.external_ref,
        filename=upload.filename,
        size=upload.size,
        mime=upload.mime,
        pages_total=upload.pages_total,
        pages_done=upload.pages_done,
        page_counts=PageCountsPublic(
            total=counts.total,
            done=counts.done,
            failed=counts.failed,
            not_a_form=counts.not_a_form,
            pending=counts.pending,
        ),
        error=refusal(upload.error_code, upload.error_message, language),
        created_at=upload.created_at,
        updated_at=upload.updated_at,
    )


def upload_public(session: SessionDep, upload: Upload, language: Language = "ja") -> UploadPublic:
    pages = service.upload_pages(session=session, upload_id=upload.id)
    counts = service.page_counts(session=session, uploads=[upload])[upload.id]
    return UploadPublic(
        **upload_summary(upload, counts, language).model_dump(),
        document_ids=[p.document_id for p in pages if p.document_id],
        pages=[
            PagePublic(
                index=p.index,
                sheet=p.index + 1,
                status=p.status,
                document_id=p.document_id,
                attempts=p.attempts,
                template=p.template,
                error=refusal(p.error_code, p.error_message, language),
            )
            for p in pages
        ],
    )


def zoned(name: str, value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InvalidValue(f"{name} needs a time zone, e.g. 2026-04-01T00:00:00+09:00")
    return value


@router.get(
    "",
    response_model=UploadList,
    summary="Uploads, newest first, cursor-paginated; clerks see their own",
    responses={**ERRORS, 422: {"model": ErrorBody, "description": "bad filter or cursor"}},
)
def list_uploads(
    services: ServicesDep,
    session: SessionDep,
    principal: AnyReader,
    language: LanguageDep,
    status: UploadStatus | None = None,
    template: str | None = None,
    external_ref: Annotated[str | None, Query(description="exactly as sent")] = None,
    created_after: Annotated[
        datetime | None, Query(description="ISO 8601 with zone; uploads at or after it")
    ] = None,
    created_before: Annotated[
        datetime | None, Query(description="ISO 8601 with zone; uploads before it")
    ] = None,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_LIMIT)] = 50,
) -> UploadList:
    secret = services.settings.secret_key.get_secret_value()
    query = service.UploadQuery(
        status=status.value if status else None,
        template=template,
        external_ref=external_ref,
        created_after=zoned("created_after", created_after),
        created_before=zoned("created_before", created_before),
        after=documents_service.decode_cursor(cursor, secret) if cursor else None,
        limit=limit,
    )
    uploads, last = service.list_uploads(session=session, principal=principal, query=query)
    counts = service.page_counts(session=session, uploads=uploads)
    return UploadList(
        items=[upload_summary(u, counts[u.id], language) for u in uploads],
        next_cursor=documents_service.encode_cursor(last, secret) if last else None,
        has_more=last is not None,
    )


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=UploadPublic,
    summary="Upload a scanned file (PDF, TIFF, PNG or JPEG) for reading",
    responses={
        **ERRORS,
        200: {"model": UploadPublic, "description": "this file was uploaded before: that upload"},
        409: {
            "model": ErrorBody,
            "description": "duplicate_upload: this file was uploaded before with another "
            "external_ref (the message says what to do; details name the first upload)",
        },
        404: {"model": ErrorBody, "description": "unknown template (the known ids are listed)"},
        413: {"model": ErrorBody, "description": "over the byte, page or pixel limit"},
        415: {"model": ErrorBody, "description": "not a PDF, TIFF, PNG or JPEG"},
        422: {"model": ErrorBody, "description": "corrupt or encrypted file, or a bad field"},
    },
)
def create_upload(
    services: ServicesDep,
    session: SessionDep,
    principal: Uploader,
    response: Response,
    language: LanguageDep,
    file: Annotated[UploadFile, File(description="the scan")],
    template: Annotated[str | None, Form(description="template id; omit to detect")] = None,
    external_ref: Annotated[str | None, Form(description="your reference, kept as is")] = None,
) -> UploadPublic:
    upload, created = service.receive_upload(
        session=session,
        storage=services.storage,
        registry=services.registry,
        queue=services.queue,
        limits=services.limits,
        principal=principal,
        request=service.UploadRequest(
            stream=file.file,
            filename=file.filename,
            template=template,
            external_ref=external_ref,
        ),
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return upload_public(session, upload, language)


@router.get(
    "/{upload_id}",
    response_model=UploadPublic,
    summary="An upload's status, progress, document ids and page errors",
    responses={**ERRORS, 404: {"model": ErrorBody, "description": "no such upload"}},
)
def read_upload(
    session: SessionDep, principal: AnyReader, language: LanguageDep, upload_id: str
) -> UploadPublic:
    upload = service.get_upload(session=session, principal=principal, upload_id=upload_id)
    return upload_public(session, upload, language)
