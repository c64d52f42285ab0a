"""The one classifier of exceptions into the error family, shared by the API and the worker."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from rq.timeouts import JobTimeoutException
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ocr_service.api.errors import to_service_error
from ocr_service.errors import BlankPage, OcrServiceError
from ocr_service.failures import as_service_error


def lost_connection() -> DBAPIError:
    return DBAPIError("SELECT 1", None, Exception("server closed"), connection_invalidated=True)


CASES: list[tuple[BaseException, str, bool]] = [
    (BlankPage("no ink"), "blank_page", False),
    (JobTimeoutException("too slow"), "job_timeout", True),
    (OperationalError("SELECT 1", None, Exception("locked")), "service_unavailable", True),
    (lost_connection(), "service_unavailable", True),
    (RedisConnectionError("refused"), "service_unavailable", True),
    (PoolTimeout("QueuePool limit reached"), "service_unavailable", True),
    (IntegrityError("INSERT", None, Exception("duplicate")), "internal_error", False),
    (KeyError("boom"), "internal_error", False),
]

IDS = [type(exc).__name__ for exc, _, _ in CASES]


@pytest.mark.parametrize(("exc", "code", "retryable"), CASES, ids=IDS)
def test_exceptions_are_classified_by_type(exc: BaseException, code: str, retryable: bool) -> None:
    error = as_service_error(exc)
    assert (error.code, error.retryable) == (code, retryable)


def test_a_service_error_is_itself() -> None:
    error = BlankPage("no ink")
    assert as_service_error(error) is error


@pytest.mark.parametrize(("exc", "code", "retryable"), CASES, ids=IDS)
def test_the_api_classifies_like_the_worker(exc: BaseException, code: str, retryable: bool) -> None:
    assert isinstance(exc, Exception)
    error: OcrServiceError = to_service_error(exc)
    assert (error.code, error.retryable) == (code, retryable)
