"""Page state as the worker moves it: start, finish, fail, retry later, reconcile.

Every function owns its transaction. Re-running a page is safe: its document and fields
are upserted by ``(upload_id, page_index)`` and ``(document_id, name)``, never duplicated.

A worker *claims* a page by moving it from ``queued`` to ``processing`` under a row lock;
the claim's token is the attempt number, and the worker renews it (:func:`renew_claim`,
moving ``updated_at``) while it reads. Only one worker holds a page at a time: a page
already ``processing`` is not claimed again until ``reconcile`` puts it back to ``queued``
(once its claim has gone unrenewed), and a worker whose claim was taken over (its attempt
is no longer the page's) has its result, failure or retry discarded.

A clerk may put a refused page back to ``queued`` to be read again with another template
(:func:`reopen_page`), or mark it as not a form (:func:`dismiss_page`). Both change only a
finished, refused page under the same row lock, so they never touch a page a worker holds,
and the next claim's attempt number is new, so a late worker of an earlier attempt still has
its result discarded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ocr_service.db.models import (
    CLASSIFY,
    FINISHED_PAGE,
    AuditEntry,
    DocumentRow,
    DocumentStatus,
    FieldRow,
    Page,
    PageStatus,
    Upload,
    UploadStatus,
    utcnow,
)
from ocr_service.errors import Conflict, InvariantBroken
from ocr_service.results import Document

log = logging.getLogger(__name__)

TERMINAL = FINISHED_PAGE
REFUSED = (PageStatus.FAILED, PageStatus.NOT_A_FORM)
"""Pages a clerk may read again with another template."""


@dataclass(frozen=True)
class PageWork:
    """What a worker needs to read one page (ids and names only)."""

    upload_id: str
    index: int
    document_id: str
    sha256: str
    template: str | None
    attempt: int


def _locked_page(session: Session, upload_id: str, index: int) -> Page | None:
    query = select(Page).where(Page.upload_id == upload_id, Page.index == index)
    return session.scalar(query.with_for_update())


def _holds_claim(page: Page | None, attempt: int | None) -> bool:
    """Whether the worker on ``attempt`` still holds the page (``None``: no claim to check)."""
    if page is None:
        return False
    if attempt is None:
        return page.status not in TERMINAL
    return page.status == PageStatus.PROCESSING and page.attempts == attempt


def start_page(*, session: Session, upload_id: str, index: int) -> PageWork | None:
    """Claim a queued page (mark it processing); ``None`` if it is unknown, finished or
    already claimed by another worker."""
    page = _locked_page(session, upload_id, index)
    if page is None or page.status != PageStatus.QUEUED or page.document_id is None:
        session.rollback()
        return None
    upload = session.get(Upload, upload_id)
    document = session.get(DocumentRow, page.document_id)
    if upload is None or document is None:
        raise InvariantBroken(
            "a queued page has no upload or document row", upload=upload_id, page=index
        )
    now = utcnow()
    page.status = PageStatus.PROCESSING
    page.attempts += 1
    page.updated_at = now
    document.status = DocumentStatus.PROCESSING
    document.updated_at = now
    if upload.status == UploadStatus.QUEUED:
        upload.status = UploadStatus.PROCESSING
        upload.updated_at = now
    work = PageWork(
        upload_id=upload_id,
        index=index,
        document_id=document.id,
        sha256=upload.sha256,
        template=upload.template if page.template is None else chosen_template(page.template),
        attempt=page.attempts,
    )
    session.commit()
    return work


def chosen_template(stored: str) -> str | None:
    """The template a re-read page is read with: ``None`` (classify) for :data:`CLASSIFY`."""
    return None if stored == CLASSIFY else stored


def renew_claim(*, session: Session, work: PageWork) -> bool:
    """The heartbeat of a claim: move the page's ``updated_at`` to now if the worker on
    ``work.attempt`` still holds it; ``False`` if the claim was taken over or ended."""
    page = _locked_page(session, work.upload_id, work.index)
    if page is None or not _holds_claim(page, work.attempt):
        session.rollback()
        return False
    page.updated_at = utcnow()
    session.commit()
    return True


def finish_page(
    *,
    session: Session,
    work: PageWork,
    document: Document,
    image_sha256: str | None,
) -> str | None:
    """Store a reading: upsert the document's fields and set its status; return the status
    (``None``, storing nothing, if the worker's claim was taken over)."""
    page = _locked_page(session, work.upload_id, work.index)
    if not _holds_claim(page, work.attempt):
        session.rollback()
        return None
    row = session.get(DocumentRow, work.document_id)
    if page is None or row is None:
        raise InvariantBroken(
            "a claimed page has no page or document row", upload=work.upload_id, page=work.index
        )
    now = utcnow()
    existing = {
        f.name: f for f in session.scalars(select(FieldRow).where(FieldRow.document_id == row.id))
    }
    for position, (name, result) in enumerate(document.fields.items()):
        field = existing.pop(name, None)
        if field is None:
            field = FieldRow(document_id=row.id, name=name)
            session.add(field)
        field.position = position
        field.value = result.value
        field.raw_text = result.raw_text
        field.confidence = float(result.confidence)
        field.flagged = result.flagged
        field.reasons = list(result.reasons)
        field.rules = list(result.rules)
        field.suggestion = result.suggestion
        field.page = result.page
        field.bbox = [int(v) for v in result.bbox]
        field.resolved = False
    for stale in existing.values():
        session.delete(stale)
    status = DocumentStatus.NEEDS_REVIEW if document.flagged else DocumentStatus.VERIFIED
    row.template_id = document.template_id
    row.template_version = str(document.template_version)
    row.pages = [p.to_dict() for p in document.pages]
    row.image_sha256 = image_sha256
    row.status = status
    row.error_code = None
    row.error_message = None
    row.version += 1
    row.updated_at = now
    page.status = PageStatus.DONE
    page.error_code = None
    page.error_message = None
    page.updated_at = now
    session.add(AuditEntry(document_id=row.id, action="read", new={"status": status.value}))
    _update_progress(session, work.upload_id, now)
    session.commit()
    return status.value


def fail_page(
    *,
    session: Session,
    upload_id: str,
    index: int,
    code: str,
    message: str,
    attempt: int | None = None,
    image_sha256: str | None = None,
) -> bool:
    """Mark a page and its document failed; the upload's other pages carry on. With
    ``attempt``, only while that attempt still holds the page. ``image_sha256`` is the
    page as scanned (a PNG in storage) for the clerk to see. Whether it was marked."""
    page = _locked_page(session, upload_id, index)
    if page is None or (attempt is not None and not _holds_claim(page, attempt)):
        session.rollback()
        return False
    now = utcnow()
    page.status = PageStatus.FAILED
    page.error_code = code
    page.error_message = message
    page.updated_at = now
    row = session.get(DocumentRow, page.document_id) if page.document_id else None
    if row is not None:
        row.status = DocumentStatus.FAILED
        row.error_code = code
        row.error_message = message
        if image_sha256 is not None:
            row.image_sha256 = image_sha256
        row.version += 1
        row.updated_at = now
        session.add(AuditEntry(document_id=row.id, action="fail", new={"code": code}))
    _update_progress(session, upload_id, now)
    session.commit()
    return True


def retry_page_later(
    *,
    session: Session,
    upload_id: str,
    index: int,
    code: str,
    message: str,
    attempt: int | None = None,
) -> None:
    """Put a page back to queued after a retryable error (rq will run it again). With
    ``attempt``, only while that attempt still holds the page."""
    page = _locked_page(session, upload_id, index)
    if page is None or not _holds_claim(page, attempt):
        session.rollback()
        return
    now = utcnow()
    page.status = PageStatus.QUEUED
    page.error_code = code
    page.error_message = message
    page.updated_at = now
    row = session.get(DocumentRow, page.document_id) if page.document_id else None
    if row is not None:
        row.status = DocumentStatus.QUEUED
        row.updated_at = now
    session.commit()


def _update_progress(session: Session, upload_id: str, now: datetime) -> None:
    """Recount finished pages under a lock on the upload row, so concurrent workers agree."""
    upload = session.scalar(select(Upload).where(Upload.id == upload_id).with_for_update())
    if upload is None:
        raise InvariantBroken("a page's upload row is missing", upload=upload_id)
    session.flush()
    rows = session.execute(
        select(Page.status, func.count()).where(Page.upload_id == upload_id).group_by(Page.status)
    )
    counts: dict[str, int] = dict(rows.all())
    done = counts.get(PageStatus.DONE, 0)
    failed = counts.get(PageStatus.FAILED, 0)
    upload.pages_done = done + failed + counts.get(PageStatus.NOT_A_FORM, 0)
    if upload.pages_done >= upload.pages_total:
        if done == 0 and failed:
            upload.status = UploadStatus.FAILED
            upload.error_code = "all_pages_failed"
            upload.error_message = "no page of the file could be read; see the page errors"
            upload.updated_at = now
            return
        # every page read, or the refused ones marked as not a form: nothing left to do
        upload.status = UploadStatus.DONE_WITH_FAILURES if failed else UploadStatus.DONE
    else:  # queued pages, also after a finished upload's page was sent to be read again
        upload.status = UploadStatus.PROCESSING
    upload.error_code = None
    upload.error_message = None
    upload.updated_at = now


def _refused_page(session: Session, upload_id: str, index: int) -> Page:
    """The page, locked; :class:`Conflict` unless it is finished and refused."""
    page = _locked_page(session, upload_id, index)
    if page is None or page.document_id is None:
        session.rollback()
        raise InvariantBroken("an upload's page row is missing", upload=upload_id, page=index)
    if page.status not in REFUSED:
        status = page.status
        session.rollback()
        raise Conflict(
            f"sheet {index + 1} is {status}; only a refused sheet can be read again or "
            "marked as not a form",
            sheet=index + 1,
            status=status,
        )
    return page


def reopen_page(
    *, session: Session, upload_id: str, index: int, template: str | None, actor: str
) -> str | None:
    """Put a refused page back to ``queued``, to be read with ``template`` (``None``:
    classify) once its job is enqueued. Return the image the refusal kept (the caller
    deletes it once nothing else refers to it). :class:`Conflict` unless refused."""
    page = _refused_page(session, upload_id, index)
    row = session.get(DocumentRow, page.document_id)
    if row is None:
        raise InvariantBroken("a page's document row is missing", upload=upload_id, page=index)
    now = utcnow()
    before = {"status": page.status, "code": page.error_code}
    page.status = PageStatus.QUEUED
    page.template = template or CLASSIFY
    page.error_code = None
    page.error_message = None
    page.updated_at = now
    kept = row.image_sha256
    row.status = DocumentStatus.QUEUED
    row.error_code = None
    row.error_message = None
    row.image_sha256 = None
    row.version += 1
    row.updated_at = now
    session.add(
        AuditEntry(
            document_id=row.id, actor=actor, action="reread", old=before, new={"template": template}
        )
    )
    _update_progress(session, upload_id, now)
    session.commit()
    return kept


def dismiss_page(*, session: Session, upload_id: str, index: int, actor: str) -> bool:
    """Mark a refused page as not a form (its refusal stays on it); ``False`` if it was
    already. :class:`Conflict` unless refused."""
    page = _refused_page(session, upload_id, index)
    if page.status == PageStatus.NOT_A_FORM:
        session.rollback()
        return False
    now = utcnow()
    page.status = PageStatus.NOT_A_FORM
    page.updated_at = now
    session.add(
        AuditEntry(
            document_id=page.document_id,
            actor=actor,
            action="not_a_form",
            old={"code": page.error_code},
        )
    )
    _update_progress(session, upload_id, now)
    session.commit()
    return True


def stale_pages(*, session: Session, cutoff: datetime) -> list[tuple[str, int]]:
    """Pages queued or processing with no change (no heartbeat either) since ``cutoff``:
    ``(upload_id, index)``."""
    query = (
        select(Page.upload_id, Page.index)
        .where(
            Page.status.in_([PageStatus.QUEUED, PageStatus.PROCESSING]),
            Page.updated_at < cutoff,
        )
        .order_by(Page.updated_at)
    )
    return [(u, i) for u, i in session.execute(query)]


def touch_pages(
    *, session: Session, pages: list[tuple[str, int]], unchanged_since: datetime | None = None
) -> list[tuple[str, int]]:
    """Put pages back to ``queued`` (ending a dead worker's claim) and reset their reconcile
    clock, before they are enqueued again; return those reset. With ``unchanged_since``, a
    page changed after it (a worker claimed or renewed it meanwhile) is left alone."""
    now = utcnow()
    reset: list[tuple[str, int]] = []
    for upload_id, index in pages:
        page = _locked_page(session, upload_id, index)
        if page is None or page.status in TERMINAL:
            continue
        if unchanged_since is not None and _aware(page.updated_at) >= unchanged_since:
            continue
        page.status = PageStatus.QUEUED
        page.updated_at = now
        reset.append((upload_id, index))
    session.commit()
    return reset


def _aware(when: datetime) -> datetime:
    """SQLite hands back naive datetimes; they are UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
