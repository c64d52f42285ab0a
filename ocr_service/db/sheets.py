"""One sheet of an upload, as a clerk handles it on ``/upload``: its image, reading it
again with another template, marking it as not a form.

A sheet is a page counted from 1 (``sheet = index + 1``), the number a person sees. The
page's state changes themselves, and their exactly-once rules, are in
:mod:`ocr_service.db.processing`; the page goes back on the queue through the same
:class:`~ocr_service.db.uploads.PageQueue` as a new upload's pages (and ``reconcile``
enqueues it again if Redis is down at that moment).
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ocr_service.auth import Principal
from ocr_service.db import processing
from ocr_service.db.models import DocumentRow, Page, Upload
from ocr_service.db.uploads import PageQueue, check_template, get_upload
from ocr_service.errors import NotFound
from ocr_service.storage import LocalStorage
from ocr_service.templates.loader import TemplateRegistry

log = logging.getLogger(__name__)


def sheet_page(*, session: Session, principal: Principal, upload_id: str, sheet: int) -> Page:
    """Sheet ``sheet`` (1-based) of an upload the caller may see, else :class:`NotFound`."""
    upload = get_upload(session=session, principal=principal, upload_id=upload_id)
    page = session.scalar(select(Page).where(Page.upload_id == upload.id, Page.index == sheet - 1))
    if page is None:
        raise NotFound(
            f"upload {upload_id} has no sheet {sheet} (it has {upload.pages_total})",
            sheet=sheet,
            sheets=upload.pages_total,
        )
    return page


def sheet_image(
    *, session: Session, storage: LocalStorage, principal: Principal, upload_id: str, sheet: int
) -> bytes:
    """The PNG kept of a sheet: as scanned for a refused sheet, straightened for a read one."""
    page = sheet_page(session=session, principal=principal, upload_id=upload_id, sheet=sheet)
    row = session.get(DocumentRow, page.document_id) if page.document_id else None
    session.rollback()  # end the read before the file is read
    if row is None or row.image_sha256 is None:
        raise NotFound(f"no image is kept of sheet {sheet} (not read yet, or purged)", sheet=sheet)
    return storage.get_bytes(row.image_sha256)


def reread_sheet(
    *,
    session: Session,
    storage: LocalStorage,
    registry: TemplateRegistry,
    queue: PageQueue,
    principal: Principal,
    upload_id: str,
    sheet: int,
    template: str | None,
) -> Page:
    """Read a refused sheet again with ``template`` (``None``: classify among all)."""
    check_template(registry, template)
    page = sheet_page(session=session, principal=principal, upload_id=upload_id, sheet=sheet)
    session.rollback()
    kept = processing.reopen_page(
        session=session,
        upload_id=upload_id,
        index=page.index,
        template=template,
        actor=principal.key_id,
    )
    log.info("sheet sent to be read again upload=%s page=%s", upload_id, page.index)
    queue.enqueue_pages(upload_id, [page.index])
    if kept is not None:
        delete_if_unused(session=session, storage=storage, sha256=kept)
    session.refresh(page)
    return page


def mark_not_a_form(*, session: Session, principal: Principal, upload_id: str, sheet: int) -> Page:
    """Mark a refused sheet as not a form (a cover sheet, a separator)."""
    page = sheet_page(session=session, principal=principal, upload_id=upload_id, sheet=sheet)
    session.rollback()
    if processing.dismiss_page(
        session=session, upload_id=upload_id, index=page.index, actor=principal.key_id
    ):
        log.info("sheet marked not a form upload=%s page=%s", upload_id, page.index)
    session.refresh(page)
    return page


def delete_if_unused(*, session: Session, storage: LocalStorage, sha256: str) -> None:
    """Delete the image a refusal kept, unless another document or upload still refers to
    the same bytes (blobs are content-addressed, so two uploads may share one)."""
    documents = select(func.count()).where(DocumentRow.image_sha256 == sha256)
    uploads = select(func.count()).where(Upload.sha256 == sha256)
    used = (session.scalar(documents) or 0) + (session.scalar(uploads) or 0)
    session.rollback()
    if not used:
        storage.delete(sha256)
