"""The byte limit holds while the body streams in (413 before the whole file arrives)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ocr_service.api import create_app
from ocr_service.config import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def app(settings: Settings) -> Any:
    return create_app(settings.model_copy(update={"max_upload_bytes": 200_000, "max_pages": 2}))


def test_oversized_upload_is_413(client: httpx.Client, api_keys: dict[str, str]) -> None:
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * 400_000
    r = client.post(
        "/v1/uploads",
        headers={"X-API-Key": api_keys["clerk"]},
        files={"file": ("big.png", big, "image/png")},
    )
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "file_too_large"


def test_just_over_the_limit_is_413(client: httpx.Client, api_keys: dict[str, str]) -> None:
    """Within the multipart allowance the guard lets it through; the exact count refuses it."""
    r = client.post(
        "/v1/uploads",
        headers={"X-API-Key": api_keys["clerk"]},
        files={"file": ("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200_000, "image/png")},
    )
    assert r.status_code == 413


def test_too_many_pages_is_413(client: httpx.Client, api_keys: dict[str, str], files: Any) -> None:
    pdf = files.pdf([files.blank(400, 560)] * 3)
    r = client.post(
        "/v1/uploads",
        headers={"X-API-Key": api_keys["clerk"]},
        files={"file": ("three.pdf", pdf, "application/pdf")},
    )
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_many_pages"
