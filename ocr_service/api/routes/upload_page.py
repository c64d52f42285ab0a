"""``/upload``: the clerk's upload page and its static files, with the reviewer page's strict
security headers.

Like ``/review``, the page holds no data of its own: it talks to the uploads API with the
clerk's key (kept in ``sessionStorage``) and shows sheet images as ``blob:`` URLs fetched
with that key.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from ocr_service.api.routes.review_page import SECURITY_HEADERS
from ocr_service.errors import NotFound
from ocr_service.web import WEB_DIR

router = APIRouter(tags=["upload page"], include_in_schema=False)

STATIC = {
    "upload.js": "text/javascript; charset=utf-8",
    "upload.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}


def _file(name: str, media_type: str) -> Response:
    content = (WEB_DIR / name).read_bytes()
    return Response(
        content, media_type=media_type, headers=SECURITY_HEADERS | {"Cache-Control": "no-cache"}
    )


@router.get("/upload")
def upload_page() -> Response:
    return _file("upload.html", "text/html; charset=utf-8")


@router.get("/upload/static/{name}")
def upload_static(name: Annotated[str, Path(max_length=40)]) -> Response:
    media_type = STATIC.get(name)
    if media_type is None:
        raise NotFound(f"no static file {name!r}")
    return _file(name, media_type)
