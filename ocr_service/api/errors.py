"""The one exception handler: every error becomes ``{"error": {code, message, details}}``.

Dependency failures (database, Redis) become :class:`ServiceUnavailable` (503 with
``Retry-After``); request validation errors become :class:`InvalidValue` (422, its
message in Japanese, English in ``details.message_en``); the
framework's own refusals (an unknown path, a method the path does not take, a body
that cannot be parsed) become :class:`NotFound`, :class:`MethodNotAllowed` and
:class:`InputError`; anything else becomes :class:`InternalError` (500), so no answer
leaves the service in another shape.

The ``message`` is for a person: Japanese unless the request prefers English
(``Accept-Language: en``), from the one catalogue (:mod:`ocr_service.messages`); the
``code`` stays the same in both.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, FastAPI, Request
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
from ocr_service.messages import Language, error_message, preferred_language

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

PROBLEM_TEXT: dict[str, str] = {
    "missing": "必須です",
    "extra_forbidden": "この項目は受け付けません",
    "string_too_long": "長すぎます",
    "string_too_short": "短すぎます（空欄にできません）",
    "too_long": "多すぎます",
    "too_short": "足りません",
    "int_parsing": "整数で指定してください",
    "int_type": "整数で指定してください",
    "string_type": "文字列で指定してください",
    "bool_parsing": "true か false で指定してください",
    "greater_than_equal": "小さすぎます",
    "less_than_equal": "大きすぎます",
    "list_type": "配列で指定してください",
    "json_invalid": "JSON として読めません",
    "model_attributes_type": "JSON オブジェクトで指定してください",
    "dict_type": "JSON オブジェクトで指定してください",
    "enum": "使える値ではありません",
    "literal_error": "使える値ではありません",
}
"""Pydantic's error types (stable codes, not their English text) in Japanese."""


def _problem_ja(error: dict[str, object]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx")
    if kind == "value_error" and isinstance(ctx, dict) and "error" in ctx:
        return str(ctx["error"])  # our own validators raise Japanese text
    return PROBLEM_TEXT.get(kind, "値が正しくありません")


def validation_error(exc: RequestValidationError) -> InvalidValue:
    """A request that does not fit the API's models, described in Japanese."""
    errors = [dict(e) for e in exc.errors()]
    problems = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in errors
    ]
    where = [
        f"{'.'.join(p['loc'][1:] or p['loc']) or '本文'}: {_problem_ja(e)}"
        for p, e in zip(problems, errors, strict=True)
    ]
    return InvalidValue(
        "リクエストの内容が正しくありません（" + "、".join(where[:5]) + "）。",
        message_en="the request is not valid",
        problems=problems,
    )


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
        return validation_error(exc)
    return as_service_error(exc)


def language_of(request: Request) -> Language:
    """The language a person who sent ``request`` reads (its ``Accept-Language``)."""
    return preferred_language(request.headers.get("accept-language"))


LanguageDep = Annotated[Language, Depends(language_of)]
"""The language to answer a person in (``Accept-Language``; Japanese by default)."""


def error_body(error: OcrServiceError, language: Language) -> dict[str, object]:
    """``{"error": {code, message, details}}`` with the message in ``language``."""
    body = error.to_dict()
    body["message"] = error_message(error.code, error.message, language, error.details)
    return {"error": body}


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
    body = error_body(error, language_of(request))
    headers = (headers or {}) | {"Content-Language": language_of(request)}
    return JSONResponse(body, status_code=error.http_status, headers=headers)


def install(app: FastAPI) -> None:
    handled: tuple[type[Exception], ...] = (OcrServiceError, *DEPENDENCY_ERRORS)
    for exc_type in handled:
        app.add_exception_handler(exc_type, handle_error)
    app.add_exception_handler(RequestValidationError, handle_error)
    app.add_exception_handler(HTTPException, handle_error)
    app.add_exception_handler(Exception, handle_error)
