"""A database or Redis outage answers 503 with Retry-After, through the one handler."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ocr_service.api import create_app
from ocr_service.config import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def app(settings: Settings) -> Any:
    dead = settings.model_copy(
        update={
            "database_url": "postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2",
            "redis_url": "redis://127.0.0.1:1/0",
        }
    )
    return create_app(dead)


def test_outage_is_503_with_retry_after(client: httpx.Client) -> None:
    r = client.get("/v1/templates", headers={"X-API-Key": "ocr_abc_def"})
    assert r.status_code == 503
    assert r.headers["retry-after"] == "5"
    assert r.json()["error"]["code"] == "service_unavailable"
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
    assert client.get("/healthz").status_code == 200
