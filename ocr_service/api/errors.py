"""The one exception handler: every error becomes ``{"error": {code, message, details}}``.

Dependency failures (database, Redis) become :class:`ServiceUnavailable` (503 with
``Retry-After``); request validation errors become :class:`InvalidValue` (422).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, OperationalError

from ocr_service.errors import InternalError, InvalidValue, OcrServiceError, ServiceUnavailable

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def to_service_error(exc: Exception) -> OcrServiceError:
    if isinstance(exc, OcrServiceError):
        return exc
    if isinstance(exc, OperationalError | RedisError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    ):
        return ServiceUnavailable("the database or queue is unavailable; try again shortly")
    if isinstance(exc, RequestValidationError):
        problems = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        return InvalidValue("the request is not valid", problems=problems)
    return InternalError(f"unexpected {type(exc).__name__}; see the service log")


async def handle_error(request: Request, exc: Exception) -> JSONResponse:
    error = to_service_error(exc)
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
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if error.http_status == 503 else None
    if error.http_status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse({"error": error.to_dict()}, status_code=error.http_status, headers=headers)


def install(app: FastAPI) -> None:
    for exc_type in (OcrServiceError, OperationalError, DBAPIError, RedisError):
        app.add_exception_handler(exc_type, handle_error)
    app.add_exception_handler(RequestValidationError, handle_error)
