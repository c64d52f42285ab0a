"""Fuzzing the HTTP API from its own OpenAPI schema (schemathesis + Hypothesis).

Every operation in ``/openapi.json`` of the app served on loopback is called with
generated requests, authenticated as admin (who may call everything). Promise: no 5xx,
and every response matches the schema (declared status code, content type, body
schema, headers). The budget (``OCR_FUZZ_EXAMPLES``, 50 per operation) takes about 20 s
for both databases.
"""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.integration

FUZZ_EXAMPLES = int(os.environ.get("OCR_FUZZ_EXAMPLES", "50"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def test_no_5xx_and_no_schema_violations(
    live_server: str, api_keys: dict[str, str], redis_conn: Any
) -> None:
    schema = schemathesis.openapi.from_url(f"{live_server}/openapi.json")
    headers = {"Authorization": f"Bearer {api_keys['admin']}"}
    failures: list[str] = []
    calls = 0
    operations = 0

    def fuzz(operation: Any) -> None:
        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            nonlocal calls
            calls += 1
            response = case.call(base_url=live_server, headers=headers, timeout=30)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except BaseException as exc:
                failures.append(f"{operation.label}: {response.status_code} {str(exc)[:600]}")
                raise

        try:
            call()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # recorded above; go on with the other operations
            pass

    for result in schema.get_all_operations():
        operations += 1
        fuzz(result.ok())  # type: ignore[union-attr]
    print(f"fuzzed {operations} operations with {calls} generated requests")
    assert operations >= 20
    assert not failures, "\n\n".join(dict.fromkeys(failures))
    assert httpx.get(f"{live_server}/healthz").status_code == 200
