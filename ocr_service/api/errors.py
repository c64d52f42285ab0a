"""The one exception handler: every error becomes ``{"error": {code, message, details}}``.

Dependency failures (database, Redis) become :class:`ServiceUnavailable` (503 with
``Retry-After``); request validation errors become :class:`InvalidValue` (422); the
framework's own refusals (an unknown path, a method the path does not take, a body
that cannot be parsed) become :class:`NotFound`, :class:`MethodNotAllowed` and
:class:`InputError`; anything else becomes :class:`InternalError` (500), so no answer
leaves the service in another shape.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ocr_service.errors import (
    InputError,
    InternalError,
    InvalidValue,
    MethodNotAllowed,
    NotFound,
    OcrServiceError,
)
from ocr_service.failures import DEPENDENCY_ERRORS, as_service_error

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def from_framework(exc: HTTPException, request: Request) -> OcrServiceError:
    """One of the framework's own refusals, in the error family."""
    if exc.status_code == 404:
        return NotFound(
            f"there is no {request.url.path}; the API's paths are listed at /docs",
            path=request.url.path,
        )
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return MethodNotAllowed(
            f"{request.method} is not allowed on {request.url.path}"
            + (f"; use {allowed}" if allowed else ""),
            allowed=[m.strip() for m in allowed.split(",") if m.strip()],
        )
    if 400 <= exc.status_code < 500:
        detail = str(exc.detail).rstrip(".")
        return InputError(f"the request could not be read ({detail}); send it again as documented")
    return InternalError(f"unexpected HTTP {exc.status_code}; see the service log")


def to_service_error(exc: Exception, request: Request | None = None) -> OcrServiceError:
    """The framework's refusals and request validation here; the rest by the one classifier."""
    if isinstance(exc, HTTPException) and request is not None:
        return from_framework(exc, request)
    if isinstance(exc, RequestValidationError):
        problems = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        return InvalidValue("the request is not valid", problems=problems)
    return as_service_error(exc)


async def handle_error(request: Request, exc: Exception) -> JSONResponse:
    error = to_service_error(exc, request)
    if isinstance(error, InternalError):
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    elif error.http_status >= 500:
        log.warning(
            "%s %s -> %s %s (%s)",
            request.method,
            request.url.path,
            error.http_status,
            error.code,
            type(exc).__name__,
        )
    retry_later = error.retryable and error.http_status == 503
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if retry_later else None
    if error.http_status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    if isinstance(error, MethodNotAllowed) and isinstance(exc, HTTPException) and exc.headers:
        headers = {"Allow": exc.headers.get("Allow", "")}
    return JSONResponse({"error": error.to_dict()}, status_code=error.http_status, headers=headers)


def install(app: FastAPI) -> None:
    handled: tuple[type[Exception], ...] = (OcrServiceError, *DEPENDENCY_ERRORS)
    for exc_type in handled:
        app.add_exception_handler(exc_type, handle_error)
    app.add_exception_handler(RequestValidationError, handle_error)
    app.add_exception_handler(HTTPException, handle_error)
    app.add_exception_handler(Exception, handle_error)
