"""A burst that exhausts the database pool answers 503 with Retry-After in the error shape,
not a plain-text 500 (issue 21, item 1)."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.requests import Request

from ocr_service.api.errors import handle_error


def answer(exc: Exception) -> Any:
    """``handle_error``'s response, run on an event loop of its own thread (another test
    may leave a loop running on this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, handle_error(request(), exc)).result()


def request() -> Request:
    return Request({"type": "http", "method": "POST", "path": "/v1/uploads", "headers": []})


def test_an_exhausted_pool_is_503_with_retry_after() -> None:
    exc = PoolTimeout("QueuePool limit of size 5 overflow 10 reached")
    response = answer(exc)
    assert response.status_code == 503
    assert response.headers["retry-after"]
    body = json.loads(bytes(response.body))
    assert body["error"]["code"] == "service_unavailable"


def test_an_unexpected_exception_is_a_json_500() -> None:
    response = answer(KeyError("boom"))
    assert response.status_code == 500
    assert json.loads(bytes(response.body))["error"]["code"] == "internal_error"
