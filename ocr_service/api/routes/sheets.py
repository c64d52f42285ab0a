"""``/v1/uploads/{id}/sheets/{sheet}``: one sheet (1-based) of an upload, as a clerk handles
a refused one: see it, read it again with another template, or mark it as not a form.

Clerks (their own uploads) and admins; the image is personal data and never cached.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Response, status

from ocr_service.api.deps import ServicesDep, SessionDep, Uploader
from ocr_service.api.errors import LanguageDep
from ocr_service.api.routes.uploads import refusal
from ocr_service.api.schemas import ErrorBody, PagePublic, SheetReread
from ocr_service.db import sheets as service
from ocr_service.db.models import Page
from ocr_service.messages import Language

router = APIRouter(prefix="/v1/uploads/{upload_id}/sheets", tags=["uploads"])

Sheet = Annotated[int, Path(ge=1, le=100_000, description="1-based sheet number")]
NO_STORE = {"Cache-Control": "private, no-store"}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "no or unknown API key"},
    403: {"model": ErrorBody, "description": "the key's role may not do this"},
    404: {"model": ErrorBody, "description": "no such upload or sheet"},
}
REFUSED_ONLY: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "the sheet is not refused (read, or being read)"}
}


def page_public(page: Page, language: Language) -> PagePublic:
    return PagePublic(
        index=page.index,
        sheet=page.index + 1,
        status=page.status,
        document_id=page.document_id,
        attempts=page.attempts,
        template=page.template,
        error=refusal(page.error_code, page.error_message, language),
    )


@router.get(
    "/{sheet}/image",
    summary="The image kept of a sheet: as scanned if refused, straightened if read",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"image/png": {}}, "description": "a PNG image"}},
)
def sheet_image(
    services: ServicesDep, session: SessionDep, principal: Uploader, upload_id: str, sheet: Sheet
) -> Response:
    png = service.sheet_image(
        session=session,
        storage=services.storage,
        principal=principal,
        upload_id=upload_id,
        sheet=sheet,
    )
    return Response(png, media_type="image/png", headers=NO_STORE)


@router.post(
    "/{sheet}/reread",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PagePublic,
    summary="Read a refused sheet again, with another template (or classified)",
    responses={**ERRORS, **REFUSED_ONLY},
)
def reread_sheet(
    services: ServicesDep,
    session: SessionDep,
    principal: Uploader,
    language: LanguageDep,
    upload_id: str,
    sheet: Sheet,
    body: Annotated[SheetReread, Body()],
) -> PagePublic:
    page = service.reread_sheet(
        session=session,
        storage=services.storage,
        registry=services.registry,
        queue=services.queue,
        principal=principal,
        upload_id=upload_id,
        sheet=sheet,
        template=body.template or None,
    )
    return page_public(page, language)


@router.post(
    "/{sheet}/not-a-form",
    response_model=PagePublic,
    summary="Mark a refused sheet as not a form (a cover sheet, a separator)",
    responses={**ERRORS, **REFUSED_ONLY},
)
def mark_not_a_form(
    session: SessionDep, principal: Uploader, language: LanguageDep, upload_id: str, sheet: Sheet
) -> PagePublic:
    page = service.mark_not_a_form(
        session=session, principal=principal, upload_id=upload_id, sheet=sheet
    )
    return page_public(page, language)
