"""Registering a webhook that points inside is refused with a reason (issue 21, item 4)."""

from __future__ import annotations

import httpx
import pytest

from ocr_service.config import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The service's default: private targets refused."""
    return settings.model_copy(update={"webhook_allow_private": False})


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:6379/", "http://localhost/x", "http://2130706433/", "http://[::1]/"]
)
def test_an_internal_webhook_target_is_refused(
    client: httpx.Client, api_keys: dict[str, str], url: str
) -> None:
    r = client.post(
        "/v1/webhooks",
        headers={"X-API-Key": api_keys["admin"]},
        json={"url": url, "events": ["upload.done"]},
    )
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_value"
    assert "OCR_WEBHOOK_ALLOW_PRIVATE" in error["message"]
    listed = client.get("/v1/webhooks", headers={"X-API-Key": api_keys["admin"]})
    assert listed.status_code == 200
    assert listed.json() == []
