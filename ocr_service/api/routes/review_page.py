"""``/review``: the reviewer page and its static files, with strict security headers.

The page holds no data of its own: it talks to the review API with the reviewer's key
(kept in ``sessionStorage``) and shows images as ``blob:`` URLs fetched with that key.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from ocr_service.errors import NotFound
from ocr_service.web import WEB_DIR

router = APIRouter(tags=["review page"], include_in_schema=False)

STATIC = {
    "review.js": "text/javascript; charset=utf-8",
    "review.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _file(name: str, media_type: str, cache: str) -> Response:
    content = (WEB_DIR / name).read_bytes()
    return Response(
        content, media_type=media_type, headers=SECURITY_HEADERS | {"Cache-Control": cache}
    )


@router.get("/review")
def review_page() -> Response:
    return _file("review.html", "text/html; charset=utf-8", "no-cache")


@router.get("/review/static/{name}")
def review_static(name: Annotated[str, Path(max_length=40)]) -> Response:
    media_type = STATIC.get(name)
    if media_type is None:
        raise NotFound(f"no static file {name!r}")
    return _file(name, media_type, "no-cache")
