"""Receiving uploads: stream to storage, validate, record, and hand pages to the queue.

An upload is one file; each of its pages becomes one ``pages`` row and one ``documents``
row (status ``queued``) in the same transaction, so document ids exist from the start.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import BinaryIO, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ocr_service.auth import Principal
from ocr_service.db.models import DocumentRow, Page, Upload, UploadStatus, new_id
from ocr_service.errors import Conflict, FileTooLarge, InvalidValue, NotFound, TemplateNotFound
from ocr_service.imaging.ingest import Limits, probe_file
from ocr_service.storage import CHUNK, LocalStorage, storage_error
from ocr_service.templates.loader import TemplateRegistry

log = logging.getLogger(__name__)

UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\\/]")
MAX_REF = 200


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
        return _existing_after_race(session, dedupe_key)
    for index in range(info.pages):
        document_id = new_id()
        session.add(DocumentRow(id=document_id, upload_id=upload.id, page_index=index))
        session.add(Page(upload_id=upload.id, index=index, document_id=document_id))
    try:
        session.commit()
    except IntegrityError:
        return _existing_after_race(session, dedupe_key)
    log.info("upload received upload=%s pages=%s kind=%s", upload.id, info.pages, info.kind)
    queue.enqueue_pages(upload.id, list(range(info.pages)))
    return upload, True


def _existing_after_race(session: Session, dedupe_key: str) -> tuple[Upload, bool]:
    """Another request stored the same upload first: answer with that one."""
    session.rollback()
    existing = session.scalar(select(Upload).where(Upload.dedupe_key == dedupe_key))
    if existing is None:
        raise Conflict("the upload clashed with another request; send it again")
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
