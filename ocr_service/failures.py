"""The one classifier: any exception, by its type (never by its message text), as a member
of the error family (:mod:`ocr_service.errors`).

The API's exception handler (:mod:`ocr_service.api.errors`, which first turns the
framework's own refusals into the family) and the worker's failure handler
(:func:`ocr_service.queue.jobs.handle_failure`) both call :func:`as_service_error`, so a
lost database connection is the same retryable ``service_unavailable`` in both.

    OcrServiceError (any subclass)      itself
    rq JobTimeoutException              JobTimeout         (retryable)
    sqlalchemy OperationalError,
      a DBAPIError that invalidated
      its connection, RedisError        ServiceUnavailable (retryable)
    sqlalchemy pool TimeoutError        ServiceUnavailable (every connection is busy)
    anything else                       InternalError      (a bug, not the input)
"""

from __future__ import annotations

from redis.exceptions import RedisError
from rq.timeouts import JobTimeoutException
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ocr_service.errors import InternalError, JobTimeout, OcrServiceError, ServiceUnavailable

#: The dependency failures the API's exception handler must be installed for.
DEPENDENCY_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    DBAPIError,
    RedisError,
    PoolTimeout,
)


def as_service_error(exc: BaseException) -> OcrServiceError:
    """Classify ``exc`` by its type; see the table in the module docstring."""
    if isinstance(exc, OcrServiceError):
        return exc
    if isinstance(exc, JobTimeoutException):
        return JobTimeout("reading the page took longer than the job timeout")
    if isinstance(exc, OperationalError | RedisError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    ):
        return ServiceUnavailable("the database or queue is unavailable; try again shortly")
    if isinstance(exc, PoolTimeout):
        # every database connection is busy (a burst of uploads): nothing was written
        return ServiceUnavailable("the service is busy; send the request again shortly")
    return InternalError(f"unexpected {type(exc).__name__}; see the service log")
