"""``/v1/uploads``: send a scan, follow its progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status

from ocr_service.api.deps import AnyReader, ServicesDep, SessionDep, Uploader
from ocr_service.api.schemas import ErrorBody, ErrorPublic, PagePublic, UploadPublic
from ocr_service.db import uploads as service
from ocr_service.db.models import Upload

router = APIRouter(prefix="/v1/uploads", tags=["uploads"])

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorBody, "description": "no or unknown API key"},
    403: {"model": ErrorBody, "description": "the key's role may not do this"},
}


def upload_public(session: SessionDep, upload: Upload) -> UploadPublic:
    pages = service.upload_pages(session=session, upload_id=upload.id)
    return UploadPublic(
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
        document_ids=[p.document_id for p in pages if p.document_id],
        pages=[
            PagePublic(
                index=p.index,
                status=p.status,
                document_id=p.document_id,
                attempts=p.attempts,
                error=(
                    ErrorPublic(code=p.error_code, message=p.error_message or "")
                    if p.error_code
                    else None
                ),
            )
            for p in pages
        ],
        error=(
            ErrorPublic(code=upload.error_code, message=upload.error_message or "")
            if upload.error_code
            else None
        ),
        created_at=upload.created_at,
        updated_at=upload.updated_at,
    )


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=UploadPublic,
    summary="Upload a scanned file (PDF, TIFF, PNG or JPEG) for reading",
    responses={
        **ERRORS,
        200: {"model": UploadPublic, "description": "this file was uploaded before: that upload"},
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
    return upload_public(session, upload)


@router.get(
    "/{upload_id}",
    response_model=UploadPublic,
    summary="An upload's status, progress, document ids and page errors",
    responses={**ERRORS, 404: {"model": ErrorBody, "description": "no such upload"}},
)
def read_upload(session: SessionDep, principal: AnyReader, upload_id: str) -> UploadPublic:
    upload = service.get_upload(session=session, principal=principal, upload_id=upload_id)
    return upload_public(session, upload)
