"""Images for reviewers, cut from the straightened page with Pillow (never OpenCV).

The worker stores each document's page warped into its template's reference geometry,
so a field's ``bbox`` (reference pixels) addresses the stored image directly.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from ocr_service.auth import Principal
from ocr_service.db.documents import get_document_row
from ocr_service.db.models import DocumentRow, FieldRow
from ocr_service.errors import NotFound, StorageError
from ocr_service.storage import Storage

MIN_MARGIN = 24
OUTLINE = (37, 99, 235)
"""The zone outline colour (blue, readable on paper white and on black ink)."""


def field_crop_png(
    *, session: Session, storage: Storage, principal: Principal, document_id: str, field: str
) -> bytes:
    """The field's zone with a margin of context around it, its zone outlined."""
    document = get_document_row(session=session, principal=principal, document_id=document_id)
    row = session.scalar(
        select(FieldRow).where(FieldRow.document_id == document.id, FieldRow.name == field)
    )
    if row is None:
        raise NotFound(f"document {document_id!r} has no field {field!r}")
    if len(row.bbox) != 4:
        raise NotFound(f"field {field!r} has no zone on the page")
    with _open_page(storage, document) as page:
        x, y, w, h = (int(v) for v in row.bbox)
        margin = max(MIN_MARGIN, h // 2)
        box = (
            max(0, x - margin),
            max(0, y - margin),
            min(page.width, x + w + margin),
            min(page.height, y + h + margin),
        )
        crop = page.crop(box).convert("RGB")
    ImageDraw.Draw(crop).rectangle(
        (x - box[0] - 3, y - box[1] - 3, x - box[0] + w + 2, y - box[1] + h + 2),
        outline=OUTLINE,
        width=2,
    )
    return _png(crop)


def page_png(
    *,
    session: Session,
    storage: Storage,
    principal: Principal,
    document_id: str,
    page: int,
    highlight: str | None = None,
) -> bytes:
    """The whole straightened page; with ``highlight``, that field's zone outlined."""
    document = get_document_row(session=session, principal=principal, document_id=document_id)
    pages = {int(p.get("page", 1)) for p in document.pages} or {1}
    if page not in pages:
        raise NotFound(f"document {document_id!r} has no page {page}")
    if highlight is None:
        return _stored_bytes(storage, document)
    row = session.scalar(
        select(FieldRow).where(FieldRow.document_id == document.id, FieldRow.name == highlight)
    )
    if row is None:
        raise NotFound(f"document {document_id!r} has no field {highlight!r}")
    with _open_page(storage, document) as image:
        rgb = image.convert("RGB")
    if len(row.bbox) == 4 and row.page == page:
        x, y, w, h = (int(v) for v in row.bbox)
        zone = (x - 6, y - 6, x + w + 5, y + h + 5)
        ImageDraw.Draw(rgb).rectangle(zone, outline=OUTLINE, width=5)
    return _png(rgb)


def _stored_bytes(storage: Storage, document: DocumentRow) -> bytes:
    if document.image_sha256 is None:
        raise NotFound(f"document {document.id!r} has no page image (it was not read)")
    return storage.get_bytes(document.image_sha256)


def _open_page(storage: Storage, document: DocumentRow) -> Image.Image:
    data = _stored_bytes(storage, document)
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, Image.DecompressionBombError) as exc:
        raise StorageError(f"the page image of document {document.id!r} is unreadable") from exc
    return image


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=3)
    return buf.getvalue()
