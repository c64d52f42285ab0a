"""Receiving uploads: stream to storage, validate, record, and hand pages to the queue;
listing them.

An upload is one file; each of its pages becomes one ``pages`` row and one ``documents``
row (status ``queued``) in the same transaction, so document ids exist from the start.

The same file sent again (same bytes, template and key) gives back the first upload. Sent
again with another ``external_ref``, it is refused (:class:`DuplicateUpload`, 409) rather
than answered with the first upload and its old reference, which would drop the new one
without a word.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, BinaryIO, Protocol

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ocr_service.auth import Principal
from ocr_service.db.documents import Cursor
from ocr_service.db.models import DocumentRow, Page, PageStatus, Upload, UploadStatus, new_id
from ocr_service.errors import (
    Conflict,
    DuplicateUpload,
    FileTooLarge,
    InvalidValue,
    NotFound,
    TemplateNotFound,
)
from ocr_service.imaging.ingest import Limits, probe_file
from ocr_service.storage import CHUNK, LocalStorage, storage_error
from ocr_service.templates.loader import TemplateRegistry

log = logging.getLogger(__name__)

UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\\/]")
MAX_REF = 200
MAX_LIMIT = 200


class PageQueue(Protocol):
    """Where page work goes (rq in production; anything with this method in tests)."""

    def enqueue_pages(self, upload_id: str, indexes: list[int]) -> None: ...


@dataclass(frozen=True)
class UploadRequest:
    stream: BinaryIO
    filename: str | None
    template: str | None
    external_ref: str | None


def invisible(char: str) -> bool:
    """A format character (bidi overrides and isolates, zero-width characters) or a C1
    control: dropped from file names (C0 controls become ``_`` with the path characters)."""
    return unicodedata.category(char) == "Cf" or 0x80 <= ord(char) <= 0x9F


def sanitize_filename(name: str | None) -> str:
    """The base name only, NFC, without control, format (bidi overrides such as U+202E,
    zero-width characters) or path characters, at most 255 bytes."""
    if not name:
        return "upload"
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if not invisible(c))
    base = UNSAFE_CHARS.sub("_", base).strip(" .")
    while len(base.encode("utf-8")) > 255:
        base = base[:-1]
    return base or "upload"


def check_template(registry: TemplateRegistry, template: str | None) -> None:
    if template is None:
        return
    known = registry.ids()
    if template not in known:
        raise TemplateNotFound(
            f"unknown template {template!r}; known templates: {', '.join(known) or 'none'}",
            template=template,
            known=known,
        )


def receive_upload(
    *,
    session: Session,
    storage: LocalStorage,
    registry: TemplateRegistry,
    queue: PageQueue,
    limits: Limits,
    principal: Principal,
    request: UploadRequest,
) -> tuple[Upload, bool]:
    """Store and record an upload; return ``(upload, created)``.

    The same file with the same template from the same key gives back the existing upload
    (``created`` is False), also when two such requests race.
    """
    template = request.template or None
    external_ref = request.external_ref or None
    if external_ref is not None and len(external_ref) > MAX_REF:
        raise InvalidValue(f"external_ref is longer than {MAX_REF} characters")
    check_template(registry, template)
    fh, tmp = storage.temp_file()
    try:
        digest = hashlib.sha256()
        size = 0
        try:
            with fh:
                while chunk := request.stream.read(CHUNK):
                    size += len(chunk)
                    if size > limits.max_bytes:
                        raise FileTooLarge(
                            f"the upload is over the limit of {limits.max_bytes / 2**20:.0f} MiB",
                            limit=limits.max_bytes,
                        )
                    digest.update(chunk)
                    fh.write(chunk)
        except OSError as exc:  # a full or failing disk while the upload streams in
            raise storage_error("cannot receive the upload", exc) from exc
        sha256 = digest.hexdigest()
        dedupe_key = f"{sha256}:{template or '*'}:{principal.key_id}"
        existing = session.scalar(select(Upload).where(Upload.dedupe_key == dedupe_key))
        if existing is not None:
            check_same_ref(existing, external_ref)
            log.info("upload repeated upload=%s", existing.id)
            return existing, False
        info = probe_file(tmp, limits)
        storage.put_file(tmp, sha256)
    finally:
        tmp.unlink(missing_ok=True)

    upload = Upload(
        id=new_id(),
        sha256=sha256,
        template=template,
        dedupe_key=dedupe_key,
        external_ref=external_ref,
        filename=sanitize_filename(request.filename),
        size=size,
        mime=info.mime,
        status=UploadStatus.QUEUED,
        pages_total=info.pages,
        pages_done=0,
        created_by=principal.key_id,
    )
    session.add(upload)
    try:
        session.flush()  # the upload row first: pages and documents refer to it
    except IntegrityError:
        return _existing_after_race(session, dedupe_key, external_ref)
    for index in range(info.pages):
        document_id = new_id()
        session.add(DocumentRow(id=document_id, upload_id=upload.id, page_index=index))
        session.add(Page(upload_id=upload.id, index=index, document_id=document_id))
    try:
        session.commit()
    except IntegrityError:
        return _existing_after_race(session, dedupe_key, external_ref)
    log.info("upload received upload=%s pages=%s kind=%s", upload.id, info.pages, info.kind)
    queue.enqueue_pages(upload.id, list(range(info.pages)))
    return upload, True


def check_same_ref(existing: Upload, external_ref: str | None) -> None:
    """Refuse a repeated file whose new ``external_ref`` the first upload does not carry.

    No reference with the repeat is fine (it asks for the first upload as it is).
    """
    if external_ref is None or external_ref == existing.external_ref:
        return
    before = existing.external_ref
    if before is None:
        ja, en = "参照番号なしで", "without an external_ref"
    else:
        ja, en = f"参照番号「{before}」で", f"with external_ref {before!r}"
    raise DuplicateUpload(
        f"このファイルは既に{ja}受け付けています（受付ID {existing.id}）。"
        f"参照番号「{external_ref}」は記録していません。同じ申請なら送り直す必要はありません。"
        "別の申請なら、その申請書をスキャンし直して送ってください。",
        message_en=(
            f"this file was received before {en} (upload {existing.id}); external_ref "
            f"{external_ref!r} was not recorded. If it is the same application there is "
            "nothing to resend; if it is another application, scan that one and send it."
        ),
        upload_id=existing.id,
        external_ref=before,
        requested_external_ref=external_ref,
        received_at=existing.created_at.isoformat(),
    )


def _existing_after_race(
    session: Session, dedupe_key: str, external_ref: str | None
) -> tuple[Upload, bool]:
    """Another request stored the same upload first: answer with that one."""
    session.rollback()
    existing = session.scalar(select(Upload).where(Upload.dedupe_key == dedupe_key))
    if existing is None:
        raise Conflict("the upload clashed with another request; send it again")
    check_same_ref(existing, external_ref)
    log.info("upload repeated (race) upload=%s", existing.id)
    return existing, False


def get_upload(*, session: Session, principal: Principal, upload_id: str) -> Upload:
    """The upload if the caller may see it (clerks see their own), else :class:`NotFound`."""
    upload = session.get(Upload, upload_id)
    if upload is None or not (principal.sees_everything or upload.created_by == principal.key_id):
        raise NotFound(f"no upload with id {upload_id!r}")
    return upload


def upload_pages(*, session: Session, upload_id: str) -> list[Page]:
    query = select(Page).where(Page.upload_id == upload_id).order_by(Page.index)
    return list(session.scalars(query))


@dataclass(frozen=True)
class PageCounts:
    """An upload's pages by outcome: ``done`` read, ``failed`` refused, ``not_a_form``
    refused and marked by a clerk as not a form, ``pending`` not finished yet (queued or
    being read)."""

    total: int
    done: int
    failed: int
    not_a_form: int = 0

    @property
    def pending(self) -> int:
        return self.total - self.done - self.failed - self.not_a_form


def page_counts(*, session: Session, uploads: list[Upload]) -> dict[str, PageCounts]:
    """Page counts of each upload, in one query."""
    ids = [u.id for u in uploads]
    found: dict[str, dict[str, int]] = {i: {} for i in ids}
    if ids:
        query = (
            select(Page.upload_id, Page.status, func.count())
            .where(Page.upload_id.in_(ids))
            .group_by(Page.upload_id, Page.status)
        )
        for upload_id, status, n in session.execute(query):
            found[upload_id][status] = n
    return {
        u.id: PageCounts(
            total=u.pages_total,
            done=found[u.id].get(PageStatus.DONE, 0),
            failed=found[u.id].get(PageStatus.FAILED, 0),
            not_a_form=found[u.id].get(PageStatus.NOT_A_FORM, 0),
        )
        for u in uploads
    }


@dataclass(frozen=True)
class UploadQuery:
    """Filters of ``GET /v1/uploads``; ``after`` is the last upload of the previous page."""

    status: str | None = None
    template: str | None = None
    external_ref: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    after: Cursor | None = None
    limit: int = 50


def _list_query(principal: Principal, q: UploadQuery) -> Select[Any]:
    query = select(Upload)
    if not principal.sees_everything:
        query = query.where(Upload.created_by == principal.key_id)
    if q.status:
        query = query.where(Upload.status == q.status)
    if q.template:
        query = query.where(Upload.template == q.template)
    if q.external_ref is not None:
        query = query.where(Upload.external_ref == q.external_ref)
    if q.created_after is not None:
        query = query.where(Upload.created_at >= q.created_after)
    if q.created_before is not None:
        query = query.where(Upload.created_at < q.created_before)
    if q.after is not None:  # newest first: the next page holds older uploads
        # (the feed's cursor type; here its time is the upload's created_at)
        query = query.where(
            or_(
                Upload.created_at < q.after.updated_at,
                and_(Upload.created_at == q.after.updated_at, Upload.id < q.after.id),
            )
        )
    return query.order_by(Upload.created_at.desc(), Upload.id.desc())


def list_uploads(
    *, session: Session, principal: Principal, query: UploadQuery
) -> tuple[list[Upload], Cursor | None]:
    """One page of uploads the caller may see, newest first: ``(uploads, cursor of the
    last one if more are waiting)``. Clerks see their own uploads only."""
    limit = max(1, min(query.limit, MAX_LIMIT))
    rows = list(session.scalars(_list_query(principal, query).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    last = Cursor(updated_at=rows[-1].created_at, id=rows[-1].id) if more else None
    return rows, last
