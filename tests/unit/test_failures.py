"""The one classifier of exceptions into the error family, shared by the API and the worker."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from rq.timeouts import JobTimeoutException
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ocr_service.api.errors import to_service_error
from ocr_service.errors import BlankPage, MissingDependency, OcrServiceError
from ocr_service.failures import as_service_error


def lost_connection() -> DBAPIError:
    return DBAPIError("SELECT 1", None, Exception("server closed"), connection_invalidated=True)


CASES: list[tuple[BaseException, str, bool]] = [
    (BlankPage("no ink"), "blank_page", False),
    (MissingDependency("no tessdata"), "missing_dependency", False),
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


def test_a_missing_dependency_has_an_exit_code_of_its_own() -> None:
    """A misinstalled machine is told apart from a bad input or a dependency that is down."""
    others = {
        cls.exit_code for cls in _family(OcrServiceError) if not issubclass(cls, MissingDependency)
    }
    assert MissingDependency.exit_code == 78 and 78 not in others


def _family(root: type[OcrServiceError]) -> list[type[OcrServiceError]]:
    return [root, *(c for sub in root.__subclasses__() for c in _family(sub))]


@pytest.mark.parametrize("module", ["db/processing.py", "webhooks/delivery.py"])
def test_invariants_are_errors_of_the_family_not_asserts(module: str) -> None:
    """``python -O`` removes ``assert``: an invariant checked by one vanishes in production."""
    path = Path(__file__).resolve().parents[2] / "ocr_service" / module
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    assert lines == []
