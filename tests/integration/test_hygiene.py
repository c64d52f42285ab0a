"""Input hygiene: file names are sanitized and never used as paths, the bytes decide the
type (not the declared content type), oversized bodies are 413 even when streamed without
a length, CORS is off by default, and the reviewer page sends its security headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ocr_service.config import Settings

pytestmark = pytest.mark.integration

LIMIT = 2 * 2**20


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_upload_bytes": LIMIT})


def post(client: httpx.Client, key: str, name: str, content: bytes, mime: str) -> httpx.Response:
    return client.post(
        "/v1/uploads", headers={"X-API-Key": key}, files={"file": (name, content, mime)}
    )


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/passwd.png",
        "..\\..\\windows\\system32\\evil.png",
        "/absolute/path/scan.png",
        "bell\x07tab\tnul\x00newline\n.png",
        "...",
        "申請書　2024.png",
    ],
)
def test_file_names_are_sanitized_and_never_paths(
    name: str,
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    redis_conn: Any,
) -> None:
    r = post(
        client, api_keys["clerk"], name, files.png(files.blank(1300 + len(name), 1800)), "image/png"
    )
    assert r.status_code == 202, r.text
    stored = r.json()["filename"]
    assert stored and not set(stored) & set("/\\\x00\x07\t\n\r")
    assert not stored.startswith(".")
    assert len(stored.encode()) <= 255
    if name.startswith("申請書"):
        assert stored == "申請書　2024.png"
    data = Path(settings.data_dir)
    written = [p.name for p in data.rglob("*") if p.is_file()]
    assert all(w == r.json()["sha256"] or w.endswith(".db") for w in written), written
    assert not Path("/etc/passwd.png").exists()


def test_the_bytes_decide_the_type_not_the_declared_one(
    client: httpx.Client, api_keys: dict[str, str], files: Any, redis_conn: Any
) -> None:
    png = post(client, api_keys["clerk"], "scan.pdf", files.png(files.blank()), "application/pdf")
    assert (png.status_code, png.json()["mime"]) == (202, "image/png")
    pdf = post(client, api_keys["clerk"], "scan.png", files.pdf([files.blank()]), "image/png")
    assert (pdf.status_code, pdf.json()["mime"]) == (202, "application/pdf")
    html = post(client, api_keys["clerk"], "scan.png", b"<html><body>hi</body></html>", "image/png")
    assert (html.status_code, html.json()["error"]["code"]) == (415, "unsupported_file_type")


def test_oversized_bodies_are_413_with_or_without_a_length(
    client: httpx.Client, api_keys: dict[str, str]
) -> None:
    big = b"%PDF-1.4\n" + b"0" * (LIMIT + 2**20)
    declared = post(client, api_keys["clerk"], "big.pdf", big, "application/pdf")
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "file_too_large"

    boundary = "hygieneboundary"

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        for _ in range(8):
            yield b"0" * 2**20
        yield f"\r\n--{boundary}--\r\n".encode()

    streamed = client.post(
        "/v1/uploads",
        headers={
            "X-API-Key": api_keys["clerk"],
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        content=body(),
    )
    assert "content-length" not in streamed.request.headers
    assert streamed.status_code == 413, streamed.text
    assert streamed.json()["error"]["code"] == "file_too_large"


@pytest.mark.parametrize("path", ["/v1/templates", "/v1/uploads", "/review"])
def test_cors_is_off_by_default(client: httpx.Client, api_keys: dict[str, str], path: str) -> None:
    origin = {"Origin": "https://evil.example"}
    preflight = client.options(
        path,
        headers=origin
        | {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-api-key"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert preflight.status_code in (404, 405)
    simple = client.get(path, headers=origin | {"X-API-Key": api_keys["reader"]})
    assert "access-control-allow-origin" not in simple.headers
    assert "access-control-allow-credentials" not in simple.headers


@pytest.mark.parametrize("path", ["/review", "/review/static/review.js"])
def test_the_reviewer_page_sends_security_headers(client: httpx.Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    for directive in ("default-src 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
